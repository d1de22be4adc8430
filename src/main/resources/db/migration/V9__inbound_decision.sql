-- Large documents are written once and never rewritten.
--
-- What the gateway made of a message (its records, the located errors, the receipt) moves to its own row,
-- inserted once and never updated. The message's evidence row keeps only small columns, so the updates it
-- still gets (its status, its place in the chain) no longer rewrite pages full of large documents.
--
-- ${large_text} and ${large_bytes} are the database's large-object types (set by the gateway: H2's
-- CHARACTER / BINARY LARGE OBJECT, PostgreSQL's TEXT / BYTEA). H2 keeps large objects apart from the
-- table's pages; stored inline, a 40 MB records document would be written again each time a row is
-- added to the same page.
CREATE TABLE inbound_decision (
    message_id  VARCHAR(26) NOT NULL PRIMARY KEY,
    errors      ${large_text},
    records     ${large_text},
    receipt     TEXT
);
INSERT INTO inbound_decision (message_id, errors, records, receipt)
SELECT message_id, errors, records, receipt FROM inbound_message
WHERE errors IS NOT NULL OR records IS NOT NULL OR receipt IS NOT NULL;
ALTER TABLE inbound_message DROP COLUMN errors;
ALTER TABLE inbound_message DROP COLUMN records;
ALTER TABLE inbound_message DROP COLUMN receipt;

ALTER TABLE inbound_content ALTER COLUMN content TYPE ${large_bytes};
ALTER TABLE message_replay ALTER COLUMN records TYPE ${large_text};
