-- The AEO registry: every status statement a partner made about an operator, with its history. The
-- current status of an operator is its statement with the latest status_changed_at.
CREATE TABLE aeo_statement (
    partner_id         VARCHAR(32)  NOT NULL,
    aeo_id             VARCHAR(35)  NOT NULL,
    status_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    status             VARCHAR(16)  NOT NULL,
    record_id          VARCHAR(400) NOT NULL,
    record_version     CHAR(16)     NOT NULL,
    message_id         VARCHAR(26)  NOT NULL,
    received_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    record             TEXT         NOT NULL
);
CREATE INDEX aeo_statement_operator ON aeo_statement (partner_id, aeo_id, status_changed_at);

-- The latest statement forwarded to the national system per operator: an older one is never sent after it.
CREATE TABLE aeo_forwarded (
    partner_id         VARCHAR(32) NOT NULL,
    aeo_id             VARCHAR(35) NOT NULL,
    status_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (partner_id, aeo_id)
);

-- Every record version handed to a forward queue: the same business content is forwarded once,
-- whatever message or format carried it.
CREATE TABLE dispatched_key (
    idempotency_key  VARCHAR(420) NOT NULL PRIMARY KEY,
    message_id       VARCHAR(26)  NOT NULL,
    seq              INTEGER      NOT NULL
);
