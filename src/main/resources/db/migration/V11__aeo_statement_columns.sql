-- An AEO statement row keeps what the registry reads in columns of its own, not a second JSON copy of the
-- canonical record. The record itself is in its message's records document already. The registry reads a
-- statement's status and time, and, to write a withdrawal, the operator's last details. A 10 MB list has
-- 80,000 statements: their JSON was as large again as the records document, in the same transaction.
--
-- Rows written before this migration keep their JSON in `record` (now nullable) and are read from it; rows
-- written after it have `record` NULL. The details have no declared length: nothing bounds a partner's
-- operator name or address line but the message size.
ALTER TABLE aeo_statement ADD COLUMN operator_name VARCHAR;
ALTER TABLE aeo_statement ADD COLUMN address_line VARCHAR;
ALTER TABLE aeo_statement ADD COLUMN city VARCHAR;
ALTER TABLE aeo_statement ADD COLUMN postcode VARCHAR;
ALTER TABLE aeo_statement ADD COLUMN country VARCHAR;
ALTER TABLE aeo_statement ADD COLUMN programme VARCHAR;
ALTER TABLE aeo_statement ADD COLUMN valid_from DATE;
ALTER TABLE aeo_statement ADD COLUMN valid_until DATE;
ALTER TABLE aeo_statement ALTER COLUMN record DROP NOT NULL;
