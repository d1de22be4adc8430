package org.cbec.gateway.forward;

/**
 * One canonical record on its way to a national system.
 *
 * @param groupId the Artemis message group that keeps records in order (one AEO operator of one partner), or null
 */
public record OutboundRecord(
        String messageId, int seq, String recordType, String idempotencyKey, String groupId, String json) {}
