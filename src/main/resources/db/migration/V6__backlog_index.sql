-- The intake samples the forward backlog (records still PENDING) once a second.
CREATE INDEX outbound_record_status ON outbound_record (status);
