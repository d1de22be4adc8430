package org.cbec.gateway.error;

import java.util.regex.Pattern;

/**
 * What of a refusal's detail a sender may read. Details often end in a library's own message, and those can name
 * Java classes, hold a stack frame, or (from the database) quote SQL and the server's error text; none of it is the
 * sender's business and some of it helps an attacker. Every problem and every SOAP fault passes here; the evidence
 * archive and the log keep the full text for operators.
 */
public final class SenderText {
    /** What a sender reads instead of a failure of the gateway itself. */
    public static final String INTERNAL = "the gateway failed; the failure is logged";

    private static final Pattern SQL = Pattern.compile(
            "(?i)\\bsql\\b|sqlstate|\\bjdbc\\b|psql|postgres|violates .* constraint|syntax error at|\\brelation \"");
    private static final Pattern STACK_FRAME = Pattern.compile("\\s*\\bat [\\w$.]+\\([^)]*\\)");
    /** A fully qualified class name (two or more package segments), optionally with its message's colon. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.){2,}[A-Z][\\w$]*:?\\s*");

    private static final Pattern EXCEPTION_NAME = Pattern.compile("\\b[A-Z]\\w*(?:Exception|Error)\\b:?\\s*");

    private SenderText() {}

    /** The detail as a sender may read it, for a refusal or failure with this code. */
    public static String clean(GatewayError error, String detail) {
        if (detail == null) {
            return null;
        }
        if (SQL.matcher(detail).find()) {
            return error.httpStatus() >= 500 ? INTERNAL : error.meaning();
        }
        String cleaned = STACK_FRAME.matcher(detail).replaceAll("");
        cleaned = CLASS_NAME.matcher(cleaned).replaceAll("");
        cleaned = EXCEPTION_NAME.matcher(cleaned).replaceAll("");
        cleaned = cleaned.strip();
        while (cleaned.endsWith(":")) {
            cleaned = cleaned.substring(0, cleaned.length() - 1).strip();
        }
        return cleaned.isEmpty() ? error.meaning() : cleaned;
    }
}
