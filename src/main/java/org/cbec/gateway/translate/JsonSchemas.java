package org.cbec.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.cbec.gateway.canonical.CanonicalRecord;

/**
 * The JSON Schemas (2020-12) of the JSON business documents and canonical records, from the repository's
 * {@code schemas/} folder (on the classpath under {@code /schemas/}), parsed once and shared by every thread.
 * <p>
 * How the gateway uses them: a JSON translator first applies its own rules, which locate each error in the words
 * partners already get (and that the golden files fix); only a document those rules accept is then validated against
 * its schema, and anything the schema refuses is reported the same way, at its JSON pointer. So a broken document
 * gives the same located errors as before, and the published schema is a gate the gateway really applies: a
 * document that breaks it is never accepted, whatever a translator's code says.
 */
public final class JsonSchemas {
    /** {@code schemas/json/aeo-status-list.schema.json}: {@code aeo-status-json}. */
    public static final JsonSchemas AEO_STATUS_LIST = load("json/aeo-status-list.schema.json");
    /** {@code schemas/json/ecom-shipment.schema.json}: {@code ecom-shipment-json}, one shipment or a batch. */
    public static final JsonSchemas ECOM_SHIPMENT = load("json/ecom-shipment.schema.json");
    /** {@code schemas/canonical/aeo-status-record.schema.json}. */
    public static final JsonSchemas AEO_STATUS_RECORD = load("canonical/aeo-status-record.schema.json");
    /** {@code schemas/canonical/ecom-shipment-record.schema.json}. */
    public static final JsonSchemas ECOM_SHIPMENT_RECORD = load("canonical/ecom-shipment-record.schema.json");

    private final String name;
    private final JsonSchema schema;

    private JsonSchemas(String name, JsonSchema schema) {
        this.name = name;
        this.schema = schema;
    }

    private static JsonSchemas load(String name) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .locale(Locale.ROOT)
                .build();
        try (InputStream in = JsonSchemas.class.getResourceAsStream("/schemas/" + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "schema " + name + " is not on the classpath (the build copies schemas/ into the jar)");
            }
            return new JsonSchemas(
                    name,
                    JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                            .getSchema(in, config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + name, e);
        }
    }

    /** The schema's file under {@code schemas/}. */
    public String name() {
        return name;
    }

    /** Every way the document breaks the schema, located at its JSON pointer ({@code document} for the root), in pointer order. */
    public List<LocatedError> validate(JsonNode document) {
        return schema.validate(document).stream()
                .map(JsonSchemas::located)
                .sorted(Comparator.comparing(LocatedError::location).thenComparing(LocatedError::message))
                .distinct()
                .toList();
    }

    /**
     * A JSON translator's outcome: its own rules' errors when there are any, else the schema's, else its records.
     */
    Translation gate(DocumentFormat format, JsonFields fields, JsonNode root, List<CanonicalRecord> records) {
        if (fields.hasErrors()) {
            return new Translation.Invalid(format, fields.errors());
        }
        List<LocatedError> schemaErrors = validate(root);
        return schemaErrors.isEmpty()
                ? new Translation.Records(format, records)
                : new Translation.Invalid(format, schemaErrors);
    }

    private static LocatedError located(ValidationMessage message) {
        String pointer = message.getInstanceLocation().toString();
        String text = message.getMessage();
        // the message starts with its location; the location is said once, as the translators' errors do
        if (text.startsWith(pointer + ": ")) {
            text = text.substring(pointer.length() + 2);
        }
        return new LocatedError(
                pointer.isEmpty() || "/".equals(pointer) ? "document" : pointer,
                text + " (schema " + message.getType() + ")");
    }
}
