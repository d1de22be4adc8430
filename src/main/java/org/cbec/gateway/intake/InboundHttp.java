package org.cbec.gateway.intake;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * The HTTP entry point's bean: hands the exact body and its Content-Type to the {@link InboundIntake} as a case for
 * routes/inbound-intake.
 */
public final class InboundHttp {
    private final InboundIntake intake;

    public InboundHttp(InboundIntake intake) {
        this.intake = intake;
    }

    /** The case of one request: refused at once when its Content-Encoding is not the identity. */
    public IntakeCase receive(
            Exchange exchange,
            @Header("Content-Type") String contentType,
            @Header("Accept") String accept,
            @Header("Content-Encoding") String contentEncoding,
            @Header(org.cbec.gateway.http.TransportSecurity.PARTNER_HEADER) String tlsPartner) {
        ReceivedBody body = received(exchange);
        if (contentEncoding != null
                && !contentEncoding.isBlank()
                && !"identity".equalsIgnoreCase(contentEncoding.trim())) {
            // The signature covers the bytes as sent; a compressed body is a different container the gateway does not
            // take.
            return intake.receiveRefused(
                    body,
                    contentType,
                    GatewayError.UNSUPPORTED_FORMAT,
                    "Content-Encoding " + contentEncoding + " is not accepted; send the signed container uncompressed");
        }
        return intake.receive(
                body,
                contentType,
                wantsSignedReceipt(accept),
                org.cbec.gateway.http.TransportSecurity.sameAs(tlsPartner));
    }

    /**
     * The body where the HTTP server received it: the bytes of its buffer, not a copy (the route keeps Camel's
     * stream cache off for this). Any other body type is converted to bytes.
     */
    static ReceivedBody received(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Buffer buffer) {
            ByteBuf bytes = buffer.getByteBuf();
            if (bytes.hasArray()) {
                return ReceivedBody.of(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
            }
            return ReceivedBody.of(buffer.getBytes());
        }
        return ReceivedBody.of(exchange.getMessage().getBody(byte[].class));
    }

    /** A partner asks for a signed receipt with {@code Accept: application/pkcs7-mime}. */
    static boolean wantsSignedReceipt(String accept) {
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("application/pkcs7-mime");
    }
}
