package org.cbec.gateway.agreement;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.canonical.RecordType;

/**
 * A data-sharing agreement with one partner (CONTRACT.md §9): its legal basis, and per direction and record type
 * the fields that may cross. Plain data, parsed from the partner file's {@code agreement} section.
 *
 * @param reference the legal basis, carried as {@code legalBasis} by every record forwarded or sent under it
 * @param inbound   what the partner may send that reaches the national systems, per record type
 * @param outbound  what the national side may send to the partner, per record type; a type absent may not be sent
 */
public record Agreement(String reference, Map<RecordType, FieldPaths> inbound, Map<RecordType, FieldPaths> outbound) {
    public Agreement {
        inbound = inbound.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(inbound));
        outbound = outbound.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(outbound));
    }

    /** The fields of a type kept inbound; a type the agreement does not name keeps none of its business fields. */
    public FieldPaths inboundFields(RecordType type) {
        return inbound.getOrDefault(type, new FieldPaths(java.util.Set.of()));
    }

    /** The fields of a type the national side may send, or empty when the type may not be sent at all. */
    public Optional<FieldPaths> outboundFields(RecordType type) {
        return Optional.ofNullable(outbound.get(type));
    }
}
