package org.cbec.gateway.canonical;

import java.util.Objects;

/**
 * Where a canonical record came from: the partner that sent it, the message that carried it and the
 * business document format ({@code aeo-status-csv}, ...). Not part of the record's business content.
 */
public record RecordSource(String partnerId, String messageId, String format) {
    public RecordSource {
        Objects.requireNonNull(partnerId, "partnerId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(format, "format");
    }
}
