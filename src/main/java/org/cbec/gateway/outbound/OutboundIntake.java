package org.cbec.gateway.outbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cbec.gateway.agreement.FieldPaths;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.canonical.RecordsDocument;
import org.cbec.gateway.console.OperatorAccess;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.InboundEvidence;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.forward.OutboundRecord;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerOutbound;
import org.cbec.gateway.partner.PartnerRegistry;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.DocumentWriter;
import org.cbec.gateway.translate.LocatedError;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/outbound/{partnerId}} (CONTRACT.md §8): a national system's records for a partner. They are checked
 * against the partner's agreement (AGREEMENT_VIOLATION lists every field outside it; nothing is sent), validated by the
 * gateway's own reader, given their keys and the legal basis, rendered in the partner's format, signed with the gateway
 * key, and archived with the one delivery the ledger owes, in one commit, before the 202. The delivery itself is the
 * forward machinery's: a queue, retries with backoff, dead letters, replay ({@link OutboundDelivery}).
 */
public final class OutboundIntake {
    /** The record type of the ledger's one delivery per outbound message. */
    public static final String DELIVERY_TYPE = "OUTBOUND";

    private static final Logger LOG = LoggerFactory.getLogger(OutboundIntake.class);

    private final java.util.function.Supplier<PartnerRegistry> partners;
    private final EvidenceArchive archive;
    private final DeliveryLedger ledger;
    private final CmsSigner signer;
    private final MessageIds messageIds;
    private final Clock clock;
    private final Translators translators = Translators.standard();
    private final Map<DocumentFormat, DocumentWriter> writers = DocumentWriter.standard();
    private final Map<String, OutboundTransport> transports;
    private final String partyId;
    private final String country;
    private final long maxBytes;

    /**
     * @param partyId    the gateway's own party id ({@code gateway.as4.party-id}): the source of every record it sends
     * @param country    the gateway's own country ({@code gateway.country}): every AEO id it sends is one of its own
     * @param transports the transports this gateway can send with, by name; a partner on another is OUTBOUND_NOT_CONFIGURED
     */
    public OutboundIntake(
            java.util.function.Supplier<PartnerRegistry> partners,
            EvidenceArchive archive,
            DeliveryLedger ledger,
            CmsSigner signer,
            MessageIds messageIds,
            Clock clock,
            Map<String, OutboundTransport> transports,
            String partyId,
            String country,
            long maxBytes) {
        this.partners = partners;
        this.archive = archive;
        this.ledger = ledger;
        this.signer = signer;
        this.messageIds = messageIds;
        this.clock = clock;
        this.transports = Map.copyOf(transports);
        this.partyId = partyId;
        this.country = country;
        this.maxBytes = maxBytes;
    }

    /** The answer, and the delivery to queue once the answer's commit is done (empty unless accepted). */
    public record Outcome(HttpAnswer answer, List<OutboundRecord> toQueue) {}

    /** A request's facts as they are learnt, for its evidence whatever the verdict. */
    private static final class Request {
        final String messageId;
        final Instant receivedAt;
        final String partnerId;
        final ReceivedBody body;
        final String contentType;
        final String caller;
        String format;
        List<LocatedError> errors = List.of();

        Request(
                String messageId,
                Instant receivedAt,
                String partnerId,
                ReceivedBody body,
                String contentType,
                String caller) {
            this.messageId = messageId;
            this.receivedAt = receivedAt;
            this.partnerId = partnerId;
            this.body = body;
            this.contentType = contentType;
            this.caller = caller;
        }

        InboundEvidence evidence(
                Verdict verdict,
                String code,
                String detail,
                int recordCount,
                RecordsDocument records,
                String receipt,
                String duplicateOf,
                boolean keepContent) {
            return new InboundEvidence(
                    messageId,
                    receivedAt,
                    body.sha256(),
                    body.length(),
                    contentType,
                    keepContent ? body : null,
                    partnerId,
                    "national system user " + caller,
                    null,
                    format,
                    verdict,
                    code,
                    detail,
                    errors.stream().map(LocatedError::toString).toList(),
                    recordCount,
                    records,
                    receipt,
                    duplicateOf);
        }
    }

    public Outcome submit(
            @Header("partnerId") String partnerId,
            @Body byte[] body,
            @Header("Content-Type") String contentType,
            @Header(OperatorAccess.OPERATOR) String caller) {
        Request request = new Request(
                messageIds.next(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                partnerId != null && Partner.ID.matcher(partnerId).matches() ? partnerId : null,
                ReceivedBody.of(body == null ? new byte[0] : body),
                contentType,
                caller);
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

    private Outcome accept(Request request, String partnerIdAsGiven) {
        if (request.body.length() > maxBytes) {
            throw new GatewayException(
                    GatewayError.PAYLOAD_TOO_LARGE,
                    "the body has " + request.body.length() + " bytes; the limit is " + maxBytes);
        }
        Partner partner = partners.get()
                .byId(request.partnerId == null ? "" : request.partnerId)
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
        if (!transports.containsKey(outbound.transport())) {
            throw new GatewayException(
                    GatewayError.OUTBOUND_NOT_CONFIGURED,
                    "partner " + partner.id() + " receives by " + outbound.transport()
                            + ", which this gateway cannot send with yet (it sends with: "
                            + String.join(", ", transports.keySet()) + ")");
        }
        DocumentFormat format = DocumentFormat.byId(outbound.format()).orElseThrow();
        request.format = format.id();
        String requestKey = requestKey(request.body.sha256());
        Optional<String> earlier = archive.acceptedMessageWithContent(partner.id(), requestKey);
        if (earlier.isPresent()) {
            return duplicate(request, earlier.get());
        }
        ArrayNode records = recordsOf(request);
        List<LocatedError> violations = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            String at = "/records/" + i;
            RecordType type = RecordType.AEO_STATUS;
            if (record.hasNonNull("recordType")) {
                try {
                    type = RecordType.valueOf(record.path("recordType").asText());
                } catch (IllegalArgumentException e) {
                    violations.add(new LocatedError(
                            at + "/recordType", "'" + record.path("recordType").asText() + "' is not a record type"));
                    continue;
                }
            }
            Optional<FieldPaths> allowed = partner.agreement().outboundFields(type);
            if (allowed.isEmpty()) {
                violations.add(new LocatedError(
                        at, "the agreement with " + partner.id() + " does not let " + type + " records be sent"));
                continue;
            }
            for (String field : allowed.get().outside((ObjectNode) record)) {
                violations.add(new LocatedError(
                        at + "/" + field.replace('.', '/'), "outside the agreement with " + partner.id()));
            }
        }
        if (!violations.isEmpty()) {
            request.errors = violations;
            throw new GatewayException(
                    GatewayError.AGREEMENT_VIOLATION,
                    violations.size() + " record(s) or field(s) are outside the agreement with " + partner.id() + " ("
                            + partner.agreement().reference() + "); each is listed in errors; nothing was sent");
        }
        List<AeoStatusRecord> canonical = validated(request, records);
        String legalBasis = partner.agreement().reference();
        byte[] document = writers.get(format).write(canonical, country, request.receivedAt, legalBasis);
        byte[] signed = signer.sign(document);
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
                        Verdict.ACCEPTED,
                        null,
                        null,
                        canonical.size(),
                        RecordsDocument.ofText(deliveryJson, 1),
                        receiptJson,
                        null,
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

    /** The records as the gateway's own reader takes them: keys, versions and the gateway as their source; else SCHEMA_INVALID. */
    private List<AeoStatusRecord> validated(Request request, ArrayNode records) {
        ObjectNode list = CanonicalJson.mapper().createObjectNode();
        list.put("documentType", "AEO_STATUS_LIST");
        list.put("administration", country);
        list.put("listType", "DELTA");
        ArrayNode operators = list.putArray("operators");
        for (JsonNode record : records) {
            ObjectNode operator = operators.addObject();
            for (Iterator<Map.Entry<String, JsonNode>> fields = record.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!"recordType".equals(field.getKey())) {
                    operator.set("operatorName".equals(field.getKey()) ? "name" : field.getKey(), field.getValue());
                }
            }
        }
        Translation read = translators.translate(
                DocumentFormat.AEO_STATUS_JSON,
                json(list).getBytes(StandardCharsets.UTF_8),
                new TranslationContext(partyId, request.messageId, country));
        if (read instanceof Translation.Invalid invalid) {
            request.errors = invalid.errors().stream()
                    .map(e -> new LocatedError(
                            e.location().replace("/operators/", "/records/").replaceAll("/name$", "/operatorName"),
                            e.message()))
                    .toList();
            throw new GatewayException(
                    GatewayError.SCHEMA_INVALID,
                    "the records have " + invalid.errors().size()
                            + " error(s); each is listed in errors (AEO ids must be the gateway's own country's, "
                            + country + ")");
        }
        List<AeoStatusRecord> canonical = new ArrayList<>();
        for (CanonicalRecord record : ((Translation.Records) read).records()) {
            canonical.add((AeoStatusRecord) record);
        }
        return canonical;
    }

    private ArrayNode recordsOf(Request request) {
        JsonNode root;
        try {
            root = CanonicalJson.mapper().readTree(request.body.bytes());
        } catch (java.io.IOException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the body is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null
                || !root.isObject()
                || !root.path("records").isArray()
                || root.path("records").isEmpty()) {
            throw new GatewayException(
                    GatewayError.SCHEMA_INVALID, "the body must be {\"records\":[...]} with at least one record");
        }
        List<LocatedError> errors = new ArrayList<>();
        ArrayNode records = (ArrayNode) root.get("records");
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            if (!record.isObject()) {
                errors.add(new LocatedError("/records/" + i, "must be an object"));
                continue;
            }
            for (String filled : List.of(
                    "recordId", "recordVersion", "sourcePartner", "sourceMessageId", "sourceFormat", "legalBasis")) {
                if (record.has(filled)) {
                    errors.add(new LocatedError(
                            "/records/" + i + "/" + filled, "the gateway sets this field itself; leave it out"));
                }
            }
        }
        if (!errors.isEmpty()) {
            request.errors = errors;
            throw new GatewayException(
                    GatewayError.SCHEMA_INVALID,
                    "the records have " + errors.size() + " error(s); each is listed in errors");
        }
        return records;
    }

    private Outcome duplicate(Request request, String firstMessageId) {
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
        archive.archiveOutboundNotAccepted(
                request.evidence(Verdict.DUPLICATE, null, null, 0, null, null, firstMessageId, false));
        return new Outcome(HttpAnswer.rawJson(200, answer), List.of());
    }

    private Outcome refuse(Request request, GatewayError error, String detail) {
        try {
            archive.archiveOutboundNotAccepted(request.evidence(
                    Verdict.REJECTED, error.code(), detail, 0, null, null, null, request.body.length() <= maxBytes));
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

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
