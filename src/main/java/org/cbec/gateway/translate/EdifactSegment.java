package org.cbec.gateway.translate;

import java.util.List;

/**
 * One segment: its position in the interchange, its tag and its data elements, each a list of
 * components (a simple data element has one). Positions in the accessors count from 1, as the
 * directories do; an absent element or component reads as the empty string.
 */
record EdifactSegment(int position, String tag, List<List<String>> elements) {
    /** A tag is shown with at most this many characters, unprintable ones as {@code ?}. */
    static final int MAX_SHOWN_TAG = 8;

    EdifactSegment {
        elements = elements.stream().map(List::copyOf).toList();
    }

    String text(int element) {
        return text(element, 1);
    }

    String text(int element, int component) {
        if (element < 1 || element > elements.size()) {
            return "";
        }
        List<String> components = elements.get(element - 1);
        return component >= 1 && component <= components.size() ? components.get(component - 1) : "";
    }

    /** The non-empty components of an element, in order. */
    List<String> components(int element) {
        return element >= 1 && element <= elements.size()
                ? elements.get(element - 1).stream().filter(c -> !c.isEmpty()).toList()
                : List.of();
    }

    String at() {
        return EdifactSegment.at(position, tag);
    }

    String at(int element) {
        return EdifactSegment.at(position, tag, element);
    }

    String at(int element, int component) {
        return EdifactSegment.at(position, tag, element, component);
    }

    /** Where an error is: {@code segment N (TAG)}, with element and component when known. */
    static String at(int position, String tag) {
        return "segment " + position + (tag.isEmpty() ? "" : " (" + printable(tag) + ")");
    }

    static String at(int position, String tag, int element) {
        return at(position, tag) + ", element " + element;
    }

    static String at(int position, String tag, int element, int component) {
        return at(position, tag, element) + ", component " + component;
    }

    private static String printable(String tag) {
        StringBuilder shown = new StringBuilder(tag.length());
        tag.chars().limit(MAX_SHOWN_TAG).forEach(c -> shown.append(c > ' ' && c < 0x7F ? (char) c : '?'));
        return shown.toString();
    }
}
