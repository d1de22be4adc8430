package org.cbec.gateway.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The query parameters that the API's list endpoints share ({@code since}, {@code until}, {@code limit}), read alike so
 * that a bad one is refused with the same 422 SCHEMA_INVALID text whichever endpoint it was sent to.
 */
public final class QueryParameters {
    private QueryParameters() {}

    /**
     * The instant {@code text} gives, {@code absent} when it is null or blank.
     *
     * @throws GatewayException SCHEMA_INVALID when it is no ISO instant
     */
    public static Instant instant(String text, Instant absent) {
        try {
            return blank(text) ? absent : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new GatewayException(
                    GatewayError.SCHEMA_INVALID, "since and until must be ISO instants such as 2026-11-28T10:00:00Z");
        }
    }

    /** The whole number {@code text} gives (as sent), {@code absent} when it is null or blank. */
    public static int limit(String text, int absent) {
        return blank(text) ? absent : wholeNumber(text);
    }

    /**
     * The whole number {@code text} is, exactly: white space around it is no number.
     *
     * @throws GatewayException SCHEMA_INVALID naming {@code limit} when it is none
     */
    public static int wholeNumber(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new GatewayException(GatewayError.SCHEMA_INVALID, "limit must be a whole number");
        }
    }

    /** A refused parameter as the endpoint answers it: problem+json with the refusal's code and text. */
    public static HttpAnswer refusal(GatewayException refused) {
        return HttpAnswer.problem(refused.error(), refused.detail(), null, null);
    }

    public static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
