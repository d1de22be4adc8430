-- The ledger retention (gateway.ledger.retention) removes whole settled messages and, by age, AS4
-- duplicate-elimination rows and AS4 signals. Without these indexes each hourly pass would read those tables whole.
-- (A message id is time-ordered: its index grows at one end, which costs a commit little.)
CREATE INDEX accepted_content_message ON accepted_content (message_id);
CREATE INDEX as4_message_claimed ON as4_message (claimed_at);
CREATE INDEX as4_signal_sent ON as4_signal (sent_at);
