package org.cbec.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.cbec.gateway.GatewayApplication;
import org.cbec.gateway.testing.CmsHttpsPartner;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outbound 202 is a promise across {@code kill -9}: the gateway runs in its own JVM, a national system sends while the
 * partner is down (so every message waits in the ledger and the queue, being retried), the gateway is killed with SIGKILL
 * in the middle, and started again with the partner back. Every accepted message reaches the partner, and no key twice.
 */
class OutboundCrashRecoveryTest {
    private static final int MESSAGES = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void every_accepted_outbound_message_reaches_the_partner_once_after_a_kill_9_in_the_middle() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                CmsHttpsPartner partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.sgSigner)) {
            TestPki.writePem(root.resolve("partner-tls-ca.pem"), partner.tlsCa.certificate());
            GatewayUnderTest.write(root.resolve("gateway/partners/SG-CUSTOMS.yaml"), """
                    id: SG-CUSTOMS
                    name: Singapore Customs
                    country: SG
                    trustAnchors: [certs/sg-customs-ca.pem]
                    revocation: none
                    messageTypes: [AEO_STATUS]
                    agreement:
                      reference: "MRA (TEST)"
                      inbound: {AEO_STATUS: ["*"]}
                      outbound: {AEO_STATUS: ["*"]}
                    outbound: {transport: cms-https, url: "%s", format: aeo-status-json}
                    """.formatted(partner.url()));
            Path config = gateway.with(
                            "gateway.outbound.tls-anchors",
                            root.resolve("partner-tls-ca.pem").toString())
                    .with("gateway.forward.initial-delay", "PT0.2S")
                    .with("gateway.forward.max-delay", "PT1S")
                    .with("gateway.forward.max-attempts", "1000")
                    .prepareConfig();
            partner.down();
            Path logs = Files.createDirectories(Path.of("target", "crash-recovery"));
            Process first = startGatewayProcess(config, logs.resolve("outbound-first.log"));
            Map<Integer, String> accepted = new ConcurrentHashMap<>();
            List<String> bodies = new ArrayList<>();
            String prefix = "DE" + ThreadLocalRandom.current().nextInt(10_000_000, 100_000_000);
            for (int i = 0; i < MESSAGES; i++) {
                bodies.add("{\"records\":[{\"recordType\":\"AEO_STATUS\",\"aeoId\":\"" + prefix
                        + String.format("%03d", i) + "\",\"operatorName\":\"Op " + i
                        + "\",\"address\":{\"country\":\"DE\"},\"programme\":\"AEO\",\"status\":\"ACTIVE\",\"validFrom\":\"2019-05-01\","
                        + "\"statusChangedAt\":\"2026-12-01T08:00:00Z\"}]}");
            }
            try {
                awaitHealthy(gateway.port());
                ExecutorService national = Executors.newFixedThreadPool(8);
                for (int i = 0; i < MESSAGES; i++) {
                    int n = i;
                    national.submit(() -> send(gateway.port(), n, bodies.get(n), accepted));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= MESSAGES / 2);
                first.destroyForcibly().waitFor();
                national.shutdown();
                assertThat(national.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                first.destroyForcibly().waitFor();
            }
            int acceptedBeforeKill = accepted.size();

            partner.up();
            Process second = startGatewayProcess(config, logs.resolve("outbound-second.log"));
            try {
                awaitHealthy(gateway.port());
                // The national system sends again what got no answer, the same body: a 202 now, or 200 with the first
                // answer.
                for (int i = 0; i < MESSAGES; i++) {
                    if (!accepted.containsKey(i)) {
                        send(gateway.port(), i, bodies.get(i), accepted);
                    }
                }
                assertThat(accepted).hasSize(MESSAGES);
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .alias("every accepted message at the partner")
                        .until(() -> accepted.values().stream()
                                .allMatch(id ->
                                        partner.postsByKey().keySet().stream().anyMatch(k -> k.contains(id))));

                System.out.printf(
                        "outbound crash recovery: %d accepted (%d before the kill), %d keys at the partner%n",
                        accepted.size(),
                        acceptedBeforeKill,
                        partner.postsByKey().size());
                assertThat(acceptedBeforeKill).isLessThan(MESSAGES + 1).isGreaterThanOrEqualTo(MESSAGES / 2);
                assertThat(partner.postsByKey()).hasSize(MESSAGES);
                assertThat(partner.postsByKey().values())
                        .as("no key sent twice")
                        .allMatch(n -> n == 1);
                assertThat(partner.refused()).isEmpty();
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void send(int port, int n, String body, Map<Integer, String> accepted) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/api/v1/outbound/SG-CUSTOMS"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", GatewayUnderTest.basic("national", "national-demo"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202 || response.statusCode() == 200) {
                accepted.put(n, JSON.readTree(response.body()).path("messageId").asText());
            }
        } catch (IOException e) {
            // killed under this request: no answer, no promise
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
}
