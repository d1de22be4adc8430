package org.cbec.gateway.http;

import io.vertx.core.buffer.Buffer;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The HTTP server's hard ceiling on a body. Up to it the gateway reads a body over {@code gateway.inbound.max-bytes}
 * and refuses it with its evidence; past it the server stops reading, so there is nothing to archive. Such a
 * request still gets the gateway's problem with its stable code, not the server's bare 413.
 */
public final class BodyCeiling {
    private BodyCeiling() {}

    /** The ceiling for a limit: twice the limit and 64 KiB, so that a body a little over the limit is still read and archived. */
    public static long forLimit(long maxBytes) {
        return maxBytes * 2 + 65_536;
    }

    /** Answers requests the server refused at the ceiling with {@code PAYLOAD_TOO_LARGE}; call once the HTTP server runs. */
    public static void answerPastTheCeiling(CamelContext camel, int port, long maxBytes) {
        HttpAnswer answer = HttpAnswer.problem(
                GatewayError.PAYLOAD_TOO_LARGE,
                "the body is over " + forLimit(maxBytes)
                        + " bytes and was not read, so it is not archived; the limit is " + maxBytes + " bytes",
                null,
                null);
        VertxPlatformHttpRouter router =
                VertxPlatformHttpRouter.lookup(camel, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "no HTTP server runs on port " + port);
        }
        // The server's body handler fails the request with 413; a failure handler on every path of the router the
        // routes are on answers it (the router's own error handlers are not consulted for a mounted router's failures).
        router.route().failureHandler(context -> {
            if (context.statusCode() == 413 && !context.response().ended()) {
                context.response()
                        .setStatusCode(answer.status())
                        .putHeader("Content-Type", answer.contentType())
                        .end(Buffer.buffer(answer.content()));
            } else {
                context.next();
            }
        });
    }
}
