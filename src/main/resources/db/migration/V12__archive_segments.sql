-- The embedded archive keeps received bytes once, in append-only segment files (ArchiveSegments): a row then says
-- where they lie instead of holding them. An external database keeps the bytes in the row, as before.
ALTER TABLE inbound_content ADD COLUMN segment_ref BIGINT;
ALTER TABLE inbound_content ALTER COLUMN content DROP NOT NULL;
