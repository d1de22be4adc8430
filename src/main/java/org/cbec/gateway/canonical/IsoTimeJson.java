package org.cbec.gateway.canonical;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Reads the ISO 8601 strings that canonical records hold for dates and instants. Declared on the record
 * components themselves, so any ObjectMapper reads and writes them alike, with or without a java.time module.
 */
final class IsoTimeJson {

    private IsoTimeJson() {}

    /** {@code 2019-05-01} to a {@link LocalDate}. */
    static final class LocalDateDeserializer extends IsoDeserializer<LocalDate> {
        private static final long serialVersionUID = 1L;

        LocalDateDeserializer() {
            super(LocalDate.class, LocalDate::parse, "not an ISO 8601 date");
        }
    }

    /** {@code 2019-05-01T00:00:00Z} to an {@link Instant}. */
    static final class InstantDeserializer extends IsoDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        InstantDeserializer() {
            super(Instant.class, Instant::parse, "not an ISO 8601 instant");
        }
    }

    /** A JSON string parsed by {@code parse}; anything else is the context's problem to report. */
    private abstract static class IsoDeserializer<T> extends StdScalarDeserializer<T> {
        private static final long serialVersionUID = 1L;

        private final transient Function<String, T> parse;
        private final String notIso;

        IsoDeserializer(Class<T> type, Function<String, T> parse, String notIso) {
            super(type);
            this.parse = parse;
            this.notIso = notIso;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                return (T) context.handleUnexpectedToken(handledType(), parser);
            }
            try {
                return parse.apply(text);
            } catch (DateTimeParseException e) {
                return (T) context.handleWeirdStringValue(handledType(), text, notIso);
            }
        }
    }
}
