package org.cbec.gateway.forward;

import java.time.Instant;

/** The delivery state of one record of a message, as the tracking API shows it. */
public record RecordDelivery(
        int seq,
        String recordType,
        String recordId,
        String recordVersion,
        String idempotencyKey,
        String status,
        int attempts,
        Instant deliveredAt,
        String lastError) {}
