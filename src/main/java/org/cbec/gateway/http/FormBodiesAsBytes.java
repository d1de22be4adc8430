package org.cbec.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Keeps a form body as the bytes that were sent. Vert.x's body handler parses a body declared
 * {@code application/x-www-form-urlencoded} or {@code multipart/form-data} as a form: a signed binary body (what
 * {@code curl -d} sends) failed with a bare 400 before the gateway saw it, and Camel then replaced a parsed form
 * ({@code a=b}) by its fields, so the intake archived nothing. The gateway reads no forms; every endpoint reads its
 * body as bytes and refuses a Content-Type it does not take with its own code and evidence.
 */
final class FormBodiesAsBytes implements Handler<RoutingContext> {
    private static final String NEUTRAL = "application/octet-stream";

    @Override
    public void handle(RoutingContext context) {
        MultiMap headers = context.request().headers();
        String declared = headers.get("Content-Type");
        if (declared == null || !isForm(declared)) {
            context.next();
            return;
        }
        // The body handler decides how to read the body when it is called, which is within next(), and Camel decides
        // whether the body is a form from the routing context's parsed headers, parsed once on first use: both see a
        // neutral type. The request's own header is the declared one again before a route reads it (after the body has
        // come).
        headers.set("Content-Type", NEUTRAL);
        try {
            context.parsedHeaders();
            context.next();
        } finally {
            headers.set("Content-Type", declared);
        }
    }

    static boolean isForm(String contentType) {
        String type = contentType.trim().toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }
}
