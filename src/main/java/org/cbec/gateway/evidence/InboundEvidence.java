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
 * @param decision the verdict and what it produced
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
        List<String> errors,
        Decision decision) {

    /**
     * The verdict on a message and what it produced: its records and receipt, its refusal, or its first copy.
     *
     * @param records the canonical records, for accepted messages
     */
    public record Decision(
            Verdict verdict,
            String refusalCode,
            String refusalDetail,
            int recordCount,
            RecordsDocument records,
            String receiptJson,
            String duplicateOf) {

        public static Decision accepted(int recordCount, RecordsDocument records, String receiptJson) {
            return new Decision(Verdict.ACCEPTED, null, null, recordCount, records, receiptJson, null);
        }

        public static Decision rejected(String refusalCode, String refusalDetail) {
            return new Decision(Verdict.REJECTED, refusalCode, refusalDetail, 0, null, null, null);
        }

        /** The same message as {@code firstMessageId}, accepted before. */
        public static Decision duplicateOf(String firstMessageId) {
            return new Decision(Verdict.DUPLICATE, null, null, 0, null, null, firstMessageId);
        }
    }
}
