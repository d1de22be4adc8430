package org.cbec.gateway.signature;

import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * How deeply BER/DER nests, found without recursion before Bouncy Castle or the JDK parses it: their parsers
 * recurse once per constructed level, and 10,000 levels of {@code 30 80} (40 kB) ended in a StackOverflowError.
 * Every CMS body, S/MIME signature part and carried certificate (XMLDSig, WS-Security, JWS x5c) passes here
 * first. Only the depth is judged: any other defect is left to the parser, which reports it in its own words.
 */
public final class BerDepth {
    /** The deepest nesting accepted; CMS SignedData with certificates and signed attributes needs about twelve. */
    public static final int MAX_DEPTH = 64;

    private static final int INDEFINITE = -1;

    private BerDepth() {}

    /** Refuses {@code der} as MALFORMED_MESSAGE when it nests deeper than {@link #MAX_DEPTH}; {@code what} names it. */
    public static void check(byte[] der, String what) {
        check(der, 0, der.length, what);
    }

    /** The same for {@code der[from, end)}. */
    public static void check(byte[] der, int from, int end, String what) {
        check(
                new Bytes() {
                    @Override
                    public int at(int index) {
                        return der[index] & 0xFF;
                    }
                },
                from,
                end,
                what);
    }

    /** The same for a body read in place. */
    public static void check(ReceivedBody body, String what) {
        check(body::byteAt, 0, body.length(), what);
    }

    private interface Bytes {
        int at(int index);
    }

    private static void check(Bytes bytes, int from, int end, String what) {
        int[] ends = new int[MAX_DEPTH + 2];
        int depth = 0;
        ends[0] = end;
        int pos = from;
        while (true) {
            while (depth > 0 && ends[depth] != INDEFINITE && pos >= ends[depth]) {
                depth--;
            }
            int limit = limitOf(ends, depth);
            if (pos >= limit || pos + 2 > limit) {
                return;
            }
            int tag = bytes.at(pos++);
            if ((tag & 0x1F) == 0x1F) {
                int more = 0;
                while (pos < limit && (bytes.at(pos) & 0x80) != 0) {
                    if (++more > 4) {
                        return; // a tag number no structure uses: the parser refuses it
                    }
                    pos++;
                }
                pos++;
            }
            if (pos >= limit) {
                return;
            }
            int first = bytes.at(pos++);
            if (tag == 0 && first == 0) { // end-of-contents closes the innermost indefinite-length encoding
                if (depth == 0 || ends[depth] != INDEFINITE) {
                    return;
                }
                depth--;
                continue;
            }
            boolean constructed = (tag & 0x20) != 0;
            long length;
            if (first == 0x80) {
                if (!constructed) {
                    return;
                }
                length = INDEFINITE;
            } else if ((first & 0x80) != 0) {
                int count = first & 0x7F;
                if (count > 4 || pos + count > limit) {
                    return;
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | bytes.at(pos++);
                }
            } else {
                length = first;
            }
            if (length != INDEFINITE && pos + length > limit) {
                return;
            }
            if (!constructed) {
                pos += (int) length;
                continue;
            }
            if (++depth > MAX_DEPTH) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE,
                        what + " nests ASN.1 deeper than " + MAX_DEPTH
                                + " levels; no signature container needs that many");
            }
            ends[depth] = length == INDEFINITE ? INDEFINITE : pos + (int) length;
        }
    }

    /** Where the innermost definite-length encoding around {@code depth} ends. */
    private static int limitOf(int[] ends, int depth) {
        for (int d = depth; d >= 0; d--) {
            if (ends[d] != INDEFINITE) {
                return ends[d];
            }
        }
        return ends[0];
    }
}
