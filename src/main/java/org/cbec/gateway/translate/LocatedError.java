package org.cbec.gateway.translate;

/**
 * One problem found in a business document, with where it is: {@code row 3, column status} for CSV,
 * a JSON pointer such as {@code /operators/2/aeoId} for JSON, an XPath and line for XML.
 */
public record LocatedError(String location, String message) {
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
