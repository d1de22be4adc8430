package org.cbec.gateway.http;

import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The one HTTP server of the gateway (inbound, SOAP, console, API, health): Camel's platform-http server on Vert.x,
 * started with the gateway's {@link HttpLimits} and with {@link StrictHttpRequestDecoder} on every connection.
 * Camel builds its server from fixed default options and offers no hook on the connection, so this server starts
 * the listener itself on the router Camel made; everything else (routes, body handler, router lookup) is Camel's.
 */
public final class GatewayHttpServer extends VertxPlatformHttpServer {
    private final HttpLimits limits;
    private final java.util.Optional<TransportSecurity> tls;
    private HttpServer server;
    private final java.util.concurrent.atomic.AtomicInteger openConnections =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder refusedConnections =
            new java.util.concurrent.atomic.LongAdder();

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
        Router router = router();
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
            StrictHttpRequestDecoder.install(connection, limits);
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

    /** The top router Camel's server made in its initialisation (the routes' router is mounted on it). */
    private Router router() {
        try {
            Field field = VertxPlatformHttpServer.class.getDeclaredField("router");
            field.setAccessible(true);
            return (Router) field.get(this);
        } catch (ReflectiveOperationException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "this Camel version's HTTP server has no router to serve", e);
        }
    }
}
