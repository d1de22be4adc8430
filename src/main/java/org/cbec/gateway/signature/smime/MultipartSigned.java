package org.cbec.gateway.signature.smime;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * A strict reader of a {@code multipart/signed} body (RFC 2046 §5.1.1, RFC 1847 §2.1): a preamble, exactly two
 * body parts, the close delimiter, an epilogue. Preamble and epilogue are not signed, yet the archive keeps the body
 * as received: so the preamble may hold only what {@code openssl cms -sign} writes there (the outer MIME-Version and
 * Content-Type headers, and the line "This is an S/MIME signed message") and blank lines, the epilogue only blanks.
 * Other text there is MALFORMED_MESSAGE, as bytes after a CMS structure are.
 *
 * <p>A delimiter is {@code --boundary} at the start of a line, with optional blanks after it. The line break in
 * front of a delimiter belongs to the delimiter, not to the part before it: a CRLF if there is one, else a bare
 * LF, because {@code openssl cms -sign} writes the structure with bare LFs (unless {@code -crlfeol}) while the
 * signed content itself has CRLFs (unless {@code -binary}).
 *
 * @param signedEntity  the first part exactly as sent, MIME headers included: what the signature covers
 * @param signaturePart the second part, headers included
 */
record MultipartSigned(byte[] signedEntity, byte[] signaturePart) {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final java.util.regex.Pattern HEADER = java.util.regex.Pattern.compile("[!-9;-~]+:");
    private static final java.util.regex.Pattern OUTER_HEADER =
            java.util.regex.Pattern.compile("(?i)(MIME-Version|Content-Type)[ \t]*:");
    // What openssl cms -sign (and smime -sign) writes, and the text RFC 1847-era mail agents put there.
    private static final java.util.Set<String> KNOWN_PREAMBLES = java.util.Set.of(
            "This is an S/MIME signed message", "This is a cryptographically signed message in MIME format.");

    /** Where a delimiter line starts, where the line after it starts, and whether it is the close delimiter. */
    private record Delimiter(int start, int next, boolean close) {}

    static MultipartSigned parse(byte[] body, String boundary) {
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        Delimiter first = nextDelimiter(body, 0, dashBoundary);
        if (first == null) {
            throw malformed("the body has no boundary delimiter '--" + boundary + "'");
        }
        if (first.close()) {
            throw malformed("the multipart/signed body has no body parts");
        }
        Delimiter second = nextDelimiter(body, first.next(), dashBoundary);
        if (second == null) {
            throw malformed("the multipart/signed body is truncated: no delimiter after the first part");
        }
        byte[] signedEntity = part(body, first, second, "the signed part");
        if (second.close()) {
            throw malformed("the multipart/signed body has one part; it needs the signed part and the signature part");
        }
        Delimiter third = nextDelimiter(body, second.next(), dashBoundary);
        if (third == null) {
            throw malformed("the multipart/signed body is truncated: no close delimiter '--" + boundary + "--'");
        }
        if (!third.close()) {
            throw malformed("the multipart/signed body has more than two parts");
        }
        checkPreamble(body, first.start());
        for (int i = third.next(); i < body.length; i++) {
            if (!blank(body[i])) {
                throw malformed("the multipart/signed body has text after its close delimiter (an epilogue, at offset "
                        + i + "): unsigned text is not accepted with a signed message");
            }
        }
        return new MultipartSigned(signedEntity, part(body, second, third, "the signature part"));
    }

    /** Outer MIME-Version and Content-Type headers (folded or not) up to a blank line, then the known preamble lines or blanks. */
    private static void checkPreamble(byte[] body, int end) {
        String preamble = new String(body, 0, end, StandardCharsets.ISO_8859_1);
        boolean inHeaders = HEADER.matcher(preamble).lookingAt();
        int line = 0;
        for (String text : preamble.split("\n", -1)) {
            line++;
            String content = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            if (inHeaders) {
                if (content.isEmpty()) {
                    inHeaders = false;
                } else if (!OUTER_HEADER.matcher(content).lookingAt()
                        && !(line > 1 && (content.startsWith(" ") || content.startsWith("\t")))) {
                    throw preamble(
                            line, "only the MIME-Version and Content-Type headers may come before the first boundary");
                }
            } else if (!content.isBlank() && !KNOWN_PREAMBLES.contains(content.strip())) {
                throw preamble(line, "it is not the standard S/MIME preamble");
            }
        }
    }

    private static GatewayException preamble(int line, String why) {
        return malformed("the multipart/signed body has text before its first boundary (the preamble, line " + line
                + "): " + why + "; unsigned text is not accepted with a signed message");
    }

    private static boolean blank(byte b) {
        return b == CR || b == LF || b == ' ' || b == '\t';
    }

    private static byte[] part(byte[] body, Delimiter before, Delimiter after, String what) {
        int lineBreak = body[after.start() - 1] == LF && after.start() >= 2 && body[after.start() - 2] == CR ? 2 : 1;
        int end = after.start() - lineBreak;
        if (end < before.next()) {
            throw malformed(what + " is empty");
        }
        return Arrays.copyOfRange(body, before.next(), end);
    }

    /** The first delimiter at a line start at or after {@code from}, which is itself a line start; null if none. */
    private static Delimiter nextDelimiter(byte[] body, int from, byte[] dashBoundary) {
        int lineStart = from;
        while (lineStart < body.length) {
            if (startsWith(body, lineStart, dashBoundary)) {
                return delimiterAt(body, lineStart, dashBoundary.length);
            }
            int lineFeed = MimeEntity.indexOf(body, LF, lineStart);
            if (lineFeed < 0) {
                return null;
            }
            lineStart = lineFeed + 1;
        }
        return null;
    }

    private static Delimiter delimiterAt(byte[] body, int start, int dashBoundaryLength) {
        int i = start + dashBoundaryLength;
        boolean close = i + 1 < body.length && body[i] == '-' && body[i + 1] == '-';
        if (close) {
            i += 2;
        }
        while (i < body.length && (body[i] == ' ' || body[i] == '\t')) {
            i++; // transport padding (RFC 2046 §5.1.1)
        }
        if (i == body.length) {
            if (close) {
                return new Delimiter(start, i, true);
            }
            throw malformed("the multipart/signed body is truncated: it ends on a delimiter line");
        }
        if (body[i] == LF) {
            return new Delimiter(start, i + 1, close);
        }
        if (body[i] == CR && i + 1 < body.length && body[i + 1] == LF) {
            return new Delimiter(start, i + 2, close);
        }
        // RFC 2046 §5.1.1: the boundary must not appear at a line start inside a part.
        throw malformed("a line at offset " + start + " starts with the boundary but is not a delimiter");
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        if (bytes.length - offset < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static GatewayException malformed(String detail) {
        return new GatewayException(GatewayError.MALFORMED_MESSAGE, detail);
    }
}
