package org.cbec.gateway.translate;

import java.util.List;
import org.cbec.gateway.canonical.CanonicalRecord;

/** The outcome of translating one business document: its canonical records, or every error found. */
public sealed interface Translation permits Translation.Records, Translation.Invalid {

    DocumentFormat format();

    record Records(DocumentFormat format, List<CanonicalRecord> records) implements Translation {
        public Records {
            // A large document's records are made on demand (and unmodifiable already): a copy would hold them all.
            records = records instanceof OnDemandRecords ? records : List.copyOf(records);
        }
    }

    record Invalid(DocumentFormat format, List<LocatedError> errors) implements Translation {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}
