package org.cbec.gateway.canonical;

/** A record in the gateway's canonical model (FORMATS.md), as forwarded to a national system. */
public interface CanonicalRecord {
    RecordType recordType();

    /** The business key: the same business object has the same id whatever message carried it. */
    String recordId();

    /** First 16 hex digits of the SHA-256 of the business fields in RFC 8785 canonical JSON. */
    String recordVersion();

    String sourcePartner();

    String sourceMessageId();

    /** The key national systems de-duplicate on: {@code recordId:recordVersion}. */
    default String idempotencyKey() {
        return recordId() + ":" + recordVersion();
    }
}
