package org.cbec.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.cbec.gateway.cli.GatewayCli;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.TestTsa;
import org.cbec.gateway.testing.TsaServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trusted time (CONTRACT.md §10) against a real RFC 3161 TSA over HTTP: the TSA goes away, and once no seal could be
 * time-stamped for gateway.evidence.tsa.max-outage the intake refuses with 503 EVIDENCE_UNAVAILABLE (archived); the TSA
 * comes back, and with no one doing anything the seals made meanwhile get their tokens and the intake takes messages again.
 */
class TrustedTimeOutageTest {
    @TempDir
    Path root;

    @Test
    void intake_refuses_while_the_tsa_is_gone_past_the_allowed_outage_and_recovers_by_itself_when_it_is_back() {
        TestTsa tsa = new TestTsa("Outage Test TSA");
        try (TsaServer server = new TsaServer(tsa);
                GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"))
                        .with("gateway.evidence.tsa.url", server.url())
                        .with("gateway.evidence.seal-interval", "PT0.2S")
                        .with("gateway.evidence.tsa.max-outage", "PT1S")
                        .with("gateway.evidence.tsa.timeout", "PT2S")
                        .start()) {
            Instant from = Instant.now().minusSeconds(1);
            assertThat(gateway.postCms(shipment(gateway)).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> server.granted() > 0);

            server.kill();
            // Partners keep sending; each message moves the chain, whose next seal cannot be time-stamped.
            AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        refused.set(gateway.postCms(shipment(gateway)));
                        return refused.get().statusCode() == 503;
                    });
            gateway.refusedAndArchived(refused.get(), 503, "EVIDENCE_UNAVAILABLE");
            HttpResponse<String> health = gateway.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("evidence time-stamping");

            server.restart();
            // Nothing is sent meanwhile: the seal timer alone stamps what waited and ends the outage.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.get("/health").statusCode() == 200);
            HttpResponse<String> after = gateway.postCms(shipment(gateway));
            assertThat(after.statusCode()).as(after.body()).isEqualTo(202);

            // Every seal, those made while the TSA was away included, carries a token that verifies offline.
            Path bundle = root.resolve("bundle");
            assertThat(GatewayCli.execute(
                            "evidence",
                            "export",
                            "--config",
                            gateway.configDir().toString(),
                            "--from",
                            from.toString(),
                            "--to",
                            Instant.now().toString(),
                            bundle.toString()))
                    .isZero();
            EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(bundle);
            assertThat(report.problems()).isEmpty();
            assertThat(report.seals()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void tokens_from_a_tsa_other_than_the_pinned_one_count_as_none_and_the_intake_refuses_past_the_outage() {
        TestTsa impostor = new TestTsa("Impostor TSA");
        TestTsa expected = new TestTsa("Expected TSA");
        TestPki.writePem(root.resolve("expected-tsa.pem"), expected.tsa.certificate());
        try (TsaServer server = new TsaServer(impostor);
                GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"))
                        .with("gateway.evidence.tsa.url", server.url())
                        .with(
                                "gateway.evidence.tsa.certificates",
                                root.resolve("expected-tsa.pem").toString())
                        .with("gateway.evidence.seal-interval", "PT0.2S")
                        .with("gateway.evidence.tsa.max-outage", "PT1S")
                        .start()) {
            AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        refused.set(gateway.postCms(shipment(gateway)));
                        return refused.get().statusCode() == 503;
                    });

            gateway.refusedAndArchived(refused.get(), 503, "EVIDENCE_UNAVAILABLE");
            assertThat(server.granted())
                    .as("the impostor answered; its tokens were not taken")
                    .isPositive();
            assertThat(gateway.get("/health").body()).contains("not its own");
        }
    }

    private static byte[] shipment(GatewayUnderTest gateway) {
        return TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner);
    }
}
