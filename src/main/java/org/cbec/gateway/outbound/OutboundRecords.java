package org.cbec.gateway.outbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.agreement.FieldPaths;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.LocatedError;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;

/**
 * The records of an outbound request, checked in the order the answer needs: the body's shape (no field the gateway
 * sets itself), the partner's agreement (AGREEMENT_VIOLATION lists every record type or field outside it), then the
 * gateway's own AEO status reader (SCHEMA_INVALID), which gives them keys, versions and the gateway as source. Every
 * refusal keeps its located errors on the request for its evidence and answer.
 */
final class OutboundRecords {
    private final Translators translators = Translators.standard();
    private final String partyId;
    private final String country;

    OutboundRecords(String partyId, String country) {
        this.partyId = partyId;
        this.country = country;
    }

    ArrayNode read(OutboundRequest request) {
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

    /** Every record type and field outside the partner's agreement, all listed; nothing is sent then. */
    void checkAgreement(OutboundRequest request, Partner partner, ArrayNode records) {
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
    }

    /** The records as the gateway's own reader takes them: keys, versions and the gateway as their source; else SCHEMA_INVALID. */
    List<AeoStatusRecord> validated(OutboundRequest request, ArrayNode records) {
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

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static String json(Object value) {
        try {
            return CanonicalJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot write JSON", e);
        }
    }
}
