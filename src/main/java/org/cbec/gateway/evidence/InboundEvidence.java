package org.cbec.gateway.evidence;

import java.time.Instant;
import java.util.List;
import org.cbec.gateway.canonical.RecordsDocument;

/**
 * Everything the gateway keeps about one received message: the exact bytes, their digest, who signed,
 * the verdict and what it produced.
 *
 * @param content the exact received bytes; null only when they were not kept (a body over the size limit)
 * @param errors located errors behind a SCHEMA_INVALID verdict, as "location: message"
 * @param records the canonical records, for accepted messages
 */
public record InboundEvidence(
        String messageId,
        Instant receivedAt,
        String sha256,
        long sizeBytes,
        String contentType,
        ReceivedBody content,
        String partnerId,
        String signerSubject,
        Instant signingTime,
        String documentFormat,
        Verdict verdict,
        String refusalCode,
        String refusalDetail,
        List<String> errors,
        int recordCount,
        RecordsDocument records,
        String receiptJson,
        String duplicateOf) {}
