package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings come from config/application.properties, each overridable by its environment variable. */
class GatewaySettingsTest {
    private static final Path SHIPPED = Path.of("config");

    @Test
    void the_shipped_defaults_are_those_of_the_contract() {
        GatewaySettings settings = GatewaySettings.load(SHIPPED, Map.of(), Map.of());

        assertThat(settings.getInt("gateway.http.port")).isEqualTo(8080);
        assertThat(settings.require("gateway.data.dir")).isEqualTo("data");
        assertThat(settings.require("gateway.partners.dir")).isEqualTo("config/partners");
        assertThat(settings.getLong("gateway.inbound.max-bytes")).isEqualTo(10_485_760L);
        assertThat(settings.getDuration("gateway.inbound.max-clock-skew")).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.getDuration("gateway.inbound.max-age")).isEqualTo(Duration.ofDays(7));
        assertThat(settings.require("gateway.broker.url")).isEmpty();
        assertThat(settings.require("gateway.db.url")).isEmpty();
    }

    @Test
    void an_environment_variable_overrides_its_key_with_dots_and_dashes_as_underscores() {
        GatewaySettings settings = GatewaySettings.load(SHIPPED,
                Map.of("GATEWAY_HTTP_PORT", "9090", "GATEWAY_INBOUND_MAX_BYTES", "1024"), Map.of());

        assertThat(settings.getInt("gateway.http.port")).isEqualTo(9090);
        assertThat(settings.getLong("gateway.inbound.max-bytes")).isEqualTo(1024L);
    }

    @Test
    void a_bad_value_names_the_key_and_its_environment_variable() {
        GatewaySettings settings = GatewaySettings.load(SHIPPED, Map.of("GATEWAY_INBOUND_MAX_AGE", "a week"), Map.of());

        assertThatThrownBy(() -> settings.getDuration("gateway.inbound.max-age"))
                .hasMessageContaining("gateway.inbound.max-age").hasMessageContaining("GATEWAY_INBOUND_MAX_AGE");
    }

    @Test
    void a_missing_configuration_directory_is_a_clear_error() {
        assertThatThrownBy(() -> GatewaySettings.load(Path.of("no-such-dir"), Map.of(), Map.of()))
                .hasMessageContaining("application.properties").hasMessageContaining("GATEWAY_CONFIG_DIR");
    }
}
