package org.cbec.gateway.http;

import org.cbec.gateway.error.GatewayError;

/**
 * Where the HTTP server reports a request it refused itself, before any route ran (framing, header or body timeout,
 * sizes), so that the refusal is recorded as evidence (the gateway's security events). Called on the connection's
 * event loop: an implementation must not block.
 */
@FunctionalInterface
public interface HttpRefusals {
    /** Records nothing. */
    HttpRefusals NONE = (error, address, request, detail) -> {};

    /**
     * @param address the peer's IP address
     * @param request the request line (method and target) when one was read, else null
     */
    void refused(GatewayError error, String address, String request, String detail);
}
