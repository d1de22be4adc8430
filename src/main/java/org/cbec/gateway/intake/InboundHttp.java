package org.cbec.gateway.intake;

import org.apache.camel.Body;
import org.apache.camel.Header;

/** The HTTP entry point's bean: hands the exact body and its Content-Type to the {@link InboundIntake}. */
public final class InboundHttp {
    private final InboundIntake intake;

    public InboundHttp(InboundIntake intake) {
        this.intake = intake;
    }

    public IntakeDecision admit(@Body byte[] body, @Header("Content-Type") String contentType) {
        return intake.admit(body, contentType);
    }
}
