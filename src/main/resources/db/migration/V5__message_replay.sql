-- Each replay of an archived message: the records the current translators made of it. Records of replay n
-- are outbound_record rows with seq = n * 100000 + their index.
CREATE TABLE message_replay (
    message_id   VARCHAR(26) NOT NULL,
    replay_no    INTEGER     NOT NULL,
    replayed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    records      TEXT        NOT NULL,
    PRIMARY KEY (message_id, replay_no)
);
