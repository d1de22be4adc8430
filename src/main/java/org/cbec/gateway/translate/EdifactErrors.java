package org.cbec.gateway.translate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every error of one translation, listed in document order (by segment position, then in the order
 * found), at most {@link #MAX_ERRORS}.
 */
final class EdifactErrors {
    /** At most this many errors are listed; one more line says that there were more. */
    static final int MAX_ERRORS = 1000;

    private record Found(int position, int sequence, LocatedError error) {}

    private final List<Found> found = new ArrayList<>();
    private boolean overflow;

    void add(int position, String location, String message) {
        if (found.size() >= MAX_ERRORS) {
            overflow = true;
            return;
        }
        found.add(new Found(position, found.size(), new LocatedError(location, message)));
    }

    void add(EdifactSegment segment, String message) {
        add(segment.position(), segment.at(), message);
    }

    void add(EdifactSegment segment, int element, String message) {
        add(segment.position(), segment.at(element), message);
    }

    void add(EdifactSegment segment, int element, int component, String message) {
        add(segment.position(), segment.at(element, component), message);
    }

    int count() {
        return found.size();
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    List<LocatedError> sorted() {
        List<LocatedError> errors = new ArrayList<>(found.size() + 1);
        found.stream()
                .sorted(Comparator.comparingInt(Found::position).thenComparingInt(Found::sequence))
                .forEach(f -> errors.add(f.error()));
        if (overflow) {
            errors.add(new LocatedError("document", "more than " + MAX_ERRORS + " errors; the rest are not listed"));
        }
        return errors;
    }
}
