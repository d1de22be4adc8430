package org.cbec.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /health}: 503 naming what is down while a route that should run does not, 200 again once it runs. */
class GatewayHealthTest {
    @TempDir
    Path root;

    @Test
    void a_stopped_forward_route_makes_health_503_naming_it_until_it_runs_again() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).start()) {
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);

            gateway.runtime().camel().getRouteController().stopRoute("forward-ecom-shipment");
            HttpResponse<String> down = gateway.get("/health");

            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            JsonNode body = GatewayUnderTest.json(down);
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            assertThat(body.path("down").path("route forward-ecom-shipment").asText())
                    .isEqualTo("Stopped");
            assertThat(body.path("down").size())
                    .as("only what is down is named")
                    .isEqualTo(1);

            gateway.runtime().camel().getRouteController().startRoute("forward-ecom-shipment");
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        }
    }
}
