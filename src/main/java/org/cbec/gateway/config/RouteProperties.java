package org.cbec.gateway.config;

import java.util.Properties;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/** The settings as Camel's placeholders see them ({@code {{key}}} in routes/), with the values the routes derive. */
final class RouteProperties {
    private RouteProperties() {}

    /** Settings for Camel's placeholders, with the values derived from them that the routes need. */
    static Properties of(GatewaySettings settings) {
        Properties properties = settings.asProperties();
        String simulator = "http://localhost:" + settings.getInt("gateway.http.port") + "/national-sim/";
        properties.setProperty("gateway.national.simulator.enabled", String.valueOf(simulatorOn(settings)));
        if (settings.get("gateway.national.aeo.url", "").isEmpty()) {
            properties.setProperty("gateway.national.aeo.url", simulator + "aeo");
        }
        if (settings.get("gateway.national.shipment.url", "").isEmpty()) {
            properties.setProperty("gateway.national.shipment.url", simulator + "shipments");
        }
        int attempts = settings.getInt("gateway.forward.max-attempts");
        if (attempts < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "setting gateway.forward.max-attempts must be at least 1");
        }
        properties.setProperty("gateway.forward.max-redeliveries", String.valueOf(attempts - 1));
        inMillis(settings, properties, "gateway.forward.initial-delay");
        inMillis(settings, properties, "gateway.evidence.chain-interval");
        inMillis(settings, properties, "gateway.evidence.seal-interval");
        // A configuration written before the retention interval existed runs it hourly, as it did.
        properties.setProperty(
                "gateway.evidence.retention-interval-ms",
                String.valueOf(
                        settings.get("gateway.evidence.retention-interval", "").isBlank()
                                ? java.time.Duration.ofHours(1).toMillis()
                                : settings.getDuration("gateway.evidence.retention-interval")
                                        .toMillis()));
        inMillis(settings, properties, "gateway.alerts.interval");
        inMillis(settings, properties, "gateway.console.chart-step");
        inMillis(settings, properties, "gateway.forward.max-delay");
        String timeout =
                String.valueOf(settings.getDuration("gateway.forward.timeout").toMillis());
        properties.setProperty("camel.component.http.connect-timeout", timeout);
        properties.setProperty("camel.component.http.response-timeout", timeout);
        // Retries are the forward error handler's alone, with its backoff and its count; HttpClient must not add its
        // own.
        properties.setProperty("camel.component.http.automatic-retries-disabled", "true");
        return properties;
    }

    /**
     * Whether the built-in national simulator runs: {@code auto} only while no national URL is set (the embedded demo),
     * so that it never runs beside a real national system unless {@code true} asks for it.
     */
    static boolean simulatorOn(GatewaySettings settings) {
        String enabled = settings.get("gateway.national.simulator.enabled", "auto")
                .trim()
                .toLowerCase(java.util.Locale.ROOT);
        boolean realUrl = !settings.get("gateway.national.aeo.url", "").isBlank()
                || !settings.get("gateway.national.shipment.url", "").isBlank();
        return switch (enabled) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> !realUrl;
            default ->
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "setting gateway.national.simulator.enabled must be auto, true or false, not '" + enabled
                                + "'");
        };
    }

    /** {@code key-ms}: the duration setting {@code key} in milliseconds, as timers and redelivery policies take it. */
    private static void inMillis(GatewaySettings settings, Properties properties, String key) {
        properties.setProperty(
                key + "-ms", String.valueOf(settings.getDuration(key).toMillis()));
    }
}
