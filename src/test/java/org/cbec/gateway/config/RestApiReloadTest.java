package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST DSL's file changed while the gateway runs: the change applies (an operation taken out is no longer served),
 * the other operations and their login checks go on, and the OpenAPI document is still served (Camel generates it at
 * start, so it shows the API as it was then until a restart).
 */
class RestApiReloadTest {
    @TempDir
    Path root;

    @Test
    void a_changed_rest_api_file_is_applied_and_the_api_and_its_document_keep_answering() throws IOException {
        Path routes = Files.createDirectories(root.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)
                .with("gateway.routes.dir", routes.toString())
                .with("gateway.reload.interval", "PT1H")
                .start()) {
            Path rest = routes.resolve("rest-api.camel.yaml");
            String text = Files.readString(rest);
            int metrics = text.indexOf("      - path: /metrics");
            int end = text.indexOf("to: direct:metrics", metrics);
            assertThat(metrics).isPositive();
            assertThat(gateway.getAs("/metrics", null, null).statusCode()).isEqualTo(200);
            Files.writeString(rest, text.substring(0, metrics) + text.substring(end + "to: direct:metrics".length()));
            gateway.runtime().reloadConfiguration();

            HttpResponse<String> metricsAfter = gateway.getAs("/metrics", null, null);
            HttpResponse<String> health = gateway.getAs("/health", null, null);
            HttpResponse<String> openApi = gateway.getAs("/api/v1/openapi.json", null, null);
            HttpResponse<String> messages = gateway.get("/api/v1/messages");
            HttpResponse<String> unauthenticated = gateway.getAs("/api/v1/messages", null, null);
            String changes = gateway.getJson("/api/v1/overview")
                    .path("configurationChanges")
                    .toString();

            assertThat(changes).as(changes).doesNotContain("REFUSED");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(messages.statusCode()).as(messages.body()).isEqualTo(200);
            assertThat(unauthenticated.statusCode()).isEqualTo(401);
            assertThat(metricsAfter.statusCode())
                    .as("the operation taken out is no longer served")
                    .isEqualTo(404);
            assertThat(openApi.statusCode())
                    .as("the OpenAPI route outlives the reload")
                    .isEqualTo(200);
            assertThat(openApi.body()).contains("\"/api/v1/inbound\"");
        }
    }
}
