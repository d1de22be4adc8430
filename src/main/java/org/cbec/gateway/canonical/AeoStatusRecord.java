package org.cbec.gateway.canonical;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Canonical {@code AEO_STATUS} record (FORMATS.md): one status statement of an administration about one
 * authorised economic operator. Components are in JSON order; dates are written as ISO 8601 strings,
 * {@code statusChangedAt} in {@link Instant#toString()} form (UTC, {@code Z}).
 *
 * <p>Build one with {@link #create}, which sets {@code recordId} and {@code recordVersion}.
 */
public record AeoStatusRecord(
        RecordType recordType,
        String recordId,
        String recordVersion,
        String sourcePartner,
        String sourceMessageId,
        String sourceFormat,
        String aeoId,
        String operatorName,
        Address address,
        String programme,
        AeoStatus status,

        @JsonSerialize(using = ToStringSerializer.class)
        @JsonDeserialize(using = IsoTimeJson.LocalDateDeserializer.class)
        LocalDate validFrom,

        @JsonSerialize(using = ToStringSerializer.class)
        @JsonDeserialize(using = IsoTimeJson.LocalDateDeserializer.class)
        LocalDate validUntil,

        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoTimeJson.InstantDeserializer.class)
        Instant statusChangedAt,

        String statusReason)
        implements CanonicalRecord {

    public AeoStatusRecord {
        if (recordType != RecordType.AEO_STATUS) {
            throw new IllegalArgumentException("recordType must be AEO_STATUS, not " + recordType);
        }
    }

    /**
     * A record with its business key and version computed from the given content.
     *
     * @param validUntil null when the authorisation has no end date
     * @param statusReason null when none was given
     */
    public static AeoStatusRecord create(
            RecordSource source,
            String aeoId,
            String operatorName,
            Address address,
            String programme,
            AeoStatus status,
            LocalDate validFrom,
            LocalDate validUntil,
            Instant statusChangedAt,
            String statusReason) {
        Objects.requireNonNull(aeoId, "aeoId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusChangedAt, "statusChangedAt");
        String recordId = recordIdOf(source.partnerId(), aeoId, statusChangedAt);
        return RecordVersion.versioned(version -> new AeoStatusRecord(
                RecordType.AEO_STATUS,
                recordId,
                version,
                source.partnerId(),
                source.messageId(),
                source.format(),
                aeoId,
                operatorName,
                address,
                programme,
                status,
                validFrom,
                validUntil,
                statusChangedAt,
                statusReason));
    }

    /** The business key: a statement re-sent in a later list is the same record. */
    public static String recordIdOf(String partnerId, String aeoId, Instant statusChangedAt) {
        return partnerId + ":" + aeoId + ":" + statusChangedAt;
    }
}
