-- Written for both H2 (MODE=PostgreSQL) and PostgreSQL: keep to types and syntax both understand.

-- Issue 18: security events an operator or auditor looks up (GET /api/v1/security-events): refused logins, refused
-- actions, and requests the HTTP server refused before any route ran. Kept apart from the partner message archive and
-- its hash chain. Text from a client (user name, request line, detail) is stored encoded (console/SecurityEvents).
CREATE TABLE security_event (
    event_id     VARCHAR(26)   NOT NULL PRIMARY KEY,
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    kind         VARCHAR(24)   NOT NULL,
    code         VARCHAR(40)   NOT NULL,
    user_name    VARCHAR(2048),
    address      VARCHAR(2048),
    channel      VARCHAR(2048),
    detail       VARCHAR(2048)
);
CREATE INDEX security_event_time ON security_event (occurred_at);
