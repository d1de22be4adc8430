package org.cbec.gateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in national simulator takes records from this gateway's forwarder only. The gateway runs as the embedded
 * demo does (no national URL: the simulator is the target, by batches): a signed message still reaches it end to end,
 * while a POST from anyone else, to any of its four endpoints, without the process's token or with a wrong one, is
 * refused 403 NOT_PERMITTED, keeps nothing, and is recorded as a security event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NationalSimulatorForwarderOnlyTest {
    private static final List<String> ENDPOINTS = List.of(
            "/national-sim/aeo", "/national-sim/shipments", "/national-sim/aeo/batch", "/national-sim/shipments/batch");

    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root)
                .with("gateway.national.aeo.url", "")
                .with("gateway.national.shipment.url", "")
                .start();
    }

    @AfterEach
    void healthy() {
        assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void the_gateways_own_forwarder_delivers_to_the_simulator_end_to_end() throws Exception {
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);
        HttpResponse<String> accepted = gateway.postCms(signed);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> kept("aeo").path("count").asInt() >= 3);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> gateway.getJson("/api/v1/messages/" + messageId)
                        .path("status")
                        .asText()
                        .equals("FORWARDED"));
    }

    @Test
    void forged_post_without_the_token_is_refused_recorded_and_not_kept() {
        for (String endpoint : ENDPOINTS) {
            HttpResponse<String> forged = forge(endpoint, null, "forged-no-token");

            assertThat(forged.statusCode()).as(endpoint + ": " + forged.body()).isEqualTo(403);
            assertThat(GatewayUnderTest.json(forged).path("code").asText()).isEqualTo("NOT_PERMITTED");
        }
        assertThat(kept("aeo").toString() + kept("shipments")).doesNotContain("forged-no-token");
        for (String endpoint : ENDPOINTS) {
            refusalRecorded(endpoint, "no X-CBEC-Simulator-Token header");
        }
    }

    @Test
    void forged_post_with_a_wrong_token_is_refused_recorded_and_not_kept() {
        for (String endpoint : ENDPOINTS) {
            HttpResponse<String> forged = forge(endpoint, "guessed-token", "forged-wrong-token");

            assertThat(forged.statusCode()).as(endpoint + ": " + forged.body()).isEqualTo(403);
            assertThat(GatewayUnderTest.json(forged).path("code").asText()).isEqualTo("NOT_PERMITTED");
            assertThat(forged.body()).doesNotContain("guessed-token");
        }
        assertThat(kept("aeo").toString() + kept("shipments")).doesNotContain("forged-wrong-token");
        for (String endpoint : ENDPOINTS) {
            refusalRecorded(endpoint, "a wrong X-CBEC-Simulator-Token");
        }
    }

    /** A forged record, as one record or as a batch of one, with the token given (null: none). */
    private HttpResponse<String> forge(String endpoint, String token, String key) {
        String record = "{\"aeoId\":\"CN0000000001\",\"status\":\"VALID\"}";
        String body = endpoint.endsWith("/batch")
                ? "[{\"idempotencyKey\":\"" + key + "\",\"record\":" + record + "}]"
                : record;
        HttpRequest.Builder request = HttpRequest.newBuilder()
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header(NationalSystemSimulator.TOKEN_HEADER, token);
        }
        return gateway.send(request, endpoint);
    }

    /** What the simulator holds of one kind; a failed read fails here, so "not kept" never passes on an error. */
    private JsonNode kept(String kind) {
        HttpResponse<String> records = gateway.get("/national-sim/records?kind=" + kind);
        assertThat(records.statusCode()).as(records.body()).isEqualTo(200);
        JsonNode held = GatewayUnderTest.json(records);
        assertThat(held.path("records").isArray()).isTrue();
        return held;
    }

    private void refusalRecorded(String endpoint, String detail) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<JsonNode> found = new ArrayList<>();
            for (JsonNode event : gateway.getJson("/api/v1/security-events?kind=ACCESS_REFUSED&limit=1000")
                    .path("events")) {
                if (event.path("code").asText().equals("NOT_PERMITTED")
                        && event.path("channel").asText().equals("national simulator: POST " + endpoint)
                        && event.path("detail").asText().equals(detail)
                        && event.path("address").asText().equals("127.0.0.1")) {
                    found.add(event);
                }
            }
            return !found.isEmpty();
        });
    }
}
