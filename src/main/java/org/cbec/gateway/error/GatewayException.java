package org.cbec.gateway.error;

/** The one exception type of the gateway: it carries a {@link GatewayError} and a human detail. */
public class GatewayException extends RuntimeException {
    private final GatewayError error;

    public GatewayException(GatewayError error, String detail) {
        super(detail);
        this.error = error;
    }

    public GatewayException(GatewayError error, String detail, Throwable cause) {
        super(detail, cause);
        this.error = error;
    }

    public GatewayError error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }
}
