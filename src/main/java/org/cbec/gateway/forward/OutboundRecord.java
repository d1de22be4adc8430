package org.cbec.gateway.forward;

/** One canonical record on its way to a national system. */
public record OutboundRecord(String messageId, int seq, String recordType, String idempotencyKey, String json) {}
