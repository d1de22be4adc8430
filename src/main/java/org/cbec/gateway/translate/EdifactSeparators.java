package org.cbec.gateway.translate;

/**
 * The service characters that cut an EDIFACT interchange into segments, data elements and components, and the release
 * character that escapes them: ISO 9735's defaults, or what a {@code UNA} advises. The recogniser and the translator
 * read them alike, so they are defined once.
 */
record EdifactSeparators(char component, char element, char release, char terminator) {
    static final EdifactSeparators DEFAULT = new EdifactSeparators(':', '+', '?', '\'');

    /** What the {@code UNA} at {@code una} advises (its 4th, 5th, 7th and 9th characters); the caller checks it is whole. */
    static EdifactSeparators advisedBy(byte[] document, int una) {
        return new EdifactSeparators(
                charAt(document, una + 3),
                charAt(document, una + 4),
                charAt(document, una + 6),
                charAt(document, una + 8));
    }

    private static char charAt(byte[] document, int index) {
        return (char) (document[index] & 0xFF);
    }
}
