-- A record version's key is looked up in one place: dispatched_key, the claim of the one record that is ever
-- sent with it. Whether the key was delivered is that record's status, so the table of delivered keys and
-- the outbound rows' own key index were two more copies of the same key, each written at a random place
-- in its index for every record.
DROP TABLE delivered_key;
DROP INDEX outbound_record_key;
