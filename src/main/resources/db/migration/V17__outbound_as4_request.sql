-- An outbound AS4 delivery builds its signed request per attempt: the exact request a partner's receipt answers is kept
-- beside that receipt (its Content-Type line, a blank line, then the multipart body), as evidence of what was sent.
ALTER TABLE signed_receipt ADD COLUMN sent_request BYTEA;
