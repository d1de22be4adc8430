package org.cbec.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;

/**
 * {@code aeo-status-json}: a JSON object with {@code "documentType":"AEO_STATUS_LIST"}, the issuing
 * {@code administration}, a {@code listType} (DELTA or FULL, see {@link AeoStatusList}) and a non-empty
 * {@code operators} array, one status statement each. Errors are located by JSON pointer
 * ({@code /operators/2/status}); every one is reported.
 */
public final class AeoStatusJsonTranslator extends JsonDocumentTranslator {

    /** The {@code documentType} this format is recognised by. */
    public static final String DOCUMENT_TYPE = "AEO_STATUS_LIST";

    public AeoStatusJsonTranslator() {
        super(DocumentFormat.AEO_STATUS_JSON, JsonSchemas.AEO_STATUS_LIST, DOCUMENT_TYPE);
    }

    @Override
    List<CanonicalRecord> records(JsonNode root, JsonFields fields, RecordSource source, TranslationContext context) {
        fields.requiredChecked(root, "", "administration", Rules::isCountry, Rules.COUNTRY);
        fields.required(root, "", "listType", AeoStatusList.ListType::parse, "must be DELTA or FULL");
        fields.optional(root, "", "generatedAt", Rules::instant, Rules.INSTANT);
        JsonNode operators = fields.requiredNonEmptyArray(root, "", "operators", "operator");

        List<CanonicalRecord> records = new ArrayList<>();
        Map<String, String> statements = new HashMap<>();
        for (int i = 0; operators != null && i < operators.size(); i++) {
            String at = JsonFields.pointer("/operators", i);
            operator(operators.get(i), at, fields, source, context).ifPresent(record -> {
                String earlier = statements.putIfAbsent(record.aeoId() + " " + record.statusChangedAt(), at);
                if (earlier != null) {
                    fields.error(
                            JsonFields.pointer(at, "aeoId"),
                            "repeats the statement of " + earlier + " (same aeoId and statusChangedAt)");
                }
                records.add(record);
            });
        }
        return records;
    }

    private static Optional<AeoStatusRecord> operator(
            JsonNode operator, String at, JsonFields fields, RecordSource source, TranslationContext context) {
        if (!operator.isObject()) {
            fields.error(at, "must be a JSON object");
            return Optional.empty();
        }
        int errorsBefore = fields.errorCount();
        String aeoId = fields.requiredChecked(operator, at, "aeoId", context::isOwnAeoId, context.aeoIdRule());
        String name = fields.requiredText(operator, at, "name");
        Address address = address(operator, at, fields);
        String programme = fields.optionalText(operator, at, "programme");
        AeoStatus status = fields.required(operator, at, "status", Rules::status, Rules.STATUS);
        LocalDate validFrom = fields.required(operator, at, "validFrom", Rules::date, Rules.DATE);
        LocalDate validUntil = fields.optional(operator, at, "validUntil", Rules::date, Rules.DATE);
        Instant statusChangedAt = fields.required(operator, at, "statusChangedAt", Rules::instant, Rules.INSTANT);
        String statusReason = fields.optionalText(operator, at, "statusReason");
        if (fields.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(AeoStatusRecord.create(
                source, aeoId, name, address, programme, status, validFrom, validUntil, statusChangedAt, statusReason));
    }

    private static Address address(JsonNode operator, String at, JsonFields fields) {
        JsonNode address = fields.requiredObject(operator, at, "address");
        if (address == null) {
            return null;
        }
        String where = JsonFields.pointer(at, "address");
        return new Address(
                fields.optionalText(address, where, "line"),
                fields.optionalText(address, where, "city"),
                fields.optionalText(address, where, "postcode"),
                fields.requiredChecked(address, where, "country", Rules::isCountry, Rules.COUNTRY));
    }
}
