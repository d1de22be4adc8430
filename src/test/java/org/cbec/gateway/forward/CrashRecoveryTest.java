package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cbec.gateway.GatewayApplication;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub.Received;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 202 is a promise, even across {@code kill -9}. The gateway runs in its own JVM; partners send
 * shipments concurrently while the national system answers 503; the gateway is killed with SIGKILL in the
 * middle and started again on the same data. Every record of every 202 must reach the national system;
 * a key may arrive twice only within the at-least-once window (a POST answered but not yet booked).
 * <p>CI runs a small version; the acceptance run is
 * {@code mvn -B test -Dtest=CrashRecoveryTest -Dcrash.messages=2000 -Dcrash.nationalDownSeconds=60}.
 */
class CrashRecoveryTest {
    private static final int MESSAGES = Integer.getInteger("crash.messages", 200);
    private static final int NATIONAL_DOWN_SECONDS = Integer.getInteger("crash.nationalDownSeconds", 5);

    @TempDir
    Path root;

    /**
     * The kill falls while entries are appended to the accept log and projected, and while records are retried one
     * request each against a national system that answers 503.
     */
    @Test
    void every_record_of_every_202_is_delivered_after_a_kill_9_in_the_middle_of_the_load() throws Exception {
        killInTheMiddle(false, NATIONAL_DOWN_SECONDS, "");
    }

    /**
     * The kill falls while batches are being forwarded (the national system takes batches and is up): a batch POSTed
     * but not yet booked is sent again after the restart, with the same keys; nothing accepted is lost.
     */
    @Test
    void every_record_of_every_202_is_delivered_after_a_kill_9_during_batch_forwarding() throws Exception {
        killInTheMiddle(true, 0, "batches-");
    }

    private void killInTheMiddle(boolean batches, int nationalDownSeconds, String logPrefix) throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            if (batches) {
                gateway.withNationalBatches();
            }
            Path config = gateway.with("gateway.forward.initial-delay", "PT0.2S")
                    .with("gateway.forward.max-delay", "PT1S")
                    .with("gateway.forward.max-attempts", "1000")
                    .prepareConfig();
            if (nationalDownSeconds > 0) {
                gateway.national().downFor(Duration.ofSeconds(nationalDownSeconds));
            }
            Path logs = java.nio.file.Files.createDirectories(Path.of("target", "crash-recovery"));
            Process first = startGatewayProcess(config, logs.resolve(logPrefix + "first.log"));
            awaitHealthy(gateway.port());

            Map<String, String> acceptedWaybills = new ConcurrentHashMap<>();
            Map<String, byte[]> signedByWaybill = new java.util.LinkedHashMap<>();
            AtomicInteger sent = new AtomicInteger();
            ExecutorService partners = Executors.newFixedThreadPool(8);
            for (int i = 0; i < MESSAGES; i++) {
                String waybill = "784-" + (10_000_000 + i);
                byte[] signed = TestPki.signCms(shipment(waybill).getBytes(StandardCharsets.UTF_8), gateway.cnSigner);
                signedByWaybill.put(waybill, signed);
                partners.submit(() -> send(gateway.port(), waybill, signed, sent, acceptedWaybills));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acceptedWaybills.size() >= MESSAGES / 2);
            if (batches) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> gateway.national().batches() > 0);
            }
            first.destroyForcibly().waitFor();
            int acceptedBeforeKill = acceptedWaybills.size();
            partners.shutdown();
            assertThat(partners.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            Process second = startGatewayProcess(config, logs.resolve(logPrefix + "second.log"));
            try {
                awaitHealthy(gateway.port());
                // The partners send again what got no answer, the same bytes, as a partner does after a failed POST:
                // in all, every message is accepted, and the kill fell in the middle of them.
                ExecutorService retries = Executors.newFixedThreadPool(8);
                signedByWaybill.forEach((waybill, signed) -> {
                    if (!acceptedWaybills.containsKey(waybill)) {
                        retries.submit(() -> send(gateway.port(), waybill, signed, sent, acceptedWaybills));
                    }
                });
                retries.shutdown();
                assertThat(retries.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
                assertThat(acceptedWaybills)
                        .as("every message accepted, before or after the kill")
                        .hasSize(MESSAGES);
                Set<String> promised = Set.copyOf(acceptedWaybills.keySet());
                await().atMost(Duration.ofSeconds(nationalDownSeconds + 120))
                        .pollInterval(Duration.ofMillis(500))
                        .alias("every promised record delivered")
                        .until(() -> {
                            Set<String> missing = new java.util.TreeSet<>(
                                    promised.stream().map(w -> "CN-GACC:" + w).toList());
                            missing.removeAll(delivered(gateway).keySet());
                            if (!missing.isEmpty() && missing.size() < 20) {
                                System.out.println("still missing: " + missing + " of " + promised.size());
                            }
                            return missing.isEmpty();
                        });

                Map<String, Long> deliveries = delivered(gateway);
                long duplicates =
                        deliveries.values().stream().filter(n -> n > 1).count();
                System.out.printf(
                        "crash recovery: %d sent, %d accepted (%d before the kill), %d delivered, %d keys delivered twice%n",
                        sent.get(), promised.size(), acceptedBeforeKill, deliveries.size(), duplicates);
                assertThat(deliveries.keySet())
                        .containsAll(promised.stream().map(w -> "CN-GACC:" + w).toList());
                // At least once: a key is repeated only if its POST was answered and the gateway died before booking
                // it;
                // with batches that window is the batches in flight at the kill (up to gateway.national.*.batch records
                // each).
                assertThat(duplicates).isLessThanOrEqualTo(batches ? 8L * 200 : 8);
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void sigterm_stops_the_gateway_cleanly_with_exit_code_0() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            Path config = gateway.prepareConfig();
            Process process = startGatewayProcess(
                    config,
                    java.nio.file.Files.createDirectories(Path.of("target", "crash-recovery"))
                            .resolve("sigterm.log"));
            awaitHealthy(gateway.port());
            HttpResponse<String> accepted = post(
                    gateway.port(),
                    TestPki.signCms(
                            shipment("784-" + System.nanoTime() % 100_000_000L).getBytes(StandardCharsets.UTF_8),
                            gateway.cnSigner));

            process.destroy(); // SIGTERM on Linux

            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("stopped within the drain and shutdown time")
                    .isTrue();
            assertThat(process.exitValue()).isZero();
        }
    }

    /**
     * SIGTERM while partners are sending: what is in flight finishes before the database closes, and the gateway
     * stops well within the routes' graceful timeout. (Before, the database closed itself at the start of the JVM's
     * exit, under the dispatches in progress, and the stop waited out Camel's 45 s timeout.)
     */
    @Test
    void sigterm_under_load_lets_the_work_in_flight_finish_before_the_database_closes() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            Path config = gateway.prepareConfig();
            Path log = java.nio.file.Files.createDirectories(Path.of("target", "crash-recovery"))
                    .resolve("sigterm-under-load.log");
            Process process = startGatewayProcess(config, log);
            awaitHealthy(gateway.port());
            ExecutorService partners = Executors.newFixedThreadPool(8);
            AtomicInteger accepted = new AtomicInteger();
            try {
                for (int i = 0; i < 200; i++) {
                    byte[] signed = TestPki.signCms(
                            shipment("785-" + i + "-" + System.nanoTime() % 1_000_000L)
                                    .getBytes(StandardCharsets.UTF_8),
                            gateway.cnSigner);
                    partners.submit(() -> {
                        HttpResponse<String> response = post(gateway.port(), signed);
                        if (response != null && response.statusCode() == 202) {
                            accepted.incrementAndGet();
                        }
                    });
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= 20);

                process.destroy(); // SIGTERM on Linux, with messages still arriving and records being dispatched

                assertThat(process.waitFor(60, TimeUnit.SECONDS))
                        .as("stopped within the drain and shutdown time")
                        .isTrue();
                assertThat(process.exitValue()).isZero();
            } finally {
                partners.shutdownNow();
                process.destroyForcibly().waitFor();
            }
            String written = java.nio.file.Files.readString(log);
            assertThat(written)
                    .contains("CBEC Gateway stopped")
                    .doesNotContain("Database is already closed")
                    .doesNotContain("Timeout occurred during graceful shutdown");
        }
    }

    /**
     * One partner POST. A 202, or a 200 DUPLICATE for bytes the gateway had already accepted (their 202 was lost
     * with the killed process), is the gateway's promise for the waybill.
     */
    private static void send(
            int port, String waybill, byte[] signed, AtomicInteger sent, Map<String, String> acceptedWaybills) {
        sent.incrementAndGet();
        HttpResponse<String> response = post(port, signed);
        if (response != null
                && (response.statusCode() == 202
                        || response.statusCode() == 200
                                && "DUPLICATE"
                                        .equals(GatewayUnderTest.json(response)
                                                .path("status")
                                                .asText()))) {
            acceptedWaybills.put(
                    waybill, GatewayUnderTest.json(response).path("messageId").asText());
        }
    }

    /** Deliveries per record id (the key without its version) at the national system. */
    private static Map<String, Long> delivered(GatewayUnderTest gateway) {
        List<Received> received = gateway.national().received();
        return received.stream()
                .map(r -> r.record().path("recordId").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static Process startGatewayProcess(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
                        GatewayApplication.class.getName(),
                        "run",
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitHealthy(int port) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
    }

    private static HttpResponse<String> post(int port, byte[] body) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/inbound"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/pkcs7-mime")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // the gateway was killed under this request: no 202, so no promise
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String shipment(String waybill) {
        return """
                {"documentType":"ECOM_SHIPMENT","waybillNo":"%s","masterWaybillNo":"784-00000011",
                 "platform":{"id":"PLAT-CN-001","orderNo":"SO-1"},
                 "seller":{"name":"Seller","tin":"91440300MA5F","aeoCode":"CN1234567890","address":{"street":"1 Road","city":"Shenzhen","postcode":"518057","countryCode":"CN"}},
                 "buyer":{"name":"Anna Schmidt","address":{"street":"Hauptstr. 5","city":"Berlin","postcode":"10115","countryCode":"DE"}},
                 "goods":[{"itemNo":1,"description":"Headphones","hsCode":"851830","qty":1,"unit":"PCE","grossWeightKg":0.45,
                   "price":{"amount":59.80,"currency":"EUR"},"origin":"CN"}],
                 "exportCountry":"CN","destinationCountry":"DE","transportMode":"4"}""".formatted(waybill);
    }
}
