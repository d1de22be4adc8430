package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing accepted is lost across a stop: the gateway is stopped while the national system is down, and
 * started again on the same data directory; the records then flow and every message is still known.
 */
class RestartTest {
    @TempDir
    Path root;

    @Test
    void records_accepted_while_the_national_system_is_down_are_delivered_after_a_restart() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            // Retries last longer than the test's stop, so the records are still queued when it comes.
            gateway.with("gateway.forward.initial-delay", "PT1S")
                    .with("gateway.forward.max-delay", "PT2S")
                    .start();
            gateway.national().setDown(true);
            Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
            Fixtures.Document refusedCsv = Fixtures.load("invalid/aeo-status-bad-status-and-date.csv");

            HttpResponse<String> accepted = gateway.postCms(TestPki.signCms(csv.bytes(), gateway.cnSigner));
            HttpResponse<String> refused = gateway.postCms(TestPki.signCms(refusedCsv.bytes(), gateway.cnSigner));
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(refused.statusCode()).isEqualTo(422);
            String acceptedId =
                    GatewayUnderTest.json(accepted).path("messageId").asText();
            String refusedId = GatewayUnderTest.json(refused).path("messageId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.national().attempts().size() >= 3);

            gateway.stop();
            assertThat(gateway.national().received()).isEmpty();
            gateway.national().setDown(false);
            gateway.start();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> gateway.national()
                                    .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                    .size()
                            == 3);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.getJson("/api/v1/messages/" + acceptedId)
                            .path("status")
                            .asText()
                            .equals("FORWARDED"));
            JsonNode refusedAfterRestart = gateway.getJson("/api/v1/messages/" + refusedId);
            assertThat(refusedAfterRestart.path("refusal").path("code").asText())
                    .isEqualTo("SCHEMA_INVALID");
            // The same document, signed again, after the restart is still recognised as the first message (issue 18
            // §2).
            HttpResponse<String> again = gateway.postCms(TestPki.signCms(csv.bytes(), gateway.cnSigner));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(GatewayUnderTest.json(again).path("status").asText()).isEqualTo("DUPLICATE");
            assertThat(GatewayUnderTest.json(again).path("messageId").asText()).isEqualTo(acceptedId);
            assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:CN" + csv.number()))
                    .hasSize(3);
        }
    }

    @Test
    void a_record_the_ledger_still_owes_but_no_queue_holds_is_queued_again_after_a_restart() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with("gateway.forward.max-attempts", "1").start();
            gateway.national().setDown(true);
            Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
            String messageId = GatewayUnderTest.json(
                            gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner)))
                    .path("messageId")
                    .asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "DEAD_LETTERED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            gateway.stop();
            // What a crash between the ledger's commit and the queue's can leave: the ledger owes a record no queue
            // holds.
            String url = "jdbc:h2:file:" + root.resolve("data/db/gateway").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url, "gateway", "");
                    java.sql.Statement statement = connection.createStatement()) {
                statement.executeUpdate(
                        "UPDATE outbound_record SET status = 'PENDING' WHERE message_id = '" + messageId + "'");
                statement.executeUpdate(
                        "UPDATE message_progress SET records_pending = 1 WHERE message_id = '" + messageId + "'");
            }
            gateway.national().setDown(false);

            gateway.start();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.national()
                                    .receivedWithKeyPrefix("CN-GACC:784-" + shipment.number())
                                    .size()
                            == 1);
        }
    }
}
