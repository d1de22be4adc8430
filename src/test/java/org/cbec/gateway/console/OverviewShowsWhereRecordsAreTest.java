package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: while a list was being enqueued, the overview showed the whole list as backlog and /metrics showed no
 * sign of it; an operator must see at every moment where accepted work is (accepted but not projected, queued for
 * the national system, delivered, dead-lettered), so that a stall shows as the stage where it stops. Each stage is
 * held in turn here (the projection stopped, then the national system down) and both the overview and /metrics
 * must show the record where it waits.
 */
class OverviewShowsWhereRecordsAreTest {
    private static final String PROJECTION = "records-dispatch";

    @TempDir
    Path root;

    @Test
    void a_stalled_projection_then_a_national_outage_show_in_the_overview_and_the_metrics_at_the_stage_they_hold()
            throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).start()) {
            JsonNode before = records(gateway);
            assertThat(before.path("acceptedNotProjected").asLong()).isZero();
            assertThat(before.path("queued").asLong()).isZero();
            assertThat(before.path("deliveredSinceStart").asLong()).isZero();

            // Stage 1: accepted (202) but not projected.
            gateway.runtime().camel().getRouteController().stopRoute(PROJECTION);
            byte[] shipment =
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner);
            assertThat(gateway.postCms(shipment).statusCode()).isEqualTo(202);
            JsonNode stalled = records(gateway);
            assertThat(stalled.path("acceptedNotProjected").asLong()).isEqualTo(1);
            assertThat(stalled.path("queued").asLong()).isZero();
            assertThat(stalled.path("deliveredSinceStart").asLong()).isZero();
            assertThat(metric(gateway, "gateway_accept_log_unprojected")).isEqualTo(1.0);

            // Stage 2: projected and queued, the national system down.
            gateway.national().setDown(true);
            gateway.runtime().camel().getRouteController().startRoute(PROJECTION);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode queued = records(gateway);
                assertThat(queued.path("acceptedNotProjected").asLong()).isZero();
                assertThat(queued.path("queued").asLong()).isEqualTo(1);
                assertThat(queued.path("deliveredSinceStart").asLong()).isZero();
            });
            assertThat(metric(gateway, "gateway_accept_log_unprojected")).isZero();

            // Stage 3: delivered once the national system is back.
            gateway.national().setDown(false);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode delivered = records(gateway);
                assertThat(delivered.path("queued").asLong()).isZero();
                assertThat(delivered.path("deliveredSinceStart").asLong()).isEqualTo(1);
                assertThat(delivered.path("deadLettered").asLong()).isZero();
            });
            assertThat(gateway.national().received()).hasSize(1);
        }
    }

    private static JsonNode records(GatewayUnderTest gateway) {
        JsonNode overview = GatewayUnderTest.json(
                gateway.getAs("/api/v1/overview", GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD));
        JsonNode records = overview.path("records");
        assertThat(records.isObject()).as(overview.toString()).isTrue();
        return records;
    }

    private static double metric(GatewayUnderTest gateway, String name) {
        for (String line : gateway.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " is not in /metrics");
    }
}
