-- Delivery progress lives in its own small row: resolving each record of a message updates this row, not
-- the message's evidence row with its large columns (which the database would rewrite every time).
CREATE TABLE message_progress (
    message_id       VARCHAR(26) NOT NULL PRIMARY KEY,
    records_pending  INTEGER     NOT NULL
);
INSERT INTO message_progress (message_id, records_pending)
SELECT message_id, records_pending FROM inbound_message WHERE dispatched_at IS NOT NULL;
ALTER TABLE inbound_message DROP COLUMN records_pending;
