package org.cbec.gateway.config;

import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.cbec.gateway.evidence.As4Messages;
import org.cbec.gateway.intake.As4Inbound;
import org.cbec.gateway.intake.InboundHttp;
import org.cbec.gateway.intake.InboundIntake;
import org.cbec.gateway.intake.IntakeSteps;
import org.cbec.gateway.intake.SoapExchange;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.soap.WsSecurityResponseSigner;

/** The entry points of the three inbound transports (HTTP, SOAP, AS4), each handing its documents to the intake. */
@Configuration
public final class TransportConfiguration extends SettingsConfiguration {
    private final long maxBytes;
    private final Once<InboundIntake> intake = new Once<>();

    public TransportConfiguration(GatewaySettings settings, Clock clock) {
        super(settings, clock);
        this.maxBytes = settings.getLong("gateway.inbound.max-bytes");
    }

    /** Where every transport hands its documents to the intake's steps. */
    @BindToRegistry("inboundIntake")
    public InboundIntake inboundIntake(IntakeSteps steps) {
        return intake.get(() -> new InboundIntake(steps, clock, maxBytes));
    }

    @BindToRegistry("inboundHttp")
    public InboundHttp inboundHttp(IntakeSteps steps) {
        return new InboundHttp(inboundIntake(steps));
    }

    @BindToRegistry("soapExchange")
    public SoapExchange soapExchange(IntakeSteps steps, CmsSigner receiptSigner) {
        return new SoapExchange(inboundIntake(steps), new WsSecurityResponseSigner(receiptSigner.signingKey()));
    }

    @BindToRegistry("as4Inbound")
    public As4Inbound as4Inbound(
            IntakeSteps steps, CmsSigner receiptSigner, As4Messages as4Messages, GatewayMetrics metrics) {
        return new As4Inbound(
                inboundIntake(steps), receiptSigner.signingKey(), as4Messages, metrics, clock, as4Settings());
    }

    /** The gateway's AS4 party and the Service/Action of business documents (CONTRACT.md §6). */
    private As4Inbound.Settings as4Settings() {
        return new As4Inbound.Settings(
                settings.get("gateway.as4.party-id", "CBEC-GATEWAY"),
                settings.get("gateway.as4.party-id-type", Partner.As4Party.UNREGISTERED),
                settings.get("gateway.as4.service", "urn:cbec:gateway:exchange"),
                settings.get("gateway.as4.action", "Submit"),
                maxBytes);
    }
}
