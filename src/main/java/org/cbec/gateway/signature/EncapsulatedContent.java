package org.cbec.gateway.signature;

import java.util.Optional;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * Where the signed content of DER-encoded CMS SignedData lies in the body (RFC 5652: ContentInfo, SignedData,
 * EncapsulatedContentInfo, eContent as one OCTET STRING), found by reading only the few headers in front of
 * it. This is how the gateway reads a large document in place instead of as the copy Bouncy Castle would make.
 * Anything else (BER with indefinite lengths, content in constructed pieces, a detached signature, garbage)
 * gives empty, and the body is read the ordinary way. The content found here is trusted only once Bouncy
 * Castle has verified the signature over exactly these bytes ({@link CmsSignedDataVerifier}).
 */
final class EncapsulatedContent {
    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;
    private static final int INTEGER = 0x02;
    private static final int OBJECT_IDENTIFIER = 0x06;
    private static final int OCTET_STRING = 0x04;
    private static final int EXPLICIT_0 = 0xA0;
    private static final int MAX_DEPTH = 32;

    private final ReceivedBody body;
    private int position;

    private EncapsulatedContent(ReceivedBody body) {
        this.body = body;
    }

    /** The eContent octets of DER SignedData, in place; empty when the body is not laid out so. */
    static Optional<ReceivedBody> in(ReceivedBody body) {
        try {
            return new EncapsulatedContent(body).find();
        } catch (IndexOutOfBoundsException | IllegalStateException cutShort) {
            return Optional.empty();
        }
    }

    private Optional<ReceivedBody> find() {
        int contentInfoEnd = enter(SEQUENCE); // ContentInfo
        // Bytes after the ContentInfo are for the whole reading to refuse.
        if (contentInfoEnd != body.length() || !wellFormed(position, contentInfoEnd, 0)) {
            return Optional.empty();
        }
        skip(OBJECT_IDENTIFIER); // contentType (id-signedData; Bouncy Castle checks it)
        enter(EXPLICIT_0); // content
        enter(SEQUENCE); // SignedData
        skip(INTEGER); // version
        skip(SET); // digestAlgorithms
        int encapsulatedEnd = enter(SEQUENCE); // EncapsulatedContentInfo
        skip(OBJECT_IDENTIFIER); // eContentType
        if (position == encapsulatedEnd) {
            return Optional.empty(); // detached: no eContent
        }
        int explicitEnd = enter(EXPLICIT_0);
        int contentEnd = enter(OCTET_STRING);
        if (contentEnd != explicitEnd || explicitEnd != encapsulatedEnd) {
            return Optional.empty(); // anything beside the content: leave it to the whole reading to judge
        }
        return Optional.of(body.part(position, contentEnd - position));
    }

    /**
     * Whether {@code [from, end)} is a run of DER elements with definite lengths that exactly fill it, each
     * constructed one in turn made of such a run. Bouncy Castle's stream parser, which the in-place reading
     * uses, is laxer than its whole reading about elements it skips: a SignedData whose parts do not nest
     * exactly is left to the whole reading, so that both read the same bodies (found by fuzzing the two
     * against each other). High tag numbers and deep nesting are left to it too.
     */
    private boolean wellFormed(int from, int end, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        int saved = position;
        try {
            position = from;
            while (position < end) {
                int tag = body.byteAt(position);
                if ((tag & 0x1F) == 0x1F) {
                    return false;
                }
                position++;
                int length = length();
                int valueEnd = position + length;
                if (length < 0 || valueEnd > end || valueEnd < position) {
                    return false;
                }
                if ((tag & 0x20) != 0 && !wellFormed(position, valueEnd, depth + 1)) {
                    return false;
                }
                position = valueEnd;
            }
            return position == end;
        } finally {
            position = saved;
        }
    }

    /** Reads a header of the given tag and stays inside it; returns where its value ends. */
    private int enter(int tag) {
        if (body.byteAt(position) != tag) {
            throw new IllegalStateException("tag " + body.byteAt(position) + " where " + tag + " was expected");
        }
        position++;
        int length = length();
        int end = position + length;
        if (length < 0 || end > body.length() || end < position) {
            throw new IllegalStateException("a length past the end of the body");
        }
        return end;
    }

    private void skip(int tag) {
        position = enter(tag);
    }

    /** A DER definite length; indefinite (0x80) and lengths over four bytes are not read here. */
    private int length() {
        int first = body.byteAt(position++);
        if (first < 0x80) {
            return first;
        }
        int count = first & 0x7F;
        if (count == 0 || count > 4) {
            throw new IllegalStateException("not a DER length this reader takes");
        }
        long length = 0;
        for (int i = 0; i < count; i++) {
            length = (length << 8) | body.byteAt(position++);
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalStateException("a length over 2 GiB");
        }
        return (int) length;
    }
}
