package org.cbec.gateway.outbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.RecordsDocument;
import org.cbec.gateway.console.OperatorAccess;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.InboundEvidence.Decision;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.forward.OutboundRecord;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerOutbound;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.DocumentWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/outbound/{partnerId}} (CONTRACT.md §8): a national system's records for a partner. They are checked
 * against the partner's agreement (AGREEMENT_VIOLATION lists every field outside it; nothing is sent), validated by the
 * gateway's own reader, given their keys and the legal basis, rendered in the partner's format, signed with the gateway
 * key, and archived with the one delivery the ledger owes, in one commit, before the 202. The delivery itself is the
 * forward machinery's: a queue, retries with backoff, dead letters, replay ({@link OutboundDelivery}).
 *
 * <p>The request's facts are an {@link OutboundRequest}; reading and checking its records (shape, agreement, the
 * gateway's own reader) is {@link OutboundRecords}.
 */
public final class OutboundIntake {
    /** The record type of the ledger's one delivery per outbound message. */
    public static final String DELIVERY_TYPE = "OUTBOUND";

    private static final Logger LOG = LoggerFactory.getLogger(OutboundIntake.class);

    /**
     * The gateway's own side of every outbound message (the outbound configuration reads these settings once).
     *
     * @param partyId  the gateway's own party id ({@code gateway.as4.party-id}): the source of every record it sends
     * @param country  the gateway's own country ({@code gateway.country}): every AEO id it sends is one of its own
     * @param maxBytes the largest request body read ({@code gateway.inbound.max-bytes})
     * @param signer   the gateway's key, which signs every document it sends
     */
    public record Own(String partyId, String country, long maxBytes, CmsSigner signer) {}

    private final OutboundPartners partners;
    private final EvidenceArchive archive;
    private final DeliveryLedger ledger;
    private final Map<DocumentFormat, DocumentWriter> writers = DocumentWriter.standard();
    private final OutboundRecords bodyRecords;
    private final Own own;
    private final MessageIds messageIds;
    private final Clock clock;

    /** @param partners the partners and this gateway's transports; a partner on another is OUTBOUND_NOT_CONFIGURED */
    public OutboundIntake(
            OutboundPartners partners, EvidenceArchive archive, DeliveryLedger ledger, Own own, Clock clock) {
        this.partners = partners;
        this.archive = archive;
        this.ledger = ledger;
        this.bodyRecords = new OutboundRecords(own.partyId(), own.country());
        this.own = own;
        this.messageIds = new MessageIds(clock);
        this.clock = clock;
    }

    /** The answer, and the delivery to queue once the answer's commit is done (empty unless accepted). */
    public record Outcome(HttpAnswer answer, List<OutboundRecord> toQueue) {}

    public Outcome submit(
            @Header("partnerId") String partnerId,
            @Body byte[] body,
            @Header("Content-Type") String contentType,
            @Header(OperatorAccess.OPERATOR) String caller) {
        OutboundRequest request =
                new OutboundRequest(messageIds.next(), clock.instant(), partnerId, body, contentType, caller);
        try {
            return accept(request, partnerId);
        } catch (GatewayException refusal) {
            return refuse(request, refusal.error(), refusal.detail());
        } catch (RuntimeException unexpected) {
            LOG.error("Unexpected failure on outbound request {}", request.messageId, unexpected);
            return refuse(
                    request,
                    GatewayError.INTERNAL_ERROR,
                    "the gateway failed on this request; it is archived as " + request.messageId);
        }
    }

    private Outcome accept(OutboundRequest request, String partnerIdAsGiven) {
        if (request.body.length() > own.maxBytes()) {
            throw new GatewayException(
                    GatewayError.PAYLOAD_TOO_LARGE,
                    "the body has " + request.body.length() + " bytes; the limit is " + own.maxBytes());
        }
        Partner partner = partners.partner(request.partnerId == null ? "" : request.partnerId)
                .orElseThrow(
                        () -> new GatewayException(GatewayError.NOT_FOUND, "no partner '" + partnerIdAsGiven + "'"));
        PartnerOutbound outbound = partner.outbound();
        if (!partner.enabled() || outbound == null || partner.agreement() == null) {
            throw new GatewayException(
                    GatewayError.OUTBOUND_NOT_CONFIGURED,
                    "partner " + partner.id()
                            + (!partner.enabled()
                                    ? " is disabled"
                                    : outbound == null
                                            ? " has no outbound section in its file"
                                            : " has no agreement in its file: nothing is sent without one"));
        }
        if (partners.transport(outbound.transport()).isEmpty()) {
            throw new GatewayException(
                    GatewayError.OUTBOUND_NOT_CONFIGURED,
                    "partner " + partner.id() + " receives by " + outbound.transport()
                            + ", which this gateway cannot send with yet (it sends with: "
                            + String.join(", ", partners.transports().keySet()) + ")");
        }
        DocumentFormat format = DocumentFormat.byId(outbound.format()).orElseThrow();
        request.format = format.id();
        String requestKey = requestKey(request.body.sha256());
        Optional<String> earlier = archive.acceptedMessageWithContent(partner.id(), requestKey);
        if (earlier.isPresent()) {
            return duplicate(request, earlier.get());
        }
        ArrayNode records = bodyRecords.read(request);
        bodyRecords.checkAgreement(request, partner, records);
        List<AeoStatusRecord> canonical = bodyRecords.validated(request, records);
        String legalBasis = partner.agreement().reference();
        byte[] document = writers.get(format).write(canonical, own.country(), request.receivedAt, legalBasis);
        byte[] signed = own.signer().sign(document);
        String version = HexFormat.of().formatHex(sha256(signed)).substring(0, 16);
        ObjectNode delivery = CanonicalJson.mapper().createObjectNode();
        delivery.put("recordType", DELIVERY_TYPE);
        delivery.put("recordId", partner.id() + ":" + request.messageId);
        delivery.put("recordVersion", version);
        delivery.put("partner", partner.id());
        delivery.put("messageId", request.messageId);
        delivery.put("format", format.id());
        delivery.put("legalBasis", legalBasis);
        ArrayNode sent = delivery.putArray("records");
        for (AeoStatusRecord record : canonical) {
            ObjectNode json = CanonicalJson.mapper().valueToTree(record);
            json.put("legalBasis", legalBasis);
            sent.add(json);
        }
        // The exact bytes sent, whatever the retries: evidence (hashed into the chain with the records) and the
        // delivery's payload.
        delivery.put("documentSha256", HexFormat.of().formatHex(sha256(document)));
        delivery.put("signedSha256", HexFormat.of().formatHex(sha256(signed)));
        delivery.put("signed", Base64.getEncoder().encodeToString(signed));
        String deliveryJson = json(List.of(delivery));
        List<OutboundRecord> owed = DeliveryLedger.outboundRecords(request.messageId, deliveryJson);

        ObjectNode receipt = CanonicalJson.mapper().createObjectNode();
        receipt.put("messageId", request.messageId);
        receipt.put("direction", "OUTBOUND");
        receipt.put("partner", partner.id());
        receipt.put("documentFormat", format.id());
        receipt.put("records", canonical.size());
        receipt.put("legalBasis", legalBasis);
        receipt.put("sha256", request.body.sha256());
        receipt.put("signedSha256", HexFormat.of().formatHex(sha256(signed)));
        receipt.put("receivedAt", request.receivedAt.toString());
        receipt.put("status", "ACCEPTED");
        String receiptJson = json(receipt);
        java.util.concurrent.atomic.AtomicReference<List<OutboundRecord>> toQueue =
                new java.util.concurrent.atomic.AtomicReference<>(List.of());
        Optional<String> first = archive.archiveOutbound(
                request.evidence(
                        Decision.accepted(canonical.size(), RecordsDocument.ofText(deliveryJson, 1), receiptJson),
                        true),
                requestKey,
                connection -> toQueue.set(ledger.dispatchIn(connection, request.messageId, owed)));
        if (first.isPresent()) {
            return duplicate(request, first.get());
        }
        LOG.info(
                "Outbound message {} to {}: {} record(s) as {}, {} bytes signed, by {}",
                request.messageId,
                partner.id(),
                canonical.size(),
                format.id(),
                signed.length,
                request.caller);
        return new Outcome(HttpAnswer.rawJson(202, receiptJson), toQueue.get());
    }

    private Outcome duplicate(OutboundRequest request, String firstMessageId) {
        EvidenceArchive.FirstReceipt first = archive.receiptOf(firstMessageId)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.INTERNAL_ERROR, "the first request " + firstMessageId + " has no receipt"));
        ObjectNode receipt;
        try {
            receipt = (ObjectNode) CanonicalJson.mapper().readTree(first.receiptJson());
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the first request's receipt cannot be read", e);
        }
        receipt.put("status", "DUPLICATE");
        String answer = json(receipt);
        archive.archiveOutboundNotAccepted(request.evidence(Decision.duplicateOf(firstMessageId), false));
        return new Outcome(HttpAnswer.rawJson(200, answer), List.of());
    }

    private Outcome refuse(OutboundRequest request, GatewayError error, String detail) {
        try {
            archive.archiveOutboundNotAccepted(
                    request.evidence(Decision.rejected(error.code(), detail), request.body.length() <= own.maxBytes()));
        } catch (RuntimeException e) {
            LOG.error("The refusal of outbound request {} could not be archived", request.messageId, e);
        }
        return new Outcome(
                HttpAnswer.problem(error, detail, request.messageId, request.errors.isEmpty() ? null : request.errors),
                List.of());
    }

    /** The same request to the same partner: its own digest space, never equal to an inbound content digest. */
    static String requestKey(String bodySha256) {
        return HexFormat.of().formatHex(sha256(("OUTBOUND\n" + bodySha256).getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "SHA-256 is missing", e);
        }
    }

    private static String json(Object value) {
        try {
            return CanonicalJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot write JSON", e);
        }
    }
}
