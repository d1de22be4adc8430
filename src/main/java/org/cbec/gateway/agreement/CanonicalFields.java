package org.cbec.gateway.agreement;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.canonical.ShipmentRecord;

/**
 * The dotted field paths of each canonical record type (FORMATS.md), read from the canonical record classes so that
 * an agreement naming a field the model does not have is a configuration error, not a silent no-op.
 */
public final class CanonicalFields {
    /**
     * What identifies a record and where it came from: always kept, never an agreement's to withhold or refuse
     * ({@code mutualRecognition} is the gateway's own finding, not the partner's data).
     */
    public static final Set<String> ENVELOPE = Set.of(
            "recordType",
            "recordId",
            "recordVersion",
            "sourcePartner",
            "sourceMessageId",
            "sourceFormat",
            "mutualRecognition",
            "legalBasis",
            "withheldFields");

    private static final Map<RecordType, Set<String>> PATHS = new EnumMap<>(RecordType.class);

    static {
        PATHS.put(RecordType.AEO_STATUS, pathsOf(AeoStatusRecord.class));
        PATHS.put(RecordType.ECOM_SHIPMENT, pathsOf(ShipmentRecord.class));
    }

    private CanonicalFields() {}

    /** Every business field path of the type, parents and leaves ({@code buyer}, {@code buyer.address}, {@code buyer.address.country}). */
    public static Set<String> of(RecordType type) {
        return PATHS.get(type);
    }

    private static Set<String> pathsOf(Class<?> record) {
        Set<String> paths = new TreeSet<>();
        collect(record, "", paths);
        ENVELOPE.forEach(paths::remove);
        return Set.copyOf(paths);
    }

    private static void collect(Class<?> record, String prefix, Set<String> paths) {
        for (RecordComponent component : record.getRecordComponents()) {
            String path = prefix + component.getName();
            paths.add(path);
            Class<?> nested = elementClass(component.getGenericType());
            if (nested != null && nested.isRecord()) {
                collect(nested, path + ".", paths);
            }
        }
    }

    private static Class<?> elementClass(Type type) {
        if (type instanceof Class<?> plain) {
            return plain;
        }
        if (type instanceof ParameterizedType generic
                && generic.getActualTypeArguments().length == 1
                && generic.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element; // List<ShipmentItem>: a path names a field of every element
        }
        return null;
    }
}
