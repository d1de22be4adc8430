package org.cbec.gateway.intake;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;

/** The HTTP entry point's bean: hands the exact body and its Content-Type to the {@link InboundIntake}. */
public final class InboundHttp {
    private final InboundIntake intake;

    public InboundHttp(InboundIntake intake) {
        this.intake = intake;
    }

    public IntakeDecision admit(@Body byte[] body, @Header("Content-Type") String contentType, @Header("Accept") String accept,
                                @Header("Content-Encoding") String contentEncoding) {
        if (contentEncoding != null && !contentEncoding.isBlank() && !"identity".equalsIgnoreCase(contentEncoding.trim())) {
            // The signature covers the bytes as sent; a compressed body is a different container the gateway does not take.
            return intake.refuseUnread(body, contentType, GatewayError.UNSUPPORTED_FORMAT,
                    "Content-Encoding " + contentEncoding + " is not accepted; send the signed container uncompressed");
        }
        return intake.admit(body, contentType, wantsSignedReceipt(accept));
    }

    /** A partner asks for a signed receipt with {@code Accept: application/pkcs7-mime}. */
    static boolean wantsSignedReceipt(String accept) {
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("application/pkcs7-mime");
    }
}
