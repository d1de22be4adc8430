package org.cbec.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;

/**
 * A partner format that is one JSON object: read as one of its {@code documentType}s (or refused with where it is
 * not), its records read by the format's own rules, which locate errors as partners know them, then gated by the
 * format's published schema (schemas/).
 */
abstract class JsonDocumentTranslator implements Translator {
    private final DocumentFormat format;
    private final JsonSchemas schema;
    private final String[] documentTypes;

    JsonDocumentTranslator(DocumentFormat format, JsonSchemas schema, String... documentTypes) {
        this.format = format;
        this.schema = schema;
        this.documentTypes = documentTypes.clone();
    }

    @Override
    public final DocumentFormat format() {
        return format;
    }

    @Override
    public final Translation translate(byte[] document, TranslationContext context) {
        JsonFields fields = new JsonFields();
        Optional<JsonNode> parsed = fields.document(document, documentTypes);
        if (parsed.isEmpty()) {
            return new Translation.Invalid(format, fields.errors());
        }
        JsonNode root = parsed.get();
        List<CanonicalRecord> records = records(root, fields, context.source(format), context);
        // the schema is a gate after the format's rules
        return schema.gate(format, fields, root, records);
    }

    /** The records of a document of one of the format's types; every error found goes into {@code fields}. */
    abstract List<CanonicalRecord> records(
            JsonNode root, JsonFields fields, RecordSource source, TranslationContext context);
}
