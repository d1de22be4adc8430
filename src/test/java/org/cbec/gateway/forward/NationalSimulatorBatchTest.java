package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.cbec.gateway.simulator.NationalSystemSimulator;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in simulator's batch endpoint (issue 19), a new input path: a malformed batch is refused whole with a
 * problem and nothing of it is kept; a valid one is kept once per key, a repeat counted as already received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NationalSimulatorBatchTest {
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root)
                .with("gateway.national.simulator.enabled", "true")
                .start();
    }

    @AfterAll
    void stop() {
        try {
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        } finally {
            gateway.close();
        }
    }

    @Test
    void a_batch_that_is_not_json_is_refused_whole() {
        refusedAndNothingKept("[{\"idempotencyKey\":\"K-1\",\"record\":{");
    }

    @Test
    void a_batch_that_is_not_an_array_is_refused_whole() {
        refusedAndNothingKept("{\"idempotencyKey\":\"K-2\",\"record\":{}}");
    }

    @Test
    void a_batch_with_one_entry_lacking_its_key_is_refused_whole() {
        refusedAndNothingKept("[{\"idempotencyKey\":\"K-3\",\"record\":{\"a\":1}},{\"record\":{\"a\":2}}]");
    }

    @Test
    void a_batch_is_kept_once_per_key_and_a_repeat_counts_as_already_received() {
        String batch =
                "[{\"idempotencyKey\":\"K-4\",\"record\":{\"a\":1}},{\"idempotencyKey\":\"K-5\",\"record\":{\"a\":2}}]";
        HttpResponse<String> first = post(batch);
        HttpResponse<String> again = post(batch);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(GatewayUnderTest.json(first).path("received").asInt()).isEqualTo(2);
        assertThat(GatewayUnderTest.json(again).path("alreadyReceived").asInt()).isEqualTo(2);
        assertThat(kept()).contains("\"K-4\"").contains("\"K-5\"");
    }

    private void refusedAndNothingKept(String body) {
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(GatewayUnderTest.json(response).path("code").asText()).isEqualTo("SCHEMA_INVALID");
        assertThat(kept()).doesNotContain("\"K-1\"").doesNotContain("\"K-2\"").doesNotContain("\"K-3\"");
    }

    /** POSTs as the gateway's forwarder does, with the simulator's token for this process. */
    private HttpResponse<String> post(String body) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder()
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        gateway.runtime()
                .camel()
                .getRegistry()
                .lookupByNameAndType("nationalSimulator", NationalSystemSimulator.class)
                .forwarderHeaders()
                .forEach(request::header);
        return gateway.send(request, "/national-sim/shipments/batch");
    }

    /** What the simulator holds; a failed read fails here, so "nothing kept" can never pass on an error answer. */
    private String kept() {
        HttpResponse<String> records = gateway.get("/national-sim/records");
        assertThat(records.statusCode()).as(records.body()).isEqualTo(200);
        assertThat(GatewayUnderTest.json(records).has("records")).isTrue();
        return records.body();
    }
}
