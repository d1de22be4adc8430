package org.cbec.gateway.agreement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one record type that may cross under an agreement: dotted paths into the canonical record
 * ({@code buyer.address.country}), or {@code "*"} for all. A path allows its whole subtree; a path into an object
 * keeps the object with only the allowed parts; a path into a list ({@code items.hsCode}) applies to every element.
 */
public record FieldPaths(Set<String> paths) {
    public static final FieldPaths ALL = new FieldPaths(Set.of("*"));

    public FieldPaths {
        paths = Set.copyOf(paths);
    }

    public boolean all() {
        return paths.contains("*");
    }

    /** The record with only the allowed fields (and the envelope), and the paths of the fields it withheld. */
    public record Filtered(ObjectNode record, List<String> withheld) {}

    /** A copy of {@code record} without the fields outside these paths; the envelope always stays. */
    public Filtered filter(ObjectNode record) {
        return filterInPlace(record.deepCopy());
    }

    /**
     * The same on a tree the caller owns and gives up (a record just turned into a tree): no copy, which the inbound
     * path makes for every record of every message under an agreement.
     */
    public Filtered filterInPlace(ObjectNode record) {
        ObjectNode copy = record;
        Set<String> withheld = new LinkedHashSet<>();
        if (!all()) {
            prune(copy, "", withheld, true);
        }
        return new Filtered(copy, List.copyOf(withheld));
    }

    /** The paths of the fields with a value in {@code record} that these paths do not allow, in record order. */
    public List<String> outside(ObjectNode record) {
        if (all()) {
            return List.of();
        }
        Set<String> outside = new LinkedHashSet<>();
        prune(record.deepCopy(), "", outside, true);
        return new ArrayList<>(outside);
    }

    private void prune(ObjectNode node, String prefix, Set<String> withheld, boolean top) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix + field.getKey();
            if ((top && CanonicalFields.ENVELOPE.contains(field.getKey())) || allows(path)) {
                continue;
            }
            JsonNode value = field.getValue();
            if (leadsInto(path) && (value.isObject() || value.isArray())) {
                if (value.isObject()) {
                    prune((ObjectNode) value, path + ".", withheld, false);
                } else {
                    for (JsonNode element : (ArrayNode) value) {
                        if (element.isObject()) {
                            prune((ObjectNode) element, path + ".", withheld, false);
                        }
                    }
                }
                continue;
            }
            if (!value.isNull() && !value.isMissingNode()) {
                withheld.add(path);
            }
            fields.remove();
        }
    }

    /** The path itself or one of its parents is allowed. */
    private boolean allows(String path) {
        for (String allowed : paths) {
            if (path.equals(allowed) || path.startsWith(allowed + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Some allowed path lies below this one: the object stays, with only its allowed parts. */
    private boolean leadsInto(String path) {
        for (String allowed : paths) {
            if (allowed.startsWith(path + ".")) {
                return true;
            }
        }
        return false;
    }
}
