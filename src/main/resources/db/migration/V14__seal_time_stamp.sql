-- Trusted time on the evidence (CONTRACT.md section 10): each seal's RFC 3161 time-stamp token over its CMS bytes,
-- from gateway.evidence.tsa.url or the built-in demo TSA. Null while the TSA could not be reached: the seal gets its
-- token at the next attempt (its genTime then says when the seal was proven to exist).
ALTER TABLE evidence_seal ADD COLUMN tsa_token BYTEA;
