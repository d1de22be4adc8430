package org.cbec.gateway.translate;

import java.util.Objects;
import java.util.Optional;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * What an AEO status list says about itself besides its records: whether it is a DELTA or a FULL list.
 * Kept apart from {@link Translation} so that its shape stays the same for every format; call it after a
 * successful translation of the same document.
 */
public final class AeoStatusList {

    /** DELTA: only the operators listed change. FULL: an operator previously known and now absent is WITHDRAWN. */
    public enum ListType {
        DELTA,
        FULL;

        static Optional<ListType> parse(String text) {
            for (ListType type : values()) {
                if (type.name().equals(text)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    private AeoStatusList() {}

    /**
     * The list type of an AEO status document: always DELTA for CSV; the {@code listType} field for JSON,
     * read by streaming only up to that field. Empty for a format that carries no AEO status list, for
     * {@code aeo-status-xml} (no translator yet) and for a document without a valid list type, which its
     * translator refuses anyway.
     */
    public static Optional<ListType> listType(DocumentFormat format, byte[] document) {
        return listType(format, ReceivedBody.of(Objects.requireNonNull(document, "document")));
    }

    /** The same for a document read in place. */
    public static Optional<ListType> listType(DocumentFormat format, ReceivedBody document) {
        Objects.requireNonNull(document, "document");
        return switch (format) {
            case AEO_STATUS_CSV -> Optional.of(ListType.DELTA);
            case AEO_STATUS_JSON ->
                document.read((array, offset, length) ->
                                JsonInput.topLevelString(array, offset, offset + length, "listType"))
                        .flatMap(ListType::parse);
            case AEO_STATUS_XML -> AeoStatusXmlTranslator.listType(document.bytes());
            default -> Optional.empty();
        };
    }
}
