package org.cbec.gateway.partner;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cbec.gateway.agreement.Agreement;
import org.cbec.gateway.agreement.CanonicalFields;
import org.cbec.gateway.agreement.FieldPaths;
import org.cbec.gateway.canonical.RecordType;

/** Reads a partner file's {@code agreement} section (CONTRACT.md §9); every problem names the file and the field. */
final class AgreementSection {
    private static final Set<String> FIELDS = Set.of("reference", "inbound", "outbound");

    private AgreementSection() {}

    /** The agreement, or null when the file has none. */
    static Agreement parse(Path file, JsonNode node, Set<RecordType> messageTypes) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw PartnerFileParser.problem(file, "agreement", "must be a mapping of reference, inbound and outbound");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw PartnerFileParser.problem(
                        file, "agreement." + name, "is not an agreement field (known: reference, inbound, outbound)");
            }
        }
        JsonNode reference = node.get("reference");
        if (reference == null || !reference.isTextual() || reference.asText().isBlank()) {
            throw PartnerFileParser.problem(
                    file, "agreement.reference", "is required: the legal basis every record crossing under it carries");
        }
        Map<RecordType, FieldPaths> inbound = direction(file, node, "inbound");
        for (RecordType type : messageTypes) {
            if (!inbound.containsKey(type)) {
                throw PartnerFileParser.problem(
                        file,
                        "agreement.inbound",
                        "must list the fields of every type in messageTypes; " + type
                                + " is missing (\"*\" for all its fields)");
            }
        }
        return new Agreement(reference.asText().trim(), inbound, direction(file, node, "outbound"));
    }

    private static Map<RecordType, FieldPaths> direction(Path file, JsonNode agreement, String direction) {
        Map<RecordType, FieldPaths> fields = new EnumMap<>(RecordType.class);
        JsonNode node = agreement.get(direction);
        if (node == null || node.isNull()) {
            return fields;
        }
        if (!node.isObject()) {
            throw PartnerFileParser.problem(
                    file,
                    "agreement." + direction,
                    "must map record types (AEO_STATUS, ECOM_SHIPMENT) to lists of fields");
        }
        for (Iterator<Map.Entry<String, JsonNode>> types = node.fields(); types.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = types.next();
            String field = "agreement." + direction + "." + entry.getKey();
            RecordType type;
            try {
                type = RecordType.valueOf(entry.getKey());
            } catch (IllegalArgumentException e) {
                throw PartnerFileParser.problem(file, field, "is not a record type (AEO_STATUS, ECOM_SHIPMENT)");
            }
            if (!entry.getValue().isArray()) {
                throw PartnerFileParser.problem(file, field, "must be a list of field paths, or [\"*\"]");
            }
            Set<String> paths = new LinkedHashSet<>();
            Set<String> known = CanonicalFields.of(type);
            for (JsonNode element : entry.getValue()) {
                String path = element.isTextual() ? element.asText().trim() : "";
                if (path.isEmpty()) {
                    throw PartnerFileParser.problem(file, field, "must list non-empty field paths");
                }
                if (!path.equals("*") && !known.contains(path)) {
                    throw PartnerFileParser.problem(
                            file,
                            field,
                            "'" + path + "' is not a field of the canonical " + type + " record (known: "
                                    + String.join(", ", new TreeSet<>(known)) + ")");
                }
                paths.add(path);
            }
            fields.put(type, new FieldPaths(paths));
        }
        return fields;
    }
}
