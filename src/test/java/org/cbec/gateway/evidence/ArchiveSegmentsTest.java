package org.cbec.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded archive's append-only segments: bytes back as written, across rolls and restarts, and retention. */
class ArchiveSegmentsTest {

    @Test
    void bodies_read_back_exactly_across_a_roll_and_a_restart(@TempDir Path directory) {
        byte[] first = "first body".getBytes(StandardCharsets.UTF_8);
        byte[] second = new byte[1000];
        new java.util.Random(7).nextBytes(second); // random bytes do not deflate: kept as they came, and roll
        byte[] third = ReceivedBody.of("xx third body yy".getBytes(StandardCharsets.UTF_8), 3, 10)
                .bytes();
        long a;
        long b;
        long c;
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1024, Clock.systemUTC())) {
            a = segments.append(ReceivedBody.of(first));
            b = segments.append(ReceivedBody.of(second)); // past 1024 bytes with the next: that one rolls
            c = segments.append(ReceivedBody.of("xx third body yy".getBytes(StandardCharsets.UTF_8), 3, 10));
            segments.sync();
            assertThat(segments.read(a)).contains(first);
            assertThat(segments.read(c)).contains(third);
        }
        try (ArchiveSegments reopened = ArchiveSegments.open(directory, 1024, Clock.systemUTC())) {
            assertThat(reopened.read(a)).contains(first);
            assertThat(reopened.read(b)).contains(second);
            assertThat(reopened.read(c)).contains(third);
            assertThat(a >>> 40).as("a segment of its own after the roll").isNotEqualTo(c >>> 40);
        }
    }

    @Test
    void retention_removes_closed_segments_older_than_it_and_keeps_the_one_being_written(@TempDir Path directory)
            throws Exception {
        long old;
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            old = segments.append(ReceivedBody.of("kept for a while".getBytes(StandardCharsets.UTF_8)));
        }
        Clock twoDaysLater = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, twoDaysLater)) {
            long recent = segments.append(ReceivedBody.of("just received".getBytes(StandardCharsets.UTF_8)));
            segments.sync();

            assertThat(segments.applyRetention(Duration.ofDays(1))).isEqualTo(1);

            assertThat(segments.read(old)).as("removed by retention").isEmpty();
            assertThat(segments.read(recent)).contains("just received".getBytes(StandardCharsets.UTF_8));
            try (var files = Files.list(directory)) {
                assertThat(files.count()).isEqualTo(1);
            }
        }
    }

    @Test
    void a_document_that_deflates_is_kept_deflated_and_read_back_exactly(@TempDir Path directory) throws Exception {
        byte[] document = "{\"houseTransportDocId\":\"W-1\",\"items\":[{\"description\":\"Bluetooth headphones\"}]}"
                .repeat(40)
                .getBytes(StandardCharsets.UTF_8);
        long reference;
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            reference = segments.append(ReceivedBody.of(document));
            segments.sync();
        }
        try (var files = Files.list(directory)) {
            long stored = files.mapToLong(file -> file.toFile().length()).sum();
            assertThat(stored)
                    .as("bytes on disk for %d received", document.length)
                    .isLessThan(document.length / 4);
        }
        try (ArchiveSegments reopened = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            assertThat(reopened.read(reference)).contains(document);
        }
    }

    @Test
    void a_segment_written_before_deflating_reads_as_before(@TempDir Path directory) throws Exception {
        byte[] body = "a body of the old format, ".repeat(20).getBytes(StandardCharsets.UTF_8);
        Files.write(
                directory.resolve("segment-000001.bin"),
                java.nio.ByteBuffer.allocate(4 + body.length)
                        .putInt(body.length)
                        .put(body)
                        .array());
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            assertThat(segments.read(1L << 40)).contains(body);
        }
    }

    @Test
    void a_damaged_deflated_body_is_an_error_naming_where_it_lies_not_other_bytes(@TempDir Path directory)
            throws Exception {
        byte[] document =
                "<Declaration><Item>headphones</Item></Declaration>".repeat(50).getBytes(StandardCharsets.UTF_8);
        long reference;
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            reference = segments.append(ReceivedBody.of(document));
            segments.sync();
        }
        Path segment = directory.resolve("segment-000001.bin");
        byte[] stored = Files.readAllBytes(segment);
        stored[stored.length - 3] ^= 0x5A;
        Files.write(segment, stored);
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> segments.read(reference))
                    .isInstanceOf(org.cbec.gateway.error.GatewayException.class)
                    .hasMessageContaining("archive segment 1");
        }
    }

    @Test
    void a_large_list_is_deflated_into_the_segment_and_the_bodies_around_it_stay_whole(@TempDir Path directory)
            throws Exception {
        StringBuilder csv = new StringBuilder();
        java.util.Random random = new java.util.Random(3);
        while (csv.length() <= ArchiveSegments.DEFLATED_IN_PLACE_FROM + 100_000) {
            csv.append("CN")
                    .append(random.nextInt(1_000_000_000))
                    .append(",Operator ")
                    .append(random.nextInt(99_999))
                    .append(",1 Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,\n");
        }
        byte[] list = csv.toString().getBytes(StandardCharsets.UTF_8);
        byte[] before = "before".getBytes(StandardCharsets.UTF_8);
        byte[] after = "after the list".getBytes(StandardCharsets.UTF_8);
        long[] references = new long[3];
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 64L << 20, Clock.systemUTC())) {
            references[0] = segments.append(ReceivedBody.of(before));
            references[1] = segments.append(ReceivedBody.of(list));
            references[2] = segments.append(ReceivedBody.of(after));
            segments.sync();
        }
        try (var files = Files.list(directory)) {
            assertThat(files.mapToLong(file -> file.toFile().length()).sum())
                    .as("bytes on disk for a %d-byte list", list.length)
                    .isLessThan(list.length / 2);
        }
        try (ArchiveSegments reopened = ArchiveSegments.open(directory, 64L << 20, Clock.systemUTC())) {
            assertThat(reopened.read(references[0])).contains(before);
            assertThat(reopened.read(references[1])).contains(list);
            assertThat(reopened.read(references[2])).contains(after);
        }
    }

    @Test
    void a_damaged_length_word_is_an_error_not_an_allocation_of_what_it_claims(@TempDir Path directory)
            throws Exception {
        byte[] body = "a body".repeat(10).getBytes(StandardCharsets.UTF_8);
        long reference;
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            reference = segments.append(ReceivedBody.of(body));
            segments.sync();
        }
        Path segment = directory.resolve("segment-000001.bin");
        byte[] stored = Files.readAllBytes(segment);
        java.nio.ByteBuffer.wrap(stored).putInt(0, Integer.MAX_VALUE); // top bit clear: a plain body of 2 GiB
        Files.write(segment, stored);
        try (ArchiveSegments segments = ArchiveSegments.open(directory, 1 << 20, Clock.systemUTC())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> segments.read(reference))
                    .isInstanceOf(org.cbec.gateway.error.GatewayException.class)
                    .hasMessageContaining("runs past the end of the segment");
        }
    }
}
