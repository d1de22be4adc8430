package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped content-based routing example, switched on: HS 8518 bound for DE also goes to a second endpoint. */
class ShipmentRoutingExampleTest {
    @TempDir
    Path root;

    @Test
    void electronics_for_germany_also_reach_the_routed_endpoint_and_other_shipments_do_not() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with("gateway.routing.example.enabled", "true")
                    .with("gateway.routing.example.url", gateway.national().url("/market-surveillance"))
                    .start();
            Fixtures.Document headphones = Fixtures.load("valid/ecom-shipment.json");
            Fixtures.Document tshirt = Fixtures.load("valid/ecom-shipment.json");
            byte[] tshirtDocument = tshirt.text()
                    .replace("\"hsCode\":\"851830\"", "\"hsCode\":\"610910\"")
                    .getBytes(StandardCharsets.UTF_8);

            gateway.postCms(TestPki.signCms(headphones.bytes(), gateway.cnSigner));
            gateway.postCms(TestPki.signCms(tshirtDocument, gateway.cnSigner));

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.national().received().stream()
                                            .filter(r -> r.path().equals("/market-surveillance"))
                                            .count()
                                    == 1
                            && gateway.national()
                                            .receivedWithKeyPrefix("CN-GACC:784-" + tshirt.number())
                                            .size()
                                    == 1);
            assertThat(gateway.national().received())
                    .filteredOn(r -> r.path().equals("/market-surveillance"))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.idempotencyKey()).startsWith("CN-GACC:784-" + headphones.number() + ":");
                        assertThat(r.record()
                                        .path("items")
                                        .get(0)
                                        .path("hsCode")
                                        .asText())
                                .isEqualTo("851830");
                    });
        }
    }

    /**
     * The example's default URL is the built-in simulator, which takes POSTs from this gateway's forwarder only (its
     * token): switched on as shipped, the example's POSTs were refused 403 and retried for ever.
     */
    @Test
    void switched_on_as_shipped_the_example_reaches_the_built_in_simulator() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with("gateway.routing.example.enabled", "true")
                    .with("gateway.national.simulator.enabled", "true")
                    .start();
            Fixtures.Document headphones = Fixtures.load("valid/ecom-shipment.json");
            assertThat(gateway.postCms(TestPki.signCms(headphones.bytes(), gateway.cnSigner))
                            .statusCode())
                    .isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var records = gateway.get("/national-sim/records");
                assertThat(records.statusCode()).isEqualTo(200);
                assertThat(records.body()).contains("784-" + headphones.number());
            });
        }
    }
}
