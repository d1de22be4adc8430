package org.cbec.gateway.intake;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.As4Messages;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.TrustedSigner;
import org.cbec.gateway.signature.as4.As4Failure;
import org.cbec.gateway.signature.as4.As4Request;
import org.cbec.gateway.signature.as4.As4SecurityVerifier;
import org.cbec.gateway.signature.as4.As4Signals;
import org.cbec.gateway.signature.as4.EbmsHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AS4 inbound at {@code POST /as4} (CONTRACT.md §6): an eDelivery AS4 one-way push whose WS-Security signature is
 * checked by {@link As4SecurityVerifier} and whose signer goes through the intake's signer checks; From must be the
 * signer's partner and To the gateway. Each payload is a business document admitted by the same intake as every other
 * transport (translation, duplicates by content, evidence, forwarding). The answer, on the same connection, is a
 * signed eb:Receipt or a signed eb:Error; both are kept as evidence. A repeated eb:MessageId of the same partner gets
 * the first receipt again and nothing more is admitted.
 */
public final class As4Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(As4Inbound.class);
    public static final String TEST_SERVICE = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/service";
    public static final String TEST_ACTION = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/test";
    /** The Content-Type under which an AS4 payload is archived and tracked: its eb:MessageId and part are in it. */
    public static final String PAYLOAD_CONTENT_TYPE = "application/vnd.cbec.as4-payload";

    private final InboundIntake intake;
    private final As4SecurityVerifier verifier;
    private final As4Signals signals;
    private final As4Messages messages;
    private final MessageIds signalIds;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Settings settings;

    /**
     * The gateway's own AS4 party and the Service/Action of business documents (gateway.as4.*), and the largest
     * request read (gateway.inbound.max-bytes).
     */
    public record Settings(String partyId, String partyIdType, String service, String action, long maxBytes) {}

    /** The answer, and the accepted messages the route queues for dispatch (those not in the accept log already). */
    public record As4Decision(HttpAnswer answer, List<String> toDispatch) {}

    /**
     * @param gatewayKey verifies what partners sign for the gateway, and signs the receipts and errors it answers
     *     with
     */
    public As4Inbound(
            InboundIntake intake,
            GatewaySigningKey gatewayKey,
            As4Messages messages,
            GatewayMetrics metrics,
            Clock clock,
            Settings settings) {
        this.intake = intake;
        this.verifier = new As4SecurityVerifier(gatewayKey, settings.maxBytes());
        this.signals = new As4Signals(gatewayKey, settings.partyId());
        this.messages = messages;
        this.signalIds = new MessageIds(clock);
        this.metrics = metrics;
        this.clock = clock;
        this.settings = settings;
    }

    /** Camel's entry: the body as the HTTP server read it. */
    public As4Decision admit(
            @Body byte[] body,
            @Header("Content-Type") String contentType,
            @Header(org.cbec.gateway.http.TransportSecurity.PARTNER_HEADER) String tlsPartner) {
        return admit(ReceivedBody.of(body == null ? new byte[0] : body), contentType, tlsPartner);
    }

    /**
     * Decides on one AS4 request and keeps the evidence of it; {@code tlsPartner} is the partner the connection's client
     * certificate belongs to, if any. Never throws for bad input.
     */
    public As4Decision admit(ReceivedBody body, String contentType, String tlsPartner) {
        Instant receivedAt = clock.instant();
        String ebmsMessageId = null;
        X509Certificate signer = null;
        Partner partner = null;
        boolean claimed = false;
        try {
            if (body.length() > settings.maxBytes()) {
                throw As4Failure.of(
                        GatewayError.PAYLOAD_TOO_LARGE,
                        As4Failure.EBMS_OTHER,
                        "the request has " + body.length() + " bytes; the limit is " + settings.maxBytes());
            }
            As4Request request = As4Request.parse(body.bytes(), contentType);
            EbmsHeader user = request.userMessage().header();
            ebmsMessageId = user.messageId();
            As4SecurityVerifier.Verified verified = verifier.verify(request);
            signer = verified.signer();
            TrustedSigner trusted = intake.judgeSigner(
                    new SignedDocument(
                            body,
                            verified.signer(),
                            verified.carried(),
                            Optional.of(user.timestamp()),
                            verified.algorithm()),
                    receivedAt);
            partner = trusted.partner();
            java.util.function.Consumer<String> transport = org.cbec.gateway.http.TransportSecurity.sameAs(tlsPartner);
            if (transport != null) {
                transport.accept(partner.id());
            }
            checkParties(user, partner);
            boolean test = TEST_SERVICE.equals(user.service()) && TEST_ACTION.equals(user.action());
            if (!test
                    && !(settings.service().equals(user.service())
                            && settings.action().equals(user.action()))) {
                throw As4Failure.of(
                        GatewayError.AS4_SERVICE_UNKNOWN,
                        As4Failure.EBMS_PROCESSING_MODE_MISMATCH,
                        "Service " + user.service() + " with Action " + user.action() + " is not taken; send "
                                + settings.service() + " / " + settings.action());
            }
            As4Messages.Claim claim = messages.claim(partner.id(), ebmsMessageId, receivedAt);
            if (!claim.first()) {
                return answered(
                        body,
                        partner,
                        ebmsMessageId,
                        "duplicate",
                        null,
                        null,
                        claim.firstMessageIds(),
                        claim.firstReceipt(),
                        List.of());
            }
            claimed = true;
            List<String> messageIds = new ArrayList<>();
            List<String> toDispatch = new ArrayList<>();
            if (!test) {
                if (verified.payloads().isEmpty()) {
                    throw As4Failure.of(
                            GatewayError.MALFORMED_MESSAGE,
                            As4Failure.EBMS_VALUE_INCONSISTENT,
                            "a business document message carries at least one payload");
                }
                Partner signersPartner = partner;
                for (As4SecurityVerifier.Payload payload : verified.payloads()) {
                    IntakeDecision decision = intake.admitOpened(
                            ReceivedBody.of(payload.content()),
                            payloadContentType(ebmsMessageId, payload),
                            new SignedDocument(
                                    payload.content(),
                                    verified.signer(),
                                    verified.carried(),
                                    Optional.of(user.timestamp()),
                                    verified.algorithm()),
                            samePartner(signersPartner));
                    if (decision.verdict() == Verdict.REJECTED) {
                        // Payloads before it stay accepted; a resend under a new eb:MessageId finds them as duplicates
                        // by content.
                        throw As4Failure.of(
                                decision.error(),
                                As4Failure.ebmsCodeOf(decision.error()),
                                "payload cid:" + payload.contentId() + " was refused as evidence "
                                        + decision.messageId() + ": " + decision.detail());
                    }
                    messageIds.add(decision.messageId());
                    if (decision.toDispatch()) {
                        toDispatch.add(decision.messageId());
                    }
                }
            }
            byte[] receipt = signals.receipt(ebmsMessageId, verified.references(), clock.instant());
            // The CEF four-corner properties are recorded, not required (CONTRACT §6).
            messages.completed(
                    partner.id(),
                    ebmsMessageId,
                    messageIds,
                    receipt,
                    body.bytes(),
                    user.messageProperties().get("originalSender"),
                    user.messageProperties().get("finalRecipient"));
            return answered(
                    body,
                    partner,
                    ebmsMessageId,
                    test ? "test" : "receipt",
                    null,
                    null,
                    String.join(",", messageIds),
                    receipt,
                    toDispatch);
        } catch (GatewayException refusal) {
            if (claimed) {
                messages.released(partner.id(), ebmsMessageId);
            }
            return refused(body, contentType, ebmsMessageId, signer, partner, refusal);
        } catch (RuntimeException unexpected) {
            LOG.error("Unexpected failure on an AS4 request", unexpected);
            if (claimed) {
                messages.released(partner.id(), ebmsMessageId);
            }
            return refused(
                    body,
                    contentType,
                    ebmsMessageId,
                    signer,
                    partner,
                    new GatewayException(GatewayError.INTERNAL_ERROR, "the gateway failed on this AS4 message"));
        }
    }

    /** From must be the signer's partner, To the gateway: nothing the sender writes can claim another party. */
    private void checkParties(EbmsHeader user, Partner partner) {
        Partner.As4Party party = partner.as4();
        if (!party.partyId().equals(user.fromPartyId()) || !sameType(party.partyIdType(), user.fromPartyIdType())) {
            throw As4Failure.of(
                    GatewayError.AS4_PARTY_MISMATCH,
                    As4Failure.EBMS_VALUE_INCONSISTENT,
                    "From PartyId " + user.fromPartyId() + " is not the signer's partner " + partner.id()
                            + " (its AS4 PartyId is " + party.partyId() + ")");
        }
        if (!settings.partyId().equals(user.toPartyId()) || !sameType(settings.partyIdType(), user.toPartyIdType())) {
            throw As4Failure.of(
                    GatewayError.AS4_PARTY_MISMATCH,
                    As4Failure.EBMS_VALUE_INCONSISTENT,
                    "To PartyId " + user.toPartyId() + " is not this gateway (" + settings.partyId() + ")");
        }
    }

    /** A PartyId without a type attribute is taken for the configured type only when that is the unregistered one. */
    private static boolean sameType(String expected, String given) {
        return expected.equals(given)
                || ((given == null || given.isEmpty()) && Partner.As4Party.UNREGISTERED.equals(expected));
    }

    private static java.util.function.Consumer<String> samePartner(Partner expected) {
        return partnerId -> {
            if (!partnerId.equals(expected.id())) {
                throw new GatewayException(
                        GatewayError.AS4_PARTY_MISMATCH,
                        "the payload's signer belongs to " + partnerId + ", not " + expected.id());
            }
        };
    }

    private static String payloadContentType(String ebmsMessageId, As4SecurityVerifier.Payload payload) {
        String type = PAYLOAD_CONTENT_TYPE + "; ebms-message-id=\"" + ebmsMessageId.replace("\"", "") + "\"; part=\""
                + payload.contentId().replace("\"", "") + "\"";
        return type.length() <= 255 ? type : type.substring(0, 255);
    }

    private As4Decision refused(
            ReceivedBody body,
            String contentType,
            String ebmsMessageId,
            X509Certificate signer,
            Partner partner,
            GatewayException refusal) {
        String ebmsCode = As4Failure.ebmsCodeOf(refusal);
        // A refused payload was archived by the intake already; the request as a whole is archived here, with its code.
        IntakeDecision evidence = intake.refuse(
                body,
                contentType,
                refusal.error(),
                (ebmsMessageId == null ? "" : "AS4 eb:MessageId " + ebmsMessageId + ": ") + refusal.detail(),
                signer,
                partner);
        byte[] error = signals.error(
                ebmsMessageId, ebmsCode, refusal.error(), refusal.detail(), evidence.messageId(), clock.instant());
        return answered(
                body,
                partner,
                ebmsMessageId,
                "error",
                refusal.error(),
                ebmsCode,
                evidence.messageId(),
                error,
                List.of());
    }

    private As4Decision answered(
            ReceivedBody body,
            Partner partner,
            String ebmsMessageId,
            String kind,
            GatewayError error,
            String ebmsCode,
            String messageIds,
            byte[] signal,
            List<String> toDispatch) {
        String partnerId = partner == null ? null : partner.id();
        messages.recordSignal(new As4Messages.Signal(
                signalIds.next(),
                clock.instant(),
                partnerId,
                ebmsMessageId,
                body.sha256(),
                kind,
                error == null ? null : error.code(),
                ebmsCode,
                messageIds,
                signal));
        metrics.as4(partnerId, kind, ebmsCode);
        // Every signal is HTTP 200 on the same connection, as AS4 access points expect; the signal says what happened.
        return new As4Decision(new HttpAnswer(200, As4Signals.CONTENT_TYPE, signal, Map.of()), List.copyOf(toDispatch));
    }
}
