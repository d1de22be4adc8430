package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub.Received;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.translate.AeoStatusCsvTranslator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog longer than {@code gateway.broker.queue-memory-bytes} waits in the embedded broker's page files,
 * not in the heap, and is forwarded whole, each record once, when the national system is back.
 */
class BacklogPagingTest {
    private static final int ROWS = 1_500;

    @Test
    void a_backlog_beyond_the_queue_memory_waits_on_disk_and_is_forwarded_whole_when_the_national_system_returns(
            @TempDir Path root) {
        String prefix = "CN8" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).with("gateway.broker.queue-memory-bytes", "65536")) {
            gateway.national().setDown(true);
            gateway.start();

            HttpResponse<String> accepted =
                    gateway.postCms(TestPki.signCms(list(prefix).getBytes(StandardCharsets.UTF_8), gateway.cnSigner));

            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            // 1,500 records of ~600 bytes are far more than 64 KiB: the forward queue pages.
            await().atMost(Duration.ofSeconds(60)).until(() -> pageFiles(root.resolve("data/broker/paging")) > 0);
            assertThat(gateway.national().received()).isEmpty();

            gateway.national().setDown(false);

            await().atMost(Duration.ofSeconds(120))
                    .until(() -> gateway.national()
                                    .receivedWithKeyPrefix("CN-GACC:" + prefix)
                                    .size()
                            >= ROWS);
            List<Received> received = gateway.national().receivedWithKeyPrefix("CN-GACC:" + prefix);
            assertThat(received.stream()
                            .collect(Collectors.groupingBy(Received::idempotencyKey, Collectors.counting())))
                    .hasSize(ROWS)
                    .allSatisfy((key, times) -> assertThat(times).as(key).isEqualTo(1L));
        }
    }

    @Test
    void no_queue_memory_is_a_configuration_error_naming_the_key(@TempDir Path root) {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).with("gateway.broker.queue-memory-bytes", "0")) {
            assertThatThrownBy(gateway::start)
                    .isInstanceOfSatisfying(
                            GatewayException.class,
                            e -> assertThat(e.error()).isEqualTo(GatewayError.CONFIGURATION_INVALID))
                    .hasMessageContaining("gateway.broker.queue-memory-bytes");
        }
    }

    private static String list(String prefix) {
        StringBuilder csv = new StringBuilder(AeoStatusCsvTranslator.HEADER).append('\n');
        for (int row = 1; row <= ROWS; row++) {
            csv.append(String.format(
                    "%s%04d,Operator %d,%d Keji Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,%n",
                    prefix, row, row, row));
        }
        return csv.toString();
    }

    private static long pageFiles(Path paging) {
        if (!Files.isDirectory(paging)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(paging)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".page"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
