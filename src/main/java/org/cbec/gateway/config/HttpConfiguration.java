package org.cbec.gateway.config;

import io.vertx.core.VertxOptions;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.http.BodyCeiling;
import org.cbec.gateway.http.GatewayHttpServer;
import org.cbec.gateway.http.GatewayRestComponent;
import org.cbec.gateway.http.HttpAnswerWriter;
import org.cbec.gateway.http.HttpLimits;
import org.cbec.gateway.http.TransportSecurity;
import org.cbec.gateway.http.api.PublishedSchemas;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one HTTP server (its limits, strict framing and TLS on every connection) in place of Camel Main's,
 * the REST DSL's component on it, and the writer of every HTTP answer. Its limits and keystore are checked when the
 * configuration is made, before anything opens.
 */
@Configuration
public final class HttpConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConfiguration.class);

    private final int workers;
    private final GatewayHttpServer server;

    public HttpConfiguration(GatewaySettings settings, Supplier<PartnerRegistry> partners) {
        int port = settings.getInt("gateway.http.port");
        long maxBytes = settings.getLong("gateway.inbound.max-bytes");
        this.workers = settings.getInt("gateway.http.worker-threads");
        if (workers < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.http.worker-threads must be at least 1, not " + workers);
        }
        HttpLimits limits = new HttpLimits(
                settings.getDuration("gateway.http.idle-timeout"),
                settings.getDuration("gateway.http.header-timeout"),
                settings.getDuration("gateway.http.body-timeout"),
                settings.getInt("gateway.http.max-header-bytes"),
                settings.getInt("gateway.http.max-request-line-bytes"),
                settings.getInt("gateway.http.max-connections"));
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindPort(port);
        // Vert.x refuses bodies past this hard ceiling itself; up to it the gateway answers PAYLOAD_TOO_LARGE with
        // evidence.
        configuration.setMaxBodySize(BodyCeiling.forLimit(maxBytes));
        Optional<TransportSecurity> tls = TransportSecurity.of(
                settings.get("gateway.tls.keystore", ""),
                settings.get("gateway.tls.keystore-password", ""),
                settings.get("gateway.tls.client-auth", "none"),
                partners);
        if (tls.isEmpty()) {
            LOG.warn(
                    "Port {} serves PLAIN HTTP: set gateway.tls.keystore (and GATEWAY_TLS_KEYSTORE_PASSWORD) to serve HTTPS only",
                    port);
        } else {
            LOG.info(
                    "Port {} serves HTTPS only (TLS 1.2 and 1.3), client certificates: {}",
                    port,
                    tls.get().clientAuth());
        }
        this.server = new GatewayHttpServer(configuration, limits, tls);
    }

    /**
     * The HTTP server's workers run each request through the intake; a request spends most of its time waiting (for
     * its group commit, for the broker's journal), so many more workers than cores keep the cores busy and the group
     * commits large. Vert.x's default, 20, held the intake to ~300 mixed messages/s on 2 cores.
     */
    @BindToRegistry("vertxOptions")
    public VertxOptions vertxOptions() {
        return new VertxOptions().setWorkerPoolSize(workers);
    }

    @BindToRegistry("httpAnswer")
    public HttpAnswerWriter httpAnswer() {
        return new HttpAnswerWriter();
    }

    /** The REST DSL's component (routes/rest-api.camel.yaml): platform-http on the same server, media types as documentation. */
    @BindToRegistry("gateway-rest")
    public GatewayRestComponent gatewayRest() {
        return new GatewayRestComponent();
    }

    @BindToRegistry("publishedSchemas")
    public PublishedSchemas publishedSchemas() {
        return new PublishedSchemas();
    }

    /** The server, which the runtime adds to Camel once the routes are configured. */
    public GatewayHttpServer server() {
        return server;
    }

    @Override
    public void configure(CamelContext camelContext) {
        GatewayMetrics metrics = camelContext.getRegistry().findSingleByType(GatewayMetrics.class);
        metrics.watchConnections(server::openConnections, server::refusedConnections);
    }
}
