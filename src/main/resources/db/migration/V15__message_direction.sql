-- Outbound (CONTRACT.md section 8): a national system's request to send records to a partner is archived as a message
-- like any other (its exact bytes, verdict, records, status history, hash chain), marked OUTBOUND; null is inbound.
ALTER TABLE inbound_message ADD COLUMN direction VARCHAR(8);
