-- Written for both H2 (MODE=PostgreSQL) and PostgreSQL: keep to types and syntax both understand.

-- One row per received message, accepted or refused: the verdict and what it was decided on.
CREATE TABLE inbound_message (
    message_id       VARCHAR(26)   NOT NULL PRIMARY KEY,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    sha256           CHAR(64)      NOT NULL,
    size_bytes       BIGINT        NOT NULL,
    content_type     VARCHAR(255),
    partner_id       VARCHAR(32),
    signer_subject   VARCHAR(1024),
    signing_time     TIMESTAMP WITH TIME ZONE,
    document_format  VARCHAR(32),
    verdict          VARCHAR(16)   NOT NULL,
    refusal_code     VARCHAR(40),
    refusal_detail   VARCHAR(4000),
    errors           TEXT,
    record_count     INTEGER       NOT NULL,
    records          TEXT,
    receipt          TEXT,
    duplicate_of     VARCHAR(26),
    status           VARCHAR(24)   NOT NULL,
    records_pending  INTEGER       NOT NULL,
    dispatched_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX inbound_message_received ON inbound_message (received_at);
CREATE INDEX inbound_message_partner ON inbound_message (partner_id, received_at);
CREATE INDEX inbound_message_status ON inbound_message (status, received_at);

-- The exact bytes received, kept apart so that listing messages never reads them.
CREATE TABLE inbound_content (
    message_id  VARCHAR(26) NOT NULL PRIMARY KEY,
    content     BYTEA       NOT NULL
);

-- The digest of every accepted body: the same bytes again are a duplicate of the first.
CREATE TABLE accepted_digest (
    sha256      CHAR(64)    NOT NULL PRIMARY KEY,
    message_id  VARCHAR(26) NOT NULL
);

-- What happened to a message, in order.
CREATE TABLE message_status_history (
    message_id  VARCHAR(26)  NOT NULL,
    status      VARCHAR(24)  NOT NULL,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    note        VARCHAR(1000)
);
CREATE INDEX message_status_history_message ON message_status_history (message_id, at);

-- One row per canonical record of an accepted message, and its delivery.
CREATE TABLE outbound_record (
    message_id       VARCHAR(26)  NOT NULL,
    seq              INTEGER      NOT NULL,
    record_type      VARCHAR(20)  NOT NULL,
    record_id        VARCHAR(400) NOT NULL,
    record_version   CHAR(16)     NOT NULL,
    idempotency_key  VARCHAR(420) NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(1000),
    PRIMARY KEY (message_id, seq)
);
CREATE INDEX outbound_record_key ON outbound_record (idempotency_key);

-- Every idempotency key a national system has acknowledged: a key is forwarded at most once.
CREATE TABLE delivered_key (
    idempotency_key  VARCHAR(420) NOT NULL PRIMARY KEY,
    message_id       VARCHAR(26)  NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
