package org.cbec.gateway.translate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The errors found in one XML document, each located as {@code <path>, line <n>} and listed in document order
 * (by line, then as found), at most {@code max} of them and then a line that says the rest are not listed.
 */
final class XmlErrors {
    private final int max;
    private final List<Found> found = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();
    private boolean truncated;

    /** An error with the line it was found on, so that the list can be put in document order. */
    private record Found(int line, int order, LocatedError error) {}

    XmlErrors(int max) {
        this.max = max;
    }

    /**
     * Keeps an error at an element's (or attribute's) path and line.
     *
     * @return false when the list is full and the error was not kept
     */
    boolean add(String path, int line, String message) {
        if (found.size() >= max) {
            truncated = true;
            return false;
        }
        paths.add(path);
        found.add(new Found(line, found.size(), new LocatedError(path + ", line " + line, message)));
        return true;
    }

    /** Keeps an error that ended the reading (not well-formed XML): listed last, whatever the count. */
    void fatal(LocatedError error) {
        found.add(new Found(Integer.MAX_VALUE, found.size(), error));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Whether errors were left out because the list was full. */
    boolean truncated() {
        return truncated;
    }

    boolean hasErrorAt(String path) {
        return paths.contains(path);
    }

    boolean hasErrorAtOrUnder(String path) {
        return paths.stream().anyMatch(p -> p.equals(path) || p.startsWith(path + "/"));
    }

    List<LocatedError> list() {
        List<Found> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(Found::line).thenComparingInt(Found::order));
        List<LocatedError> errors = new ArrayList<>(sorted.size() + 1);
        for (Found f : sorted) {
            errors.add(f.error());
        }
        if (truncated) {
            errors.add(new LocatedError("document", "more than " + max + " errors; the rest are not listed"));
        }
        return errors;
    }
}
