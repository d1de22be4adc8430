package org.cbec.gateway.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ArchivedMessage;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.forward.RecordDelivery;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.http.QueryParameters;

/** The message tracking API: {@code GET /api/v1/messages/{messageId}} and the search {@code GET /api/v1/messages}. */
public final class MessageTracking {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EvidenceArchive archive;
    private final DeliveryLedger ledger;

    public MessageTracking(EvidenceArchive archive, DeliveryLedger ledger) {
        this.archive = archive;
        this.ledger = ledger;
    }

    public HttpAnswer describe(@Header("messageId") String messageId) {
        return archive.find(messageId)
                .map(message -> HttpAnswer.json(200, describe(message, true)))
                .orElseGet(() -> HttpAnswer.problem(GatewayError.NOT_FOUND, "no message " + messageId, null, null));
    }

    public HttpAnswer search(
            @Header("partner") String partner,
            @Header("status") String status,
            @Header("format") String format,
            @Header("since") String since,
            @Header("until") String until,
            @Header("limit") String limit) {
        Instant from;
        Instant to;
        int max;
        try {
            from = QueryParameters.instant(since, null);
            to = QueryParameters.instant(until, null);
            max = QueryParameters.limit(limit, 100);
        } catch (GatewayException refused) {
            return QueryParameters.refusal(refused);
        }
        List<ArchivedMessage> found =
                archive.search(blankToNull(partner), blankToNull(status), blankToNull(format), from, to, max);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("count", found.size());
        ArrayNode messages = answer.putArray("messages");
        found.forEach(m -> messages.add(describe(m, false)));
        return HttpAnswer.json(200, answer);
    }

    /** {@code GET /api/v1/messages/{messageId}/content}: the archived bytes exactly as received, for download. */
    public HttpAnswer content(@Header("messageId") String messageId) {
        return archive.content(messageId)
                .map(bytes -> new HttpAnswer(
                        200,
                        "application/octet-stream",
                        bytes,
                        java.util.Map.of(
                                "Content-Disposition",
                                "attachment; filename=\"" + messageId + ".bin\"",
                                "X-Content-Type-Options",
                                "nosniff")))
                .orElseGet(() -> HttpAnswer.problem(
                        GatewayError.NOT_FOUND,
                        "no archived bytes for message " + messageId + " (a body over the size limit is not kept)",
                        null,
                        null));
    }

    /** The eb:MessageId of an AS4 payload, which its Content-Type names (As4Inbound). */
    static java.util.Optional<String> as4MessageId(String contentType) {
        if (contentType == null || !contentType.startsWith(org.cbec.gateway.intake.As4Inbound.PAYLOAD_CONTENT_TYPE)) {
            return java.util.Optional.empty();
        }
        java.util.regex.Matcher id =
                java.util.regex.Pattern.compile("ebms-message-id=\"([^\"]*)\"").matcher(contentType);
        return id.find() ? java.util.Optional.of(id.group(1)) : java.util.Optional.empty();
    }

    private ObjectNode describe(ArchivedMessage message, boolean full) {
        ObjectNode node = JSON.createObjectNode();
        node.put("messageId", message.messageId());
        node.put("partner", message.partnerId());
        node.put("documentFormat", message.documentFormat());
        node.put("sha256", message.sha256());
        node.put("sizeBytes", message.sizeBytes());
        node.put("contentType", message.contentType());
        as4MessageId(message.contentType()).ifPresent(id -> node.put("as4MessageId", id));
        node.put("receivedAt", message.receivedAt().toString());
        node.put("signer", message.signerSubject());
        node.put(
                "signingTime",
                message.signingTime() == null ? null : message.signingTime().toString());
        node.put("verdict", message.verdict().name());
        node.put("status", message.status());
        node.put("records", message.recordCount());
        if (message.refusalCode() != null) {
            ObjectNode refusal = node.putObject("refusal");
            refusal.put("code", message.refusalCode());
            refusal.put("detail", message.refusalDetail());
            if (message.errorsJson() != null) {
                refusal.set("errors", parse(message.errorsJson()));
            }
        }
        if (message.duplicateOf() != null) {
            node.put("duplicateOf", message.duplicateOf());
        }
        if (!full) {
            return node;
        }
        node.put("direction", archive.direction(message.messageId()));
        if (message.receiptJson() != null) {
            node.set("receipt", parse(message.receiptJson()));
        }
        ArrayNode history = node.putArray("history");
        for (ArchivedMessage.StatusChange change : message.history()) {
            ObjectNode entry = history.addObject();
            entry.put("status", change.status());
            entry.put("at", change.at().toString());
            if (change.note() != null) {
                entry.put("note", change.note());
            }
        }
        JsonNode records = message.recordsJson() == null ? JSON.createArrayNode() : parse(message.recordsJson());
        // By seq: a 10 MB list has 80,000 records, and a search of the list for each was 80,000 x 80,000 steps.
        Map<Integer, RecordDelivery> deliveries = new HashMap<>();
        for (RecordDelivery delivery : ledger.recordsOf(message.messageId())) {
            deliveries.putIfAbsent(delivery.seq(), delivery);
        }
        ArrayNode recordList = node.putArray("recordList");
        for (int seq = 0; seq < records.size(); seq++) {
            ObjectNode entry = recordList.addObject();
            entry.put("seq", seq);
            RecordDelivery delivery = deliveries.get(seq);
            entry.put("deliveryStatus", delivery == null ? "QUEUED" : delivery.status());
            if (delivery != null) {
                entry.put("idempotencyKey", delivery.idempotencyKey());
                entry.put("attempts", delivery.attempts());
                entry.put(
                        "deliveredAt",
                        delivery.deliveredAt() == null
                                ? null
                                : delivery.deliveredAt().toString());
                entry.put("lastError", delivery.lastError());
            }
            entry.set("record", records.get(seq));
        }
        return node;
    }

    private static JsonNode parse(String json) {
        try {
            // decimals as BigDecimal: as doubles, operators were shown a 20-digit quantity rounded
            return org.cbec.gateway.canonical.CanonicalJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
