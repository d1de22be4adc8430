package org.cbec.gateway.intake;

import org.apache.camel.Body;
import org.apache.camel.Header;

/** The HTTP entry point's bean: hands the exact body and its Content-Type to the {@link InboundIntake}. */
public final class InboundHttp {
    private final InboundIntake intake;

    public InboundHttp(InboundIntake intake) {
        this.intake = intake;
    }

    public IntakeDecision admit(@Body byte[] body, @Header("Content-Type") String contentType, @Header("Accept") String accept) {
        return intake.admit(body, contentType, wantsSignedReceipt(accept));
    }

    /** A partner asks for a signed receipt with {@code Accept: application/pkcs7-mime}. */
    static boolean wantsSignedReceipt(String accept) {
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("application/pkcs7-mime");
    }
}
