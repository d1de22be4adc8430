package org.cbec.gateway.translate;

import java.time.Instant;
import java.util.List;
import org.cbec.gateway.canonical.AeoStatusRecord;

/**
 * Writes canonical AEO status records as one business document of a partner's format (FORMATS.md): the other way of a
 * {@link Translator}, so that what one gateway writes, another (and this one's own reader) reads back as the same records.
 */
public interface DocumentWriter {
    /**
     * @param administration the issuing administration's country (the gateway's own, {@code gateway.country})
     * @param generatedAt    when the list was made
     * @param legalBasis     the agreement's reference, written where the format has a place for it (JSON); may be null
     */
    byte[] write(List<AeoStatusRecord> records, String administration, Instant generatedAt, String legalBasis);

    /** The writers of every format the gateway sends, by format: the key is a writer's format, it needs no other. */
    static java.util.Map<DocumentFormat, DocumentWriter> standard() {
        return java.util.Map.of(
                DocumentFormat.AEO_STATUS_CSV,
                new AeoStatusCsvWriter(),
                DocumentFormat.AEO_STATUS_JSON,
                new AeoStatusJsonWriter(),
                DocumentFormat.AEO_STATUS_XML,
                new AeoStatusXmlWriter());
    }
}
