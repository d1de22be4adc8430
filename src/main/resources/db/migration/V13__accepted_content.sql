-- Issue 18 §2: a partner's retry re-signed (new signature, same business document) is a duplicate too. The digest
-- of the signed content, per partner, names the first message accepted with it.
CREATE TABLE accepted_content (
    partner_id      VARCHAR(32) NOT NULL,
    content_sha256  CHAR(64)    NOT NULL,
    message_id      VARCHAR(26) NOT NULL,
    PRIMARY KEY (partner_id, content_sha256)
);
