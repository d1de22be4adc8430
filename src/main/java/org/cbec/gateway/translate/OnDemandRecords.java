package org.cbec.gateway.translate;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.IntFunction;
import org.cbec.gateway.canonical.CanonicalRecord;

/**
 * The records of a large document, made again from the document each time one is read, so that a 10 MB
 * AEO list is not also held as 80,000 record objects while it is archived. The document was translated
 * whole, and found valid, before this list was made; reading a record twice gives equal records.
 * Unmodifiable.
 */
final class OnDemandRecords extends AbstractList<CanonicalRecord> implements RandomAccess {
    private final int size;
    private final IntFunction<? extends CanonicalRecord> recordAt;

    OnDemandRecords(int size, IntFunction<? extends CanonicalRecord> recordAt) {
        this.size = size;
        this.recordAt = recordAt;
    }

    @Override
    public CanonicalRecord get(int index) {
        return recordAt.apply(Objects.checkIndex(index, size));
    }

    @Override
    public int size() {
        return size;
    }
}
