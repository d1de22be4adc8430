package org.cbec.gateway.intake;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.TrustedSigner;

/**
 * Where an inbound message enters the intake: a transport hands over the body as received and gets an
 * {@link IntakeCase} that routes/inbound-intake takes through the {@link IntakeSteps} (size limit, container,
 * signature, signer and partner, signing-time window, format, permission, translation, recognition, agreement, the
 * append), or, from Java, the decision those steps come to. Every message leaves evidence, refused ones included.
 */
public final class InboundIntake {
    private final IntakeSteps steps;
    private final MessageIds messageIds;
    private final Clock clock;
    private final long maxBytes;

    /** @param maxBytes the largest body kept as evidence of a refusal ({@code gateway.inbound.max-bytes}) */
    public InboundIntake(IntakeSteps steps, Clock clock, long maxBytes) {
        this.steps = steps;
        this.messageIds = new MessageIds(clock);
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    /**
     * A case for the intake route: one request body, its Content-Type (which names the container) and, on a
     * connection bound to a partner by its TLS client certificate, the check that refuses another's signature
     * ({@code partnerCheck}, may be null); with {@code signedReceipt} the receipt comes back as CMS SignedData.
     */
    public IntakeCase receive(
            ReceivedBody body, String contentType, boolean signedReceipt, Consumer<String> partnerCheck) {
        return newCase(
                body,
                contentType,
                new IntakeCase.Handover(
                        ContainerType.fromContentType(contentType).orElse(null), null, partnerCheck, signedReceipt));
    }

    /** The same for a body whose container the transport knows already (SOAP, from the endpoint it came to). */
    public IntakeCase receive(
            ReceivedBody body, String contentType, ContainerType containerType, Consumer<String> partnerCheck) {
        return newCase(body, contentType, new IntakeCase.Handover(containerType, null, partnerCheck, false));
    }

    /**
     * A case refused before its body is read as a container (an encoding the gateway does not take, say), with its
     * evidence: the intake route's steps pass it on to the answer.
     */
    public IntakeCase receiveRefused(ReceivedBody body, String contentType, GatewayError error, String detail) {
        IntakeCase refused = newCase(body, contentType, IntakeCase.Handover.NONE);
        refused.keepContent = body.length() <= maxBytes;
        steps.verdicts().refuse(refused, error, detail);
        return refused;
    }

    /**
     * Decides on one request body and archives the decision; with {@code signedReceipt} the receipt of an accepted or
     * duplicate message comes back as CMS SignedData by the gateway's key. Never throws for bad input.
     */
    public IntakeDecision admit(ReceivedBody body, String contentType, boolean signedReceipt) {
        return admit(body, contentType, signedReceipt, null);
    }

    /** The same on a connection bound to a partner by its TLS client certificate: {@code partnerCheck} refuses another's signature. */
    public IntakeDecision admit(
            ReceivedBody body, String contentType, boolean signedReceipt, Consumer<String> partnerCheck) {
        return steps.run(receive(body, contentType, signedReceipt, partnerCheck));
    }

    /** Refuses a body before reading it as a container (an encoding the gateway does not take, say), with its evidence. */
    public IntakeDecision refuseUnread(ReceivedBody body, String contentType, GatewayError error, String detail) {
        return receiveRefused(body, contentType, error, detail).decision();
    }

    /** Decides on one request body and archives the decision. Never throws for bad input. */
    public IntakeDecision admit(byte[] body, String contentType) {
        return admit(
                ReceivedBody.of(body),
                contentType,
                ContainerType.fromContentType(contentType).orElse(null));
    }

    /**
     * Decides on a body whose container is already known (SOAP, say, from the endpoint it came to); null
     * means the Content-Type named no container the gateway knows.
     */
    public IntakeDecision admit(byte[] body, String contentType, ContainerType containerType) {
        return admit(ReceivedBody.of(body), contentType, containerType);
    }

    /** The same on a connection bound to a partner (see {@link #admit(ReceivedBody, String, boolean, Consumer)}). */
    public IntakeDecision admit(
            byte[] body, String contentType, ContainerType containerType, Consumer<String> partnerCheck) {
        return steps.run(receive(ReceivedBody.of(body), contentType, containerType, partnerCheck));
    }

    /** The same, for a body read in place ({@link ReceivedBody}). */
    public IntakeDecision admit(ReceivedBody body, String contentType, ContainerType containerType) {
        return steps.run(receive(body, contentType, containerType, null));
    }

    /**
     * Decides on one document whose signature a transport has verified already (an AS4 payload, signed by the
     * WS-Security signature of its message): the same signer checks, duplicates, translation and evidence as every
     * other container; {@code partnerCheck} may refuse the signer's partner (by its id) (an AS4 From that names another, say).
     */
    public IntakeDecision admitOpened(
            ReceivedBody body, String contentType, SignedDocument opened, Consumer<String> partnerCheck) {
        SignatureContainer alreadyOpen = (bytes, type) -> opened;
        return steps.run(newCase(body, contentType, new IntakeCase.Handover(null, alreadyOpen, partnerCheck, false)));
    }

    /**
     * The signer checks alone, for a transport that must know the partner before it admits what it carries (AS4):
     * chain to an enabled partner's anchors, validity, signer profile, algorithm policy, revocation, signing-time window.
     *
     * @throws GatewayException with the code of the first check that fails
     */
    public TrustedSigner judgeSigner(SignedDocument signed, Instant receivedAt) {
        return steps.judgeSigner(signed, receivedAt);
    }

    /** Refuses a request a transport judged before any document in it was read, with what it knew of the signer, as evidence. */
    public IntakeDecision refuse(
            ReceivedBody body,
            String contentType,
            GatewayError error,
            String detail,
            X509Certificate signer,
            Partner partner) {
        IntakeCase refused = newCase(body, contentType, IntakeCase.Handover.NONE);
        refused.keepContent = body.length() <= maxBytes;
        refused.signer = signer;
        refused.partner = partner;
        steps.verdicts().refuse(refused, error, detail);
        return refused.decision();
    }

    private IntakeCase newCase(ReceivedBody body, String contentType, IntakeCase.Handover handover) {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new IntakeCase(messageIds.next(), receivedAt, body, contentType, handover);
    }
}
