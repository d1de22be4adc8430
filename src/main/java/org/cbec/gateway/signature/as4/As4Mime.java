package org.cbec.gateway.signature.as4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The MIME framing of AS4 messages, requests and answers alike: the parameters of a Content-Type, the parts of a
 * multipart/related body (RFC 2046) with their headers and decoded bodies, and Content-IDs without their brackets.
 * Every defect is an ebMS {@code EBMS:0007} MIME inconsistency.
 */
final class As4Mime {
    /** At most this many MIME parts: a payload per part, and a message is not a file system. */
    private static final int MAX_PARTS = 64;

    private As4Mime() {}

    /** The MIME parts between the boundaries (RFC 2046), each with its headers; bodies decoded from base64 where so marked. */
    static List<As4Request.Attachment> parts(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<As4Request.Attachment> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw As4Failure.malformed(As4Failure.EBMS_MIME_INCONSISTENCY, "the multipart body has no boundary line");
        }
        while (true) {
            int lineEnd = at + delimiter.length;
            if (lineEnd + 1 < body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
                break; // the close delimiter
            }
            int headersStart = indexOf(body, new byte[] {'\n'}, lineEnd);
            if (headersStart < 0) {
                throw As4Failure.malformed(
                        As4Failure.EBMS_MIME_INCONSISTENCY, "the multipart body ends inside a boundary line");
            }
            headersStart++;
            int next = indexOf(body, delimiter, headersStart);
            if (next < 0) {
                throw As4Failure.malformed(
                        As4Failure.EBMS_MIME_INCONSISTENCY, "the multipart body has no close delimiter");
            }
            int partEnd = next;
            // the CRLF before the delimiter belongs to the delimiter
            if (partEnd > headersStart && body[partEnd - 1] == '\n') {
                partEnd--;
                if (partEnd > headersStart && body[partEnd - 1] == '\r') {
                    partEnd--;
                }
            }
            parts.add(part(body, headersStart, partEnd));
            if (parts.size() > MAX_PARTS) {
                throw As4Failure.malformed(
                        As4Failure.EBMS_MIME_INCONSISTENCY, "more than " + MAX_PARTS + " MIME parts");
            }
            at = next;
        }
        if (parts.isEmpty()) {
            throw As4Failure.malformed(As4Failure.EBMS_MIME_INCONSISTENCY, "the multipart body has no parts");
        }
        return parts;
    }

    private static As4Request.Attachment part(byte[] body, int from, int to) {
        Map<String, String> headers = new LinkedHashMap<>();
        int at = from;
        String previous = null;
        while (at < to) {
            int end = indexOf(body, new byte[] {'\n'}, at);
            if (end < 0 || end > to) {
                end = to;
            }
            String line = new String(body, at, end - at, StandardCharsets.ISO_8859_1);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            at = Math.min(end + 1, to);
            if (line.isEmpty()) {
                break;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && previous != null) {
                headers.merge(previous, " " + line.strip(), String::concat);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw As4Failure.malformed(
                        As4Failure.EBMS_MIME_INCONSISTENCY, "a MIME part has a header line without a name");
            }
            previous = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.put(previous, line.substring(colon + 1).strip());
        }
        byte[] content = java.util.Arrays.copyOfRange(body, at, Math.max(at, to));
        String encoding =
                headers.getOrDefault("content-transfer-encoding", "binary").toLowerCase(Locale.ROOT);
        if (encoding.equals("base64")) {
            try {
                content = Base64.getMimeDecoder().decode(content);
            } catch (IllegalArgumentException e) {
                throw As4Failure.malformed(As4Failure.EBMS_MIME_INCONSISTENCY, "a base64 MIME part is not base64", e);
            }
        } else if (!encoding.equals("binary") && !encoding.equals("8bit") && !encoding.equals("7bit")) {
            throw As4Failure.malformed(
                    As4Failure.EBMS_MIME_INCONSISTENCY, "Content-Transfer-Encoding " + encoding + " is not taken");
        }
        String id = headers.get("content-id");
        return new As4Request.Attachment(id == null ? null : unbracket(id), Map.copyOf(headers), content);
    }

    /** The media type (key "") and the parameters of a Content-Type, names in lower case, quotes removed. */
    static Map<String, String> parameters(String contentType) {
        Map<String, String> result = new LinkedHashMap<>();
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        boolean quoted = false;
        for (char c : contentType.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                pieces.add(piece.toString());
                piece.setLength(0);
                continue;
            }
            piece.append(c);
        }
        pieces.add(piece.toString());
        result.put("", pieces.get(0).strip().toLowerCase(Locale.ROOT));
        for (String parameter : pieces.subList(1, pieces.size())) {
            int equals = parameter.indexOf('=');
            if (equals > 0) {
                String value = parameter.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                result.put(parameter.substring(0, equals).strip().toLowerCase(Locale.ROOT), value);
            }
        }
        return result;
    }

    static String unbracket(String id) {
        String value = id.strip();
        if (value.startsWith("<") && value.endsWith(">")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.startsWith("cid:") ? value.substring(4) : value;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
