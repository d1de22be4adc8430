package org.cbec.gateway.http;

import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The HTTP server's limits on a connection, from the {@code gateway.http.*} settings: how long it may idle, how
 * long a request's header section and body may take to arrive, how large the request line and headers may be, and
 * how many connections may be open at once.
 */
public record HttpLimits(
        Duration idleTimeout,
        Duration headerTimeout,
        Duration bodyTimeout,
        int maxHeaderBytes,
        int maxRequestLineBytes,
        int maxConnections) {

    public HttpLimits {
        requirePositive("gateway.http.idle-timeout", idleTimeout);
        requirePositive("gateway.http.header-timeout", headerTimeout);
        requirePositive("gateway.http.body-timeout", bodyTimeout);
        requireAtLeast("gateway.http.max-header-bytes", maxHeaderBytes, 1024);
        requireAtLeast("gateway.http.max-request-line-bytes", maxRequestLineBytes, 256);
        requireAtLeast("gateway.http.max-connections", maxConnections, 1);
    }

    /** Vert.x's options for the gateway's one server: HTTP/1.1 only, so every request goes through the strict decoder. */
    public HttpServerOptions serverOptions() {
        return new HttpServerOptions()
                .setIdleTimeout((int) Math.max(1, idleTimeout.toSeconds()))
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxInitialLineLength(maxRequestLineBytes)
                // An h2c upgrade would take later requests past the HTTP/1.1 decoder that checks their framing.
                .setHttp2ClearTextEnabled(false);
    }

    private static void requireAtLeast(String key, int value, int least) {
        if (value < least) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, key + " must be at least " + least + ", not " + value);
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, key + " must be a positive duration, not " + value);
        }
    }
}
