-- Every signed receipt the gateway sent (CMS SignedData over the receipt JSON): what it answered, as it answered it.
CREATE TABLE signed_receipt (
    message_id  VARCHAR(26) NOT NULL,
    signed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    cms         BYTEA       NOT NULL
);
CREATE INDEX signed_receipt_message ON signed_receipt (message_id);
