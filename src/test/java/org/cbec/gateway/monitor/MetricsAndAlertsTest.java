package org.cbec.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics and the alerts on the real gateway: an operator's Prometheus scrapes counts per partner and
 * code, latencies, Camel's route metrics and certificate expiry; GET /api/v1/alerts lists what needs an
 * operator. Alerts are evaluated every 0.2 s here (gateway.alerts.interval), so no test waits 30 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsAndAlertsTest {
    static final String EXPIRING_CA = "CN=KR-KCS Test CA,O=Korea Customs Service,C=KR";

    GatewayUnderTest gateway;
    TestPki.Credential expiringCa;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root);
        Path partners = root.resolve("partners");
        // Korea's CA runs out in ten days: within the 30-day alert window.
        expiringCa = TestPki.certificateAuthority(
                EXPIRING_CA,
                Instant.now().minus(Duration.ofDays(365)),
                Instant.now().plus(Duration.ofDays(10)));
        TestPki.writePem(partners.resolve("certs/kr-kcs-ca.pem"), expiringCa.certificate());
        GatewayUnderTest.write(partners.resolve("KR-KCS.yaml"), """
                id: KR-KCS
                name: Korea Customs Service
                country: KR
                trustAnchors: [certs/kr-kcs-ca.pem]
                revocation: none
                messageTypes: [AEO_STATUS]
                """);
        // Japan promises a message at least every second, and sends none.
        TestPki.writePem(
                partners.resolve("certs/jp-customs-ca.pem"),
                TestPki.certificateAuthority("CN=JP Test CA,O=Japan Customs,C=JP")
                        .certificate());
        GatewayUnderTest.write(partners.resolve("JP-CUSTOMS.yaml"), """
                id: JP-CUSTOMS
                name: Japan Customs
                country: JP
                trustAnchors: [certs/jp-customs-ca.pem]
                revocation: none
                messageTypes: [AEO_STATUS]
                expectedInterval: PT1S
                """);
        gateway.with("gateway.alerts.interval", "PT0.2S")
                .with("gateway.forward.max-attempts", "1")
                .with("gateway.alerts.min-messages", "3")
                .start();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void metrics_are_prometheus_text_with_the_version_0_0_4_content_type() {
        HttpResponse<String> scrape = gateway.get("/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue(GatewayMetrics.CONTENT_TYPE);
        assertThat(scrape.body()).contains("# TYPE gateway_forward_backlog gauge");
    }

    /** Every message, refused ones too, is archived through the one database writer: its time and group sizes are metrics. */
    @Test
    void the_database_writer_reports_its_busy_time_and_the_pieces_it_commits() {
        byte[] tampered = tamperedCsv();
        PrometheusText before = scrape();
        assertThat(before.find("gateway_database_writer_busy_seconds_total", Map.of()))
                .as("registered at start")
                .isNotEmpty();

        assertThat(gateway.postCms(tampered).statusCode()).isEqualTo(403);

        PrometheusText after = scrape();
        assertThat(after.value("gateway_database_group_pieces_sum", Map.of()))
                .isGreaterThanOrEqualTo(before.value("gateway_database_group_pieces_sum", Map.of()) + 1);
        assertThat(after.value("gateway_database_writer_busy_seconds_total", Map.of()))
                .isGreaterThan(before.value("gateway_database_writer_busy_seconds_total", Map.of()));
    }

    /** A signature that does not verify proves no sender: anyone can attach a partner's certificate, so the partner is "unknown". */
    @Test
    void one_tampered_message_adds_exactly_one_signature_invalid_refusal() {
        byte[] tampered = tamperedCsv();
        Map<String, String> labels = Map.of("partner", "unknown", "code", "SIGNATURE_INVALID");
        double before = scrape().value("gateway_refusals_total", labels);

        assertThat(gateway.postCms(tampered).statusCode()).isEqualTo(403);

        assertThat(scrape().value("gateway_refusals_total", labels)).isEqualTo(before + 1);
    }

    @Test
    void a_refusal_after_the_signer_is_known_counts_for_its_partner() {
        byte[] shipment =
                TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.sgSigner);
        Map<String, String> labels = Map.of("partner", "SG-CUSTOMS", "code", "MESSAGE_TYPE_NOT_ALLOWED");
        Map<String, String> rejected =
                Map.of("partner", "SG-CUSTOMS", "format", "ecom-shipment-json", "verdict", "REJECTED");
        PrometheusText before = scrape();

        assertThat(gateway.postCms(shipment).statusCode()).isEqualTo(403);

        PrometheusText after = scrape();
        assertThat(after.value("gateway_refusals_total", labels))
                .isEqualTo(before.value("gateway_refusals_total", labels) + 1);
        assertThat(after.value("gateway_messages_total", rejected))
                .isEqualTo(before.value("gateway_messages_total", rejected) + 1);
    }

    @Test
    void a_signer_of_no_partner_is_counted_under_partner_unknown() {
        TestPki.Credential rogueCa = TestPki.certificateAuthority("CN=Rogue CA,O=Nobody,C=XX");
        byte[] signed = TestPki.signCms(
                Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), TestPki.signer(rogueCa, "CN=Rogue,C=XX"));
        Map<String, String> labels = Map.of("partner", "unknown", "code", "UNKNOWN_SIGNER");
        double before = scrape().value("gateway_refusals_total", labels);

        assertThat(gateway.postCms(signed).statusCode()).isEqualTo(403);

        assertThat(scrape().value("gateway_refusals_total", labels)).isEqualTo(before + 1);
    }

    @Test
    void a_good_message_counts_as_accepted_and_times_its_intake_and_its_delivery() {
        Map<String, String> accepted = Map.of("partner", "CN-GACC", "format", "aeo-status-csv", "verdict", "ACCEPTED");
        double before = scrape().value("gateway_messages_total", accepted);
        double acceptTimings = scrape().value("gateway_accept_seconds_count", Map.of("verdict", "ACCEPTED"));
        double deliveries = scrape().value("gateway_end_to_end_seconds_count", Map.of("record_type", "AEO_STATUS"));

        assertThat(gateway.postCms(TestPki.signCms(
                                Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner))
                        .statusCode())
                .isEqualTo(202);

        PrometheusText after = scrape();
        assertThat(after.value("gateway_messages_total", accepted)).isEqualTo(before + 1);
        assertThat(after.value("gateway_accept_seconds_count", Map.of("verdict", "ACCEPTED")))
                .isEqualTo(acceptTimings + 1);
        assertThat(after.find("gateway_accept_seconds_bucket", Map.of("verdict", "ACCEPTED")))
                .as("a percentile histogram")
                .hasSizeGreaterThan(10);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> scrape().value("gateway_end_to_end_seconds_count", Map.of("record_type", "AEO_STATUS"))
                        >= deliveries + 3);
    }

    /** Issue 19: each stage of the way of a message publishes its time and its items, so the next bottleneck shows. */
    @Test
    void an_accepted_shipment_is_timed_in_every_stage_of_its_way() {
        List<String> stages = List.of("verify", "translate", "append", "project", "forward");
        Map<String, Double> before = new java.util.HashMap<>();
        PrometheusText first = scrape();
        stages.forEach(stage -> before.put(stage, first.value("gateway_stage_items_total", Map.of("stage", stage))));

        assertThat(gateway.postCms(TestPki.signCms(
                                Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner))
                        .statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            PrometheusText after = scrape();
            for (String stage : stages) {
                assertThat(after.value("gateway_stage_items_total", Map.of("stage", stage)))
                        .as(stage)
                        .isGreaterThanOrEqualTo(before.get(stage) + 1);
                assertThat(after.value("gateway_stage_seconds_sum", Map.of("stage", stage)))
                        .as(stage)
                        .isPositive();
            }
        });
    }

    @Test
    void camel_route_metrics_count_exchanges_failures_and_time_per_route() {
        gateway.get("/health");

        PrometheusText metrics = scrape();

        assertThat(metrics.value("camel_exchanges_total", Map.of("routeId", "health")))
                .isPositive();
        assertThat(metrics.find("camel_exchanges_failed_total", Map.of("routeId", "inbound-http")))
                .isNotEmpty();
        assertThat(metrics.find("camel_route_policy_seconds_count", Map.of("routeId", "health")))
                .isNotEmpty();
    }

    @Test
    void certificate_days_to_expiry_are_published_for_each_trust_anchor_and_the_gateway_key() {
        PrometheusText metrics = scrape();

        assertThat(metrics.value(
                        "gateway_certificate_days_to_expiry",
                        Map.of(
                                "partner",
                                "KR-KCS",
                                "subject",
                                expiringCa
                                        .certificate()
                                        .getSubjectX500Principal()
                                        .getName())))
                .isBetween(9.0, 10.0);
        assertThat(metrics.value("gateway_certificate_days_to_expiry", Map.of("partner", "CN-GACC")))
                .isGreaterThan(3000);
        assertThat(metrics.value("gateway_certificate_days_to_expiry", Map.of("partner", "gateway")))
                .isGreaterThan(300);
    }

    @Test
    void a_trust_anchor_expiring_within_the_window_raises_the_certificate_alert() {
        await().atMost(Duration.ofSeconds(10)).until(() -> alert("CERTIFICATE_EXPIRY", "KR-KCS") != null);

        JsonNode alert = alert("CERTIFICATE_EXPIRY", "KR-KCS");
        assertThat(alert.path("detail").asText())
                .contains(EXPIRING_CA.substring(0, 10))
                .contains("KR-KCS")
                .contains("day");
        assertThat(Instant.parse(alert.path("since").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(alert("CERTIFICATE_EXPIRY", "CN-GACC")).isNull();
        assertThat(scrape().value(
                                "gateway_alert_active",
                                Map.of(
                                        "alert",
                                        "CERTIFICATE_EXPIRY",
                                        "subject",
                                        alert.path("subject").asText())))
                .isEqualTo(1.0);
    }

    @Test
    void a_partner_silent_longer_than_its_expected_interval_raises_the_silence_alert() {
        await().atMost(Duration.ofSeconds(10)).until(() -> alert("PARTNER_SILENT", "JP-CUSTOMS") != null);

        assertThat(alert("PARTNER_SILENT", "JP-CUSTOMS").path("detail").asText())
                .contains("PT1S")
                .contains("JP-CUSTOMS.yaml");
        assertThat(alert("PARTNER_SILENT", "CN-GACC"))
                .as("no expectedInterval, never silent")
                .isNull();
        assertThat(scrape().value("gateway_alert_active", Map.of("alert", "PARTNER_SILENT", "subject", "JP-CUSTOMS")))
                .isEqualTo(1.0);
    }

    /**
     * Waits for this test's own dead letter (not any dead letter an earlier case left, which would satisfy the wait
     * before the action), then checks the gauge rose by exactly one and the alert is up; discards it after, so the
     * cases do not depend on their order.
     */
    @Test
    void a_dead_letter_raises_the_dead_letter_alert_and_the_gauge() {
        double before = scrape().value("gateway_dead_letters", Map.of());
        String messageId = deadLetterOneShipment();

        await().atMost(Duration.ofSeconds(5))
                .until(() -> scrape().value("gateway_dead_letters", Map.of()) == before + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> alert("DEAD_LETTERS", "forward") != null);
        assertThat(alert("DEAD_LETTERS", "forward").path("detail").asText()).contains("dead-lettered");
        assertThat(scrape().value("gateway_alert_active", Map.of("alert", "DEAD_LETTERS", "subject", "forward")))
                .isEqualTo(1.0);
        assertThat(discard(messageId).statusCode()).isEqualTo(200);
    }

    @Test
    void the_dead_letter_alert_clears_once_an_operator_discards_the_dead_letter() {
        String messageId = deadLetterOneShipment();
        await().atMost(Duration.ofSeconds(10)).until(() -> alert("DEAD_LETTERS", "forward") != null);

        HttpResponse<String> discarded = discard(messageId);

        assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> alert("DEAD_LETTERS", "forward") == null);
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        scrape().value("gateway_alert_active", Map.of("alert", "DEAD_LETTERS", "subject", "forward"))
                                == 0.0);
    }

    /** Sends a shipment while the national system is down (one attempt allowed) and waits until it is dead-lettered. */
    private String deadLetterOneShipment() {
        gateway.national().setDown(true);
        try {
            byte[] shipment = Fixtures.load("valid/ecom-shipment.json").bytes();
            HttpResponse<String> accepted = gateway.postCms(TestPki.signCms(shipment, gateway.cnSigner));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "DEAD_LETTERED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            return messageId;
        } finally {
            gateway.national().setDown(false);
        }
    }

    private HttpResponse<String> discard(String messageId) {
        return gateway.send(
                java.net.http.HttpRequest.newBuilder()
                        .DELETE()
                        .header(
                                "Authorization",
                                GatewayUnderTest.basic(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD)),
                "/api/v1/dead-letters/" + messageId + "-0");
    }

    @Test
    void a_partner_whose_messages_are_mostly_refused_raises_the_refusal_rate_alert() {
        for (int i = 0; i < 3; i++) {
            byte[] shipment =
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.sgSigner);
            assertThat(gateway.postCms(shipment).statusCode()).isEqualTo(403);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> alert("REFUSAL_RATE", "SG-CUSTOMS") != null);

        assertThat(alert("REFUSAL_RATE", "SG-CUSTOMS").path("detail").asText())
                .contains("refused")
                .contains("PT15M");
        assertThat(alert("REFUSAL_RATE", "CN-GACC"))
                .as("its refusals are under the rate or not its own")
                .isNull();
    }

    private PrometheusText scrape() {
        HttpResponse<String> response = gateway.get("/metrics");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    /** The active alert of that kind whose subject starts with {@code subjectPrefix}, or null. */
    private JsonNode alert(String kind, String subjectPrefix) {
        HttpResponse<String> response = gateway.get("/api/v1/alerts");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode alert : GatewayUnderTest.json(response)) {
            if (alert.path("alert").asText().equals(kind)
                    && alert.path("subject").asText().startsWith(subjectPrefix)) {
                return alert;
            }
        }
        return null;
    }

    /** A CN-GACC AEO list with one byte of its content changed after signing: SIGNATURE_INVALID. */
    private byte[] tamperedCsv() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        return Fixtures.withByteFlippedInContent(TestPki.signCms(csv.bytes(), gateway.cnSigner), csv.bytes());
    }
}
