package org.cbec.gateway.signature.smime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * A Content-Type value (RFC 2045 §5.1): {@code type/subtype} and its parameters, each a token or a quoted
 * string. Type, subtype and parameter names are case-insensitive and kept in lower case; values keep their case.
 * Comments and RFC 2231 parameter continuations are not supported: the containers accepted here never need them.
 */
record MediaType(String type, String subtype, Map<String, String> parameters) {
    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

    MediaType {
        parameters = Map.copyOf(parameters);
    }

    /** {@code type/subtype} in lower case. */
    String essence() {
        return type + "/" + subtype;
    }

    Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * @param value the header value
     * @param what  what the value is, for the refusal's detail ("the request's Content-Type")
     */
    static MediaType parse(String value, String what) {
        if (value == null || value.isBlank()) {
            throw malformed(what, "is missing");
        }
        Cursor cursor = new Cursor(value, what);
        cursor.skipWhitespace();
        String type = cursor.token("a media type");
        cursor.expect('/');
        String subtype = cursor.token("a media subtype");
        Map<String, String> parameters = new LinkedHashMap<>();
        cursor.skipWhitespace();
        while (!cursor.atEnd()) {
            cursor.expect(';');
            cursor.skipWhitespace();
            if (cursor.atEnd()) {
                break; // a trailing ';' is common and harmless
            }
            String name = cursor.token("a parameter name").toLowerCase(Locale.ROOT);
            cursor.skipWhitespace();
            cursor.expect('=');
            cursor.skipWhitespace();
            String parameterValue = cursor.peek() == '"' ? cursor.quotedString() : cursor.bareValue();
            if (parameters.putIfAbsent(name, parameterValue) != null) {
                throw malformed(what, "has the parameter '" + name + "' twice");
            }
            cursor.skipWhitespace();
        }
        return new MediaType(type.toLowerCase(Locale.ROOT), subtype.toLowerCase(Locale.ROOT), parameters);
    }

    private static GatewayException malformed(String what, String problem) {
        return new GatewayException(GatewayError.MALFORMED_MESSAGE, what + " " + problem);
    }

    /** Reads a header value left to right; every syntax error names what was expected. */
    private static final class Cursor {
        private final String text;
        private final String what;
        private int position;

        Cursor(String text, String what) {
            this.text = text;
            this.what = what;
        }

        boolean atEnd() {
            return position >= text.length();
        }

        char peek() {
            return atEnd() ? 0 : text.charAt(position);
        }

        void skipWhitespace() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) {
                position++;
            }
        }

        void expect(char c) {
            skipWhitespace();
            if (peek() != c) {
                throw malformed(what, "'" + text + "' has no '" + c + "' at position " + position);
            }
            position++;
            skipWhitespace();
        }

        String token(String expected) {
            int start = position;
            while (!atEnd() && isTokenChar(peek())) {
                position++;
            }
            if (start == position) {
                throw malformed(what, "'" + text + "' has no " + expected + " at position " + start);
            }
            return text.substring(start, position);
        }

        /**
         * An unquoted value. RFC 2045 wants a token, but senders write {@code protocol=application/pkcs7-signature}
         * and {@code boundary=----=_Part_1} unquoted; up to the next ';' or blank it is still unambiguous.
         */
        String bareValue() {
            int start = position;
            while (!atEnd() && peek() > ' ' && peek() < 127 && peek() != ';' && peek() != '"') {
                position++;
            }
            if (start == position) {
                throw malformed(what, "'" + text + "' has no parameter value at position " + start);
            }
            return text.substring(start, position);
        }

        String quotedString() {
            StringBuilder value = new StringBuilder();
            position++; // the opening quote
            while (!atEnd()) {
                char c = text.charAt(position++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    c = text.charAt(position++);
                }
                value.append(c);
            }
            throw malformed(what, "'" + text + "' has an unterminated quoted string");
        }

        private static boolean isTokenChar(char c) {
            return c > ' ' && c < 127 && TSPECIALS.indexOf(c) < 0;
        }
    }
}
