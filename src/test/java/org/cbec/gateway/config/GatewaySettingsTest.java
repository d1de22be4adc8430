package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void no_tsa_is_trusted_by_default_and_an_unreadable_tsa_anchor_stops_the_start_naming_the_setting() {
        GatewaySettings shipped = GatewaySettings.load(SHIPPED, Map.of(), Map.of());
        assertThat(shipped.require("gateway.inbound.tsa-anchors")).isEmpty();
        assertThat(GatewayRuntime.signingTimePolicy(shipped, java.time.Clock.systemUTC()))
                .isNotNull();

        GatewaySettings missing =
                GatewaySettings.load(SHIPPED, Map.of("GATEWAY_INBOUND_TSA_ANCHORS", "no/such/tsa-root.pem"), Map.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> GatewayRuntime.signingTimePolicy(missing, java.time.Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        org.cbec.gateway.error.GatewayException.class,
                        e -> assertThat(e.error()).isEqualTo(org.cbec.gateway.error.GatewayError.CONFIGURATION_INVALID))
                .hasMessageContaining("gateway.inbound.tsa-anchors")
                .hasMessageContaining("no/such/tsa-root.pem");
    }

    @Test
    void an_environment_variable_overrides_its_key_with_dots_and_dashes_as_underscores() {
        GatewaySettings settings = GatewaySettings.load(
                SHIPPED, Map.of("GATEWAY_HTTP_PORT", "9090", "GATEWAY_INBOUND_MAX_BYTES", "1024"), Map.of());

        assertThat(settings.getInt("gateway.http.port")).isEqualTo(9090);
        assertThat(settings.getLong("gateway.inbound.max-bytes")).isEqualTo(1024L);
    }

    @Test
    void a_secret_left_out_of_the_file_is_still_taken_from_the_environment(@TempDir Path config) throws Exception {
        // The README says secrets belong in the environment, never in the file: a folder that leaves the keys out.
        Files.write(
                config.resolve(GatewaySettings.FILE_NAME),
                Files.readAllLines(SHIPPED.resolve(GatewaySettings.FILE_NAME)).stream()
                        .filter(line -> !line.startsWith("gateway.db.")
                                && !line.startsWith("gateway.broker.url")
                                && !line.startsWith("gateway.broker.user")
                                && !line.startsWith("gateway.broker.password"))
                        .toList());

        GatewaySettings settings = GatewaySettings.load(
                config,
                Map.of(
                        "GATEWAY_DB_URL",
                        "jdbc:postgresql://db/cbec",
                        "GATEWAY_DB_PASSWORD",
                        "from-the-environment",
                        "GATEWAY_BROKER_PASSWORD",
                        "broker-secret"),
                Map.of());

        assertThat(settings.get("gateway.db.url", "")).isEqualTo("jdbc:postgresql://db/cbec");
        assertThat(settings.get("gateway.db.password", "")).isEqualTo("from-the-environment");
        assertThat(settings.get("gateway.broker.password", "")).isEqualTo("broker-secret");
        assertThat(settings.get("gateway.db.user", "")).isEmpty();
        assertThat(settings.require("gateway.broker.url")).isEmpty();
    }

    @Test
    void a_required_key_left_out_of_the_file_names_itself(@TempDir Path config) throws Exception {
        Files.write(
                config.resolve(GatewaySettings.FILE_NAME),
                Files.readAllLines(SHIPPED.resolve(GatewaySettings.FILE_NAME)).stream()
                        .filter(line -> !line.startsWith("gateway.inbound.max-age"))
                        .toList());

        GatewaySettings settings = GatewaySettings.load(config, Map.of(), Map.of());

        assertThatThrownBy(() -> settings.getDuration("gateway.inbound.max-age"))
                .hasMessageContaining("gateway.inbound.max-age")
                .hasMessageContaining("is not set");
    }

    @Test
    void a_bad_value_names_the_key_and_its_environment_variable() {
        GatewaySettings settings = GatewaySettings.load(SHIPPED, Map.of("GATEWAY_INBOUND_MAX_AGE", "a week"), Map.of());

        assertThatThrownBy(() -> settings.getDuration("gateway.inbound.max-age"))
                .hasMessageContaining("gateway.inbound.max-age")
                .hasMessageContaining("GATEWAY_INBOUND_MAX_AGE");
    }

    @Test
    void a_missing_configuration_directory_is_a_clear_error() {
        assertThatThrownBy(() -> GatewaySettings.load(Path.of("no-such-dir"), Map.of(), Map.of()))
                .hasMessageContaining("application.properties")
                .hasMessageContaining("GATEWAY_CONFIG_DIR");
    }
}
