package org.cbec.gateway.agreement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.CanonicalRecord;

/**
 * Applies a partner's agreement to the records it sent, before they are archived as what the national systems get:
 * fields outside the agreement are withheld (the archived bytes keep them as evidence) and named in
 * {@code withheldFields}; every record carries {@code legalBasis}. Without an agreement the records pass as they are.
 */
public final class InboundAgreements {
    private InboundAgreements() {}

    /**
     * The records as they may cross; a large list's records are mapped one at a time as they are read, never all
     * held at once.
     */
    public static List<CanonicalRecord> apply(Agreement agreement, List<CanonicalRecord> records) {
        if (agreement == null) {
            return records;
        }
        return new Mapped(records, agreement);
    }

    /** One record under the agreement. */
    public static AgreedRecord apply(Agreement agreement, CanonicalRecord record) {
        if (record instanceof AgreedRecord already) {
            return already;
        }
        ObjectNode full = CanonicalJson.mapper().valueToTree(record);
        FieldPaths.Filtered filtered =
                agreement.inboundFields(record.recordType()).filterInPlace(full);
        ObjectNode json = filtered.record();
        json.put("legalBasis", agreement.reference());
        json.set("withheldFields", CanonicalJson.mapper().valueToTree(filtered.withheld()));
        return new AgreedRecord(
                record.recordType(),
                record.recordId(),
                record.recordVersion(),
                record.sourcePartner(),
                record.sourceMessageId(),
                json);
    }

    private static final class Mapped extends AbstractList<CanonicalRecord> implements RandomAccess {
        private final List<CanonicalRecord> records;
        private final Agreement agreement;

        Mapped(List<CanonicalRecord> records, Agreement agreement) {
            this.records = records;
            this.agreement = agreement;
        }

        @Override
        public CanonicalRecord get(int index) {
            return apply(agreement, records.get(index));
        }

        @Override
        public int size() {
            return records.size();
        }
    }
}
