package org.cbec.gateway.http;

import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The one HTTP server of the gateway (inbound, SOAP, console, API, health): Camel's platform-http server on Vert.x,
 * started with the gateway's {@link HttpLimits} and with {@link StrictHttpRequestDecoder} on every connection.
 * Camel builds its server from fixed default options and offers no hook on the connection, so this server starts
 * the listener itself. The routes' router is found the supported way, {@link VertxPlatformHttpRouter#lookup} under
 * its registry name for the port (as Camel's own consumers find it), and mounted on a top router of this server's,
 * as Camel mounts it on its own; everything else (routes, body handler) is Camel's.
 *
 * <p>One private field is still set by reflection: Camel's {@code executor}, which Camel's {@code startServer} (not
 * called here) makes and its {@code stopVertx} needs. Camel 4.17 offers no setter or protected hook for it, and
 * overriding {@code stopVertx} instead would leave Camel's {@code vertx} field on a closed instance. A Camel upgrade
 * that renames it fails the start with CONFIGURATION_INVALID, which every test that starts the gateway would show.
 */
public final class GatewayHttpServer extends VertxPlatformHttpServer {
    private final HttpLimits limits;
    private final java.util.Optional<TransportSecurity> tls;
    private HttpServer server;
    private volatile HttpRefusals refusals = HttpRefusals.NONE;
    private final java.util.concurrent.atomic.AtomicInteger openConnections =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder refusedConnections =
            new java.util.concurrent.atomic.LongAdder();

    /** Where the requests this server refuses itself (framing, timeouts, sizes) are recorded; set before the start. */
    public void recordRefusalsIn(HttpRefusals refusals) {
        this.refusals = refusals;
    }

    /** Connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Connections closed at once since the start because {@code gateway.http.max-connections} were open. */
    public long refusedConnections() {
        return refusedConnections.sum();
    }

    public GatewayHttpServer(VertxPlatformHttpServerConfiguration configuration, HttpLimits limits) {
        this(configuration, limits, java.util.Optional.empty());
    }

    /** With TLS when {@code tls} is present: the port then serves HTTPS only. */
    public GatewayHttpServer(
            VertxPlatformHttpServerConfiguration configuration,
            HttpLimits limits,
            java.util.Optional<TransportSecurity> tls) {
        super(configuration);
        this.limits = limits;
        this.tls = tls;
    }

    @Override
    protected void startServer() throws Exception {
        Router router = Router.router(getVertx());
        router.route().order(Integer.MIN_VALUE).handler(new FormBodiesAsBytes());
        // Only the server names a connection's partner: a client's own header of that name is dropped, with TLS or
        // without.
        router.route().order(Integer.MIN_VALUE + 1).handler(context -> {
            if (tls.isPresent()) {
                tls.get().bindPartner(context);
            } else {
                context.request().headers().remove(TransportSecurity.PARTNER_HEADER);
                context.next();
            }
        });
        router.route(getPath() + "*").subRouter(routesRouter());
        HttpServer created = getVertx()
                .createHttpServer(tls.map(t -> t.apply(limits.serverOptions())).orElseGet(limits::serverOptions));
        created.connectionHandler(connection -> {
            // Every connection costs a file descriptor, and so does every journal, page and database file: past the cap
            // a
            // new connection is closed at once, before it can take the descriptors that keep accepted messages safe.
            if (openConnections.incrementAndGet() > limits.maxConnections()) {
                openConnections.decrementAndGet();
                refusedConnections.increment();
                connection.close();
                return;
            }
            connection.closeHandler(closed -> openConnections.decrementAndGet());
            StrictHttpRequestDecoder.install(connection, limits, refusals);
        });
        created.requestHandler(router);
        created.listen(getConfigurationPort(), getHost())
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        server = created;
        stopExecutor();
    }

    /**
     * Camel's own startServer makes the executor its stopVertx closes Vert.x on; without it the stop failed with a
     * NullPointerException (seen at the end of every benchmark run).
     */
    private void stopExecutor() {
        try {
            Field field = VertxPlatformHttpServer.class.getDeclaredField("executor");
            field.setAccessible(true);
            if (field.get(this) == null) {
                field.set(this, java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "platform-http-stop");
                    thread.setDaemon(true);
                    return thread;
                }));
            }
        } catch (ReflectiveOperationException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "this Camel version's HTTP server has no stop executor", e);
        }
    }

    @Override
    protected void stopServer() {
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new GatewayException(GatewayError.INTERNAL_ERROR, "the HTTP server did not stop", e);
            } finally {
                server = null;
            }
        }
    }

    @Override
    public HttpServer getServer() {
        return server;
    }

    @Override
    public int getPort() {
        return server == null ? getConfigurationPort() : server.actualPort();
    }

    /** The router Camel's platform-http consumers add the routes to, bound in Camel's registry for this port. */
    private VertxPlatformHttpRouter routesRouter() {
        VertxPlatformHttpRouter routes = VertxPlatformHttpRouter.lookup(
                getCamelContext(), VertxPlatformHttpRouter.getRouterNameFromPort(getConfigurationPort()));
        if (routes == null) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "Camel's platform-http router for port " + getConfigurationPort() + " is not in the registry");
        }
        return routes;
    }
}
