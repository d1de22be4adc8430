package org.cbec.gateway.signature.smime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * One MIME body part (RFC 2045): its header fields and where its body starts. Lines may end in CRLF or a bare
 * LF, because {@code openssl cms -sign} writes bare LFs outside the signed content.
 *
 * <p>A part with no header block at all is accepted as all body: {@code openssl cms -sign} without {@code -text}
 * writes the content straight after the boundary line, where RFC 2046 would put an empty line. So the part has a
 * header block only if it starts with an empty line, or if every line before its first empty line is a header
 * field (or a folded continuation of one).
 */
final class MimeEntity {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int MAX_HEADER_LINE = 998;

    private final byte[] bytes;
    private final Map<String, String> headers;
    private final int bodyStart;

    private MimeEntity(byte[] bytes, Map<String, String> headers, int bodyStart) {
        this.bytes = bytes;
        this.headers = headers;
        this.bodyStart = bodyStart;
    }

    /**
     * @param bytes        the part, from after its boundary line to before the line break of the next delimiter
     * @param what         what the part is, for the refusal's detail
     * @param needsHeaders whether a part without a header block is malformed
     */
    static MimeEntity parse(byte[] bytes, String what, boolean needsHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        String current = null;
        int lineStart = 0;
        while (lineStart < bytes.length) {
            int lineFeed = indexOf(bytes, LF, lineStart);
            if (lineFeed < 0) {
                break; // no empty line ends the header block: there is none
            }
            int lineEnd = lineFeed > lineStart && bytes[lineFeed - 1] == CR ? lineFeed - 1 : lineFeed;
            if (lineEnd - lineStart > MAX_HEADER_LINE) {
                break; // longer than RFC 5322 §2.1.1 allows a header line: content, not a header
            }
            String line = new String(bytes, lineStart, lineEnd - lineStart, StandardCharsets.ISO_8859_1);
            if (line.isEmpty()) {
                if (current != null) {
                    put(headers, current, what);
                }
                return new MimeEntity(bytes, headers, lineFeed + 1);
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current = current + " " + line.strip(); // a folded header line (RFC 5322 §2.2.3)
            } else if (isHeaderField(line)) {
                if (current != null) {
                    put(headers, current, what);
                }
                current = line;
            } else {
                break;
            }
            lineStart = lineFeed + 1;
        }
        if (needsHeaders) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, what + " has no MIME header block ending in an empty line");
        }
        return new MimeEntity(bytes, Map.of(), 0);
    }

    private static boolean isHeaderField(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    private static void put(Map<String, String> headers, String field, String what) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).toLowerCase(Locale.ROOT);
        if (headers.putIfAbsent(name, field.substring(colon + 1).strip()) != null) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, what + " has the header '" + name + "' twice");
        }
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The part's Content-Type; RFC 2045 §5.2: without one it is {@code text/plain}. */
    MediaType contentType(String what) {
        return header("Content-Type")
                .map(value -> MediaType.parse(value, what + "'s Content-Type"))
                .orElseGet(() -> new MediaType("text", "plain", Map.of("charset", "us-ascii")));
    }

    /** The Content-Transfer-Encoding in lower case; RFC 2045 §6.1: without one it is {@code 7bit}. */
    String transferEncoding() {
        return header("Content-Transfer-Encoding")
                .map(value -> value.toLowerCase(Locale.ROOT))
                .orElse("7bit");
    }

    /** Refuses, before any cryptography, an encoding that {@link #decodedBody} could not undo. */
    void checkTransferEncoding(String what) {
        String encoding = transferEncoding();
        if (!encoding.equals("7bit")
                && !encoding.equals("8bit")
                && !encoding.equals("binary")
                && !encoding.equals("base64")
                && !encoding.equals("quoted-printable")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    what + " has the unknown Content-Transfer-Encoding '" + encoding + "'");
        }
    }

    /** The body with its Content-Transfer-Encoding undone. */
    byte[] decodedBody(String what) {
        checkTransferEncoding(what);
        byte[] body = Arrays.copyOfRange(bytes, bodyStart, bytes.length);
        return switch (transferEncoding()) {
            case "base64" -> base64(body, what);
            case "quoted-printable" -> quotedPrintable(body, what);
            default -> body;
        };
    }

    /** Strict base64: line breaks and blanks are skipped, anything else outside the alphabet is refused. */
    static byte[] base64(byte[] encoded, String what) {
        ByteArrayOutputStream compact = new ByteArrayOutputStream(encoded.length);
        for (byte b : encoded) {
            if (b != CR && b != LF && b != ' ' && b != '\t') {
                compact.write(b);
            }
        }
        try {
            return Base64.getDecoder().decode(compact.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, what + " is not valid base64: " + e.getMessage(), e);
        }
    }

    /** RFC 2045 §6.7: {@code =XX} octets, {@code =} line-end soft breaks, and trailing blanks dropped. */
    static byte[] quotedPrintable(byte[] encoded, String what) {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(encoded.length);
        int i = 0;
        while (i < encoded.length) {
            byte b = encoded[i];
            if (b == '=') {
                int afterBlanks = skipBlanks(encoded, i + 1);
                int lineBreak = lineBreakLength(encoded, afterBlanks);
                if (lineBreak > 0) {
                    i = afterBlanks + lineBreak; // a soft line break
                    continue;
                }
                if (afterBlanks == encoded.length) {
                    i = afterBlanks; // a soft break at the very end of the body
                    continue;
                }
                int high = i + 2 < encoded.length ? Character.digit(encoded[i + 1], 16) : -1;
                int low = i + 2 < encoded.length ? Character.digit(encoded[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    throw new GatewayException(
                            GatewayError.MALFORMED_MESSAGE,
                            what + " is not valid quoted-printable: '=' at offset " + i
                                    + " is not followed by two hex digits");
                }
                decoded.write(high << 4 | low);
                i += 3;
            } else if (b == ' ' || b == '\t') {
                int afterBlanks = skipBlanks(encoded, i);
                // Transport may add blanks at a line's end; an encoder never leaves them there (RFC 2045 §6.7 rule 3).
                if (afterBlanks < encoded.length && lineBreakLength(encoded, afterBlanks) == 0) {
                    decoded.write(encoded, i, afterBlanks - i);
                }
                i = afterBlanks;
            } else {
                decoded.write(b);
                i++;
            }
        }
        return decoded.toByteArray();
    }

    private static int skipBlanks(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int lineBreakLength(byte[] bytes, int at) {
        if (at < bytes.length && bytes[at] == LF) {
            return 1;
        }
        return at + 1 < bytes.length && bytes[at] == CR && bytes[at + 1] == LF ? 2 : 0;
    }

    static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
