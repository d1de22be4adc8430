package org.cbec.gateway.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/** Writes {@code aeo-status-json}: a DELTA {@code AEO_STATUS_LIST} with one operator per record, and the legal basis. */
public final class AeoStatusJsonWriter implements DocumentWriter {
    @Override
    public byte[] write(List<AeoStatusRecord> records, String administration, Instant generatedAt, String legalBasis) {
        ObjectNode document = CanonicalJson.mapper().createObjectNode();
        document.put("documentType", AeoStatusJsonTranslator.DOCUMENT_TYPE);
        document.put("administration", administration);
        document.put("listType", "DELTA");
        document.put("generatedAt", generatedAt.toString());
        if (legalBasis != null) {
            document.put("legalBasis", legalBasis);
        }
        ArrayNode operators = document.putArray("operators");
        for (AeoStatusRecord record : records) {
            ObjectNode operator = operators.addObject();
            operator.put("aeoId", record.aeoId());
            operator.put("name", record.operatorName());
            ObjectNode address = operator.putObject("address");
            if (record.address() != null) {
                address.put("line", record.address().line());
                address.put("city", record.address().city());
                address.put("postcode", record.address().postcode());
                address.put("country", record.address().country());
            }
            operator.put("programme", record.programme());
            operator.put("status", record.status().name());
            operator.put("validFrom", String.valueOf(record.validFrom()));
            operator.put(
                    "validUntil",
                    record.validUntil() == null ? null : record.validUntil().toString());
            operator.put("statusChangedAt", record.statusChangedAt().toString());
            operator.put("statusReason", record.statusReason());
        }
        try {
            return CanonicalJson.mapper().writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot write an AEO status list", e);
        }
    }
}
