package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import org.apache.camel.support.CamelContextHelper;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway.http.worker-threads}: how many HTTP requests the gateway runs at once; and the intake
 * settings checked before anything starts.
 */
class HttpIntakeSettingsTest {
    @TempDir
    Path root;

    @Test
    void the_http_server_runs_requests_on_the_configured_number_of_workers() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with("gateway.http.worker-threads", "7").start();

            VertxOptions options =
                    CamelContextHelper.findSingleByType(gateway.runtime().camel(), VertxOptions.class);
            assertThat(options)
                    .as("the options the platform-http server builds its Vert.x from")
                    .isNotNull();
            assertThat(options.getWorkerPoolSize()).isEqualTo(7);
            assertThat(CamelContextHelper.findSingleByType(gateway.runtime().camel(), Vertx.class))
                    .as("no Vert.x of its own in the registry, which the server would use instead of the options")
                    .isNull();
            assertThat(gateway.postCms(TestPki.signCms(
                                    Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner))
                            .statusCode())
                    .isEqualTo(202);
        }
    }

    @Test
    void no_workers_is_a_configuration_error_naming_the_key() {
        assertStartRefused("gateway.http.worker-threads", "0");
    }

    @Test
    void a_max_wait_of_zero_is_a_configuration_error_before_anything_starts() {
        assertStartRefused("gateway.inbound.max-wait", "PT0S");
    }

    @Test
    void a_port_another_program_listens_on_refuses_the_start() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            assertStartRefused("gateway.http.port", String.valueOf(taken.getLocalPort()));
        }
    }

    private void assertStartRefused(String key, String value) {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with(key, value);

            assertThatThrownBy(gateway::start)
                    .isInstanceOfSatisfying(
                            GatewayException.class,
                            e -> assertThat(e.error()).isEqualTo(GatewayError.CONFIGURATION_INVALID))
                    .hasMessageContaining(key);
        }
    }
}
