package org.cbec.gateway.evidence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The exact bytes of one request body, where the HTTP server put them: often the first part of its larger
 * receive buffer. Read in place, a 10 MB body is not held twice while it is verified and archived; only
 * {@link #bytes()} copies, and only when the body does not fill its array. Never modified.
 */
public final class ReceivedBody {
    private static final ReceivedBody EMPTY = new ReceivedBody(new byte[0], 0, 0);

    private final byte[] array;
    private final int offset;
    private final int length;

    private ReceivedBody(byte[] array, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, array.length);
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    /** The whole array; null is an empty body. */
    public static ReceivedBody of(byte[] bytes) {
        return bytes == null ? EMPTY : new ReceivedBody(bytes, 0, bytes.length);
    }

    /** {@code length} bytes of {@code array} from {@code offset}, which the caller no longer changes. */
    public static ReceivedBody of(byte[] array, int offset, int length) {
        return new ReceivedBody(array, offset, length);
    }

    public int length() {
        return length;
    }

    /** The body as an array of its own length: the array itself when the body fills it, else a copy. */
    public byte[] bytes() {
        return fillsItsArray() ? array : Arrays.copyOfRange(array, offset, offset + length);
    }

    /** The first {@code count} bytes (fewer when the body is shorter), copied. */
    public byte[] head(int count) {
        return Arrays.copyOfRange(array, offset, offset + Math.min(count, length));
    }

    /** The byte at {@code index}, 0 to 255. */
    public int byteAt(int index) {
        return array[offset + Objects.checkIndex(index, length)] & 0xFF;
    }

    /** {@code length} bytes of this body from {@code from}, in place. */
    public ReceivedBody part(int from, int length) {
        Objects.checkFromIndexSize(from, length, this.length);
        return new ReceivedBody(array, offset + from, length);
    }

    /** Whether this body is all of its array, so that {@link #bytes()} copies nothing. */
    public boolean fillsItsArray() {
        return offset == 0 && length == array.length;
    }

    /** What reads a body where it lies: its array, from {@code offset}, for {@code length} bytes, never changed. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(byte[] array, int offset, int length);
    }

    /** Reads the body in place, without a copy. */
    public <T> T read(Reader<T> reader) {
        return reader.read(array, offset, length);
    }

    /** Whether {@code in} gives exactly this body's bytes and then ends. */
    public boolean sameBytesAs(InputStream in) throws IOException {
        byte[] chunk = new byte[Math.min(65_536, length + 1)];
        int compared = 0;
        for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
            if (read > length - compared
                    || !Arrays.equals(chunk, 0, read, array, offset + compared, offset + compared + read)) {
                return false;
            }
            compared += read;
        }
        return compared == length;
    }

    /** A stream over the body in place. */
    public ByteArrayInputStream stream() {
        return new ByteArrayInputStream(array, offset, length);
    }

    /** SHA-256 of the body, in lowercase hex. */
    public String sha256() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(array, offset, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
