-- The evidence hash chain: every archived message gets a place in one chain, and each entry commits to
-- the one before it. Seals are the gateway's signature over the chain head at intervals.
ALTER TABLE inbound_message ADD COLUMN chain_seq BIGINT;
CREATE INDEX inbound_message_unchained ON inbound_message (chain_seq, received_at);

CREATE TABLE evidence_chain (
    chain_seq      BIGINT       NOT NULL PRIMARY KEY,
    message_id     VARCHAR(26)  NOT NULL,
    previous_hash  CHAR(64)     NOT NULL,
    entry_hash     CHAR(64)     NOT NULL,
    entry          TEXT         NOT NULL,
    chained_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX evidence_chain_message ON evidence_chain (message_id);

-- One row: the chain's head. Extending the chain locks it, so one writer at a time, across instances too.
CREATE TABLE evidence_chain_head (
    id         INTEGER  NOT NULL PRIMARY KEY,
    chain_seq  BIGINT   NOT NULL,
    head_hash  CHAR(64) NOT NULL
);
INSERT INTO evidence_chain_head (id, chain_seq, head_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE evidence_seal (
    chain_seq  BIGINT      NOT NULL PRIMARY KEY,
    head_hash  CHAR(64)    NOT NULL,
    sealed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    cms        BYTEA       NOT NULL
);
