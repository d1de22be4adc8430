package org.cbec.gateway.agreement;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordType;

/**
 * A canonical record as an agreement lets it cross: the allowed fields, {@code legalBasis} and
 * {@code withheldFields}. Its key and version are those of the full record, so its idempotency key is the same.
 */
public record AgreedRecord(
        RecordType recordType,
        String recordId,
        String recordVersion,
        String sourcePartner,
        String sourceMessageId,
        @JsonValue ObjectNode json)
        implements CanonicalRecord {}
