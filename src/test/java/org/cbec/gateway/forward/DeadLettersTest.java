package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operators list dead-lettered records, replay one once the national system is back, or discard one; each action is archived. */
class DeadLettersTest {
    @TempDir
    Path root;

    @Test
    void dead_letters_are_listed_replayed_and_discarded_with_each_action_in_the_history() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with("gateway.forward.max-attempts", "2").start();
            gateway.national().setDown(true);
            Fixtures.Document first = Fixtures.load("valid/ecom-shipment.json");
            Fixtures.Document second = Fixtures.load("valid/ecom-shipment.json");
            String firstId = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(first.bytes(), gateway.cnSigner)))
                    .path("messageId")
                    .asText();
            String secondId = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(second.bytes(), gateway.cnSigner)))
                    .path("messageId")
                    .asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.getJson("/api/v1/dead-letters")
                                    .path("count")
                                    .asInt()
                            == 2);
            gateway.national().setDown(false);

            JsonNode letters = gateway.getJson("/api/v1/dead-letters?partner=CN-GACC");
            HttpResponse<String> replayed =
                    gateway.post("/api/v1/dead-letters/" + firstId + "-0/replay", new byte[0], null);
            HttpResponse<String> discarded = delete(gateway, "/api/v1/dead-letters/" + secondId + "-0");

            assertThat(letters.path("deadLetters").findValuesAsText("messageId"))
                    .contains(firstId, secondId);
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(202);
            assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + firstId)
                                    .path("status")
                                    .asText()));
            assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:784-" + first.number()))
                    .hasSize(1);
            assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:784-" + second.number()))
                    .isEmpty();
            assertThat(gateway.getJson("/api/v1/messages/" + firstId)
                            .path("history")
                            .findValuesAsText("status"))
                    .contains("DEAD_LETTER_REPLAYED");
            assertThat(gateway.getJson("/api/v1/messages/" + secondId)
                            .path("history")
                            .findValuesAsText("status"))
                    .contains("DEAD_LETTER_DISCARDED");
            assertThat(gateway.getJson("/api/v1/dead-letters").path("count").asInt())
                    .isZero();
            assertThat(gateway.post("/api/v1/dead-letters/" + secondId + "-0/replay", new byte[0], null)
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    private static HttpResponse<String> delete(GatewayUnderTest gateway, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.runtime().httpPort() + path))
                .header(
                        "Authorization",
                        GatewayUnderTest.basic(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD))
                .DELETE()
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
