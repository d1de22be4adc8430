package org.cbec.gateway.config;

import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.cbec.gateway.monitor.GatewayMetrics;

/**
 * The gateway's meters (GET /metrics), made first because every other part counts into them; Camel's per-route
 * metrics share their Prometheus registry. What the meters watch (backlog, dead letters, certificates, connections,
 * outbound) is wired by the parts that own it.
 */
@Configuration
public final class MetricsConfiguration implements CamelConfiguration {
    private final Clock clock;
    private GatewayMetrics metrics;

    public MetricsConfiguration(Clock clock) {
        this.clock = clock;
    }

    @BindToRegistry("gatewayMetrics")
    public GatewayMetrics gatewayMetrics(Database database) {
        metrics = new GatewayMetrics(clock);
        database.writer().observe(metrics.databaseWriter());
        return metrics;
    }

    /**
     * Camel's route metrics as a route policy. Added here, not found in the registry: Camel Main looks for route
     * policies there before it reads the configuration classes.
     */
    @Override
    public void configure(CamelContext camelContext) {
        camelContext.addRoutePolicyFactory(metrics.routePolicyFactory());
    }
}
