-- Issue 20: AS4 duplicate elimination on eb:MessageId per partner, in the shared database so that every instance
-- and every restart agrees. A row is claimed before the payloads are admitted; its receipt is the answer to a repeat.
CREATE TABLE as4_message (
    partner_id      VARCHAR(32)   NOT NULL,
    ebms_message_id VARCHAR(255)  NOT NULL,
    claimed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    message_ids     VARCHAR(2000),
    receipt         BYTEA,
    request         BYTEA,
    original_sender VARCHAR(255),
    final_recipient VARCHAR(255),
    PRIMARY KEY (partner_id, ebms_message_id)
);

-- Every AS4 signal the gateway answered with (signed eb:Receipt or eb:Error), as it was sent: the evidence of what
-- it answered to which request, duplicates and refusals included.
CREATE TABLE as4_signal (
    signal_id       VARCHAR(26)   NOT NULL PRIMARY KEY,
    sent_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    partner_id      VARCHAR(32),
    ebms_message_id VARCHAR(255),
    request_sha256  CHAR(64)      NOT NULL,
    kind            VARCHAR(16)   NOT NULL,
    gateway_code    VARCHAR(64),
    ebms_code       VARCHAR(16),
    message_ids     VARCHAR(2000),
    signal_xml      BYTEA         NOT NULL
);
CREATE INDEX as4_signal_ebms ON as4_signal (ebms_message_id);
