-- When a message was dispatched lives in its small progress row too: dispatching no longer locks and
-- rewrites the message's evidence row. The progress row's existence is the claim that it was dispatched.
ALTER TABLE message_progress ADD COLUMN dispatched_at TIMESTAMP WITH TIME ZONE;
UPDATE message_progress SET dispatched_at = (
    SELECT m.dispatched_at FROM inbound_message m WHERE m.message_id = message_progress.message_id);
ALTER TABLE inbound_message DROP COLUMN dispatched_at;
