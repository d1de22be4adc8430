package org.cbec.gateway.evidence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The received bytes of the embedded archive, kept once, in append-only segment files under
 * {@code data/archive/} ({@code segment-000001.bin}, ...), each body as its length and its bytes; the database
 * row holds only where it lies. Kept in the database, every body was written again each time H2 rewrote the page
 * it sat in: the database held ~20 times the bytes received, and its writer spent most of its time copying them.
 *
 * <p>A body is appended in the database transaction that refers to it, and the segment is forced to disk before
 * that transaction commits ({@link #sync()}, the group commit's last step), so a committed row never points at bytes
 * that were lost. A crash between the two leaves unreferenced bytes, never a dangling row.
 *
 * <p>A body that deflates to at most {@link #DEFLATED_AT_MOST_PERCENT} % of its size is kept deflated: its length word
 * then has its top bit set and the bytes are the body's length and its deflated form. Signed business documents
 * (JSON, XML, EDIFACT) shrink to a third or half; a body that does not shrink (already compressed, or mostly
 * certificates and signatures) is kept as it came. Reading inflates it back to the exact bytes received, which the
 * hash chain's digest still matches. Segments written before this hold only plain bodies, and read as before.
 *
 * <p>Retention: a closed segment whose last body is older than {@code gateway.evidence.retention} is deleted
 * whole; the rows that pointed into it answer "no longer kept", and the hash chain, which holds each body's digest
 * rather than its bytes, still verifies.
 */
public final class ArchiveSegments implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveSegments.class);
    private static final Pattern NAME = Pattern.compile("segment-(\\d{6})\\.bin");
    /** Offsets are kept in the low 40 bits of a reference; the segment number above them. */
    private static final int OFFSET_BITS = 40;
    /** The length word's top bit: the body that follows is deflated. */
    private static final int DEFLATED = 0x8000_0000;
    /** Kept deflated only when that saves at least a tenth: inflating on every read must buy something. */
    static final int DEFLATED_AT_MOST_PERCENT = 90;
    /** Bodies larger than this are deflated into the segment as they are written, never whole in memory. */
    static final int DEFLATED_IN_PLACE_FROM = 1 << 20;

    private final Path directory;
    private final long segmentBytes;
    private final Clock clock;
    private int current;
    private FileChannel channel;
    private long position;
    private boolean dirty;

    private ArchiveSegments(Path directory, long segmentBytes, Clock clock) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        this.clock = clock;
    }

    /** Opens the segments under {@code directory}, appending to the newest (a new one after a crash's torn tail). */
    public static ArchiveSegments open(Path directory, long segmentBytes, Clock clock) {
        ArchiveSegments segments = new ArchiveSegments(directory, segmentBytes, clock);
        try {
            Files.createDirectories(directory);
            // A fresh segment at every start, made at the first append: whatever a crash left half-written at the end
            // of
            // the last one is never appended to, and a process that only reads (the evidence command) writes nothing.
            segments.current = segments.numbers().stream()
                    .mapToInt(Integer::intValue)
                    .max()
                    .orElse(0);
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "cannot open the archive segments in " + directory + ": " + e.getMessage(),
                    e);
        }
        return segments;
    }

    /** Appends one body, read where it lies; returns where it lies now. Durable once {@link #sync()} returned. */
    public long append(ReceivedBody body) {
        return body.read(this::append);
    }

    /** Appends {@code length} bytes of {@code array} from {@code offset}, deflated when that saves a tenth or more. */
    public long append(byte[] array, int offset, int length) {
        if (length > DEFLATED_IN_PLACE_FROM) {
            return appendDeflatedInPlace(array, offset, length);
        }
        byte[] deflated = deflate(array, offset, length);
        return deflated == null
                ? write(ByteBuffer.allocate(4).putInt(length).flip(), array, offset, length)
                : write(
                        ByteBuffer.allocate(8)
                                .putInt(DEFLATED | (deflated.length + 4))
                                .putInt(length)
                                .flip(),
                        deflated,
                        0,
                        deflated.length);
    }

    /**
     * A large body (a 10 MB list) is deflated straight into the segment, a buffer at a time, and its length word written
     * last: a deflated copy of it in memory would add to what the gateway holds while it takes such a list. It is kept
     * deflated even when that saves little (a large list is text); the segment stays locked while it is written.
     */
    private synchronized long appendDeflatedInPlace(byte[] array, int offset, int length) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
        try {
            // zlib's bound on what deflating can add, so that the body fits where the roll check says it does
            rollIfFull(8L + length + length / 1000 + 64);
            long at = position;
            deflater.setInput(array, offset, length);
            deflater.finish();
            ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
            long stored = 4;
            writeFully(ByteBuffer.allocate(4).putInt(length).flip(), at + 4);
            while (!deflater.finished()) {
                buffer.clear();
                int n = deflater.deflate(buffer.array());
                buffer.limit(n);
                writeFully(buffer, at + 4 + stored);
                stored += n;
            }
            writeFully(ByteBuffer.allocate(4).putInt(DEFLATED | (int) stored).flip(), at);
            return appended(at, 4 + stored);
        } catch (IOException e) {
            throw appendFailure(e);
        } finally {
            deflater.end();
        }
    }

    /** The body deflated (outside the lock: appenders run it side by side), or null when it would not save enough. */
    private static byte[] deflate(byte[] array, int offset, int length) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
        try {
            deflater.setInput(array, offset, length);
            deflater.finish();
            long limit = (long) length * DEFLATED_AT_MOST_PERCENT / 100;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.min(limit, 1 << 16));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
                if (out.size() > limit) {
                    return null;
                }
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Appends a length word (and what follows it in {@code header}) and the bytes; returns where they lie. */
    private synchronized long write(ByteBuffer header, byte[] array, int offset, int length) {
        try {
            long bytes = header.remaining() + (long) length;
            rollIfFull(bytes);
            long at = position;
            writeFully(header);
            writeFully(ByteBuffer.wrap(array, offset, length));
            return appended(at, bytes);
        } catch (IOException e) {
            throw appendFailure(e);
        }
    }

    /** Books {@code bytes} appended at {@code at}: the next body is written where they end. */
    private long appended(long at, long bytes) throws IOException {
        position = at + bytes;
        channel.position(position);
        dirty = true;
        return ((long) current << OFFSET_BITS) | at;
    }

    private GatewayException appendFailure(IOException e) {
        return new GatewayException(
                GatewayError.INTERNAL_ERROR,
                "cannot append to the archive segment " + current + ": " + e.getMessage(),
                e);
    }

    /** Forces what was appended to disk: called before the transaction that refers to it commits. */
    public synchronized void sync() {
        if (!dirty || channel == null) {
            return;
        }
        try {
            channel.force(false);
            dirty = false;
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "cannot sync the archive segment " + current + ": " + e.getMessage(),
                    e);
        }
    }

    /** The body at {@code reference}; empty when its segment was removed by retention. */
    public Optional<byte[]> read(long reference) {
        int segment = (int) (reference >>> OFFSET_BITS);
        long offset = reference & ((1L << OFFSET_BITS) - 1);
        try (FileChannel file = FileChannel.open(path(segment), StandardOpenOption.READ)) {
            ByteBuffer length = ByteBuffer.allocate(4);
            readFully(file, length, offset);
            int word = length.flip().getInt();
            if ((word & ~DEFLATED) > file.size() - offset - 4) {
                // a damaged length word must not make the read allocate what the segment does not hold
                throw new IOException("the body at " + segment + ":" + offset + " runs past the end of the segment");
            }
            byte[] stored = new byte[word & ~DEFLATED];
            readFully(file, ByteBuffer.wrap(stored), offset + 4);
            byte[] bytes = (word & DEFLATED) == 0 ? stored : inflate(stored, segment, offset);
            return Optional.of(bytes);
        } catch (NoSuchFileException removed) {
            return Optional.empty();
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "cannot read the archive segment " + segment + ": " + e.getMessage(),
                    e);
        }
    }

    /** Deletes closed segments last written longer ago than {@code retention}; returns how many. */
    public int applyRetention(Duration retention) {
        FileTime before = FileTime.from(clock.instant().minus(retention));
        int removed = 0;
        int open;
        synchronized (this) {
            open = channel == null ? Integer.MAX_VALUE : current;
        }
        for (int number : numbers()) {
            Path file = path(number);
            try {
                if (number < open && Files.getLastModifiedTime(file).compareTo(before) < 0) {
                    Files.delete(file);
                    removed++;
                    LOG.info(
                            "Archive segment {} removed: its last body is older than the retention of {}",
                            file.getFileName(),
                            retention);
                }
            } catch (IOException e) {
                LOG.warn("Cannot apply retention to {}: {}", file, e.toString());
            }
        }
        return removed;
    }

    private List<Integer> numbers() {
        List<Integer> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(file -> {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (name.matches()) {
                    numbers.add(Integer.parseInt(name.group(1)));
                }
            });
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot list the archive segments in " + directory, e);
        }
        return numbers;
    }

    /** A new segment when the current one cannot take {@code bytes} more (a body never spans two). */
    private void rollIfFull(long bytes) throws IOException {
        if (channel == null) {
            roll(current + 1);
        } else if (position > 0 && position + bytes > segmentBytes) {
            channel.force(false);
            roll(current + 1);
        }
    }

    private void roll(int number) throws IOException {
        if (channel != null) {
            channel.close();
        }
        current = number;
        channel = FileChannel.open(path(number), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        position = 0;
    }

    private Path path(int number) {
        return directory.resolve(String.format("segment-%06d.bin", number));
    }

    private void writeFully(ByteBuffer buffer, long at) throws IOException {
        long to = at;
        while (buffer.hasRemaining()) {
            to += channel.write(buffer, to);
        }
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static byte[] inflate(byte[] stored, int segment, long offset) throws IOException {
        int size = ByteBuffer.wrap(stored).getInt();
        if (size < 0 || size > (stored.length - 4L) * 1032) { // deflate cannot shrink more than 1032 to 1
            throw new IOException("the deflated body at " + segment + ":" + offset + " claims " + size + " bytes");
        }
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        try {
            inflater.setInput(stored, 4, stored.length - 4);
            byte[] bytes = new byte[size];
            int read = 0;
            while (read < size && !inflater.finished()) {
                int n = inflater.inflate(bytes, read, size - read);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                read += n;
            }
            if (read != size || !inflater.finished()) {
                throw new IOException("the deflated body at " + segment + ":" + offset + " does not inflate to its "
                        + size + " bytes");
            }
            return bytes;
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException(
                    "the deflated body at " + segment + ":" + offset + " is damaged: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static void readFully(FileChannel file, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int read = file.read(buffer, position);
            if (read < 0) {
                throw new IOException("the segment ends before the body does");
            }
            position += read;
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null) {
                channel.force(false);
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("The archive segment {} did not close cleanly: {}", current, e.toString());
        }
    }
}
