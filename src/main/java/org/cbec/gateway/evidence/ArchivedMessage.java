package org.cbec.gateway.evidence;

import java.time.Instant;
import java.util.List;

/** A message as the archive knows it, with its status history; the exact bytes are read separately. */
public record ArchivedMessage(
        String messageId,
        Instant receivedAt,
        String sha256,
        long sizeBytes,
        String contentType,
        String partnerId,
        String signerSubject,
        Instant signingTime,
        String documentFormat,
        Verdict verdict,
        String refusalCode,
        String refusalDetail,
        String errorsJson,
        int recordCount,
        String recordsJson,
        String receiptJson,
        String duplicateOf,
        String status,
        List<StatusChange> history) {

    public record StatusChange(String status, Instant at, String note) {}
}
