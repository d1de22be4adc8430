package org.cbec.gateway.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tells a business document's format from its content alone (FORMATS.md), never from a header the sender
 * controls. Cheap by design: after a UTF-8 BOM and leading whitespace it looks at the first character and
 * reads only as far as needed: JSON is streamed until its top-level {@code documentType}, XML is scanned up
 * to the root start tag (no DTD or entity is ever read, let alone resolved), EDIFACT up to the message
 * header {@code UNH}, CSV to the end of the first line.
 */
public final class FormatRecognizer {

    static final String AEO_STATUS_XML_NAMESPACE = "urn:cbec:aeo-status:1";
    static final String WCO_DEC_NAMESPACE = "urn:wco:datamodel:WCO:DEC-DMS:2";

    private static final byte[] CSV_HEADER = AeoStatusCsvTranslator.HEADER.getBytes(StandardCharsets.US_ASCII);

    /** An interchange header runs to a handful of segments before UNH; more means it is not one. */
    private static final int MAX_SEGMENTS_BEFORE_UNH = 8;

    /** Service segments are short; a longer "segment" means this is not EDIFACT, and the scan stops. */
    private static final int MAX_SERVICE_SEGMENT_LENGTH = 2048;

    private FormatRecognizer() {}

    /** The document's format, or empty when it is none of the formats the gateway knows. */
    public static Optional<DocumentFormat> recognise(byte[] document) {
        return recognise(document, 0, document.length);
    }

    /** The same for the document in {@code document[from, end)}, the rest of the array being no part of it. */
    static Optional<DocumentFormat> recognise(byte[] document, int from, int end) {
        int start = from + Utf8.bomLength(document, from, end);
        while (start < end && isWhitespace(document[start])) {
            start++;
        }
        if (start >= end) {
            return Optional.empty();
        }
        return switch (document[start]) {
            case '{' -> json(document, from, end);
            case '<' -> xml(document, start, end);
            case 'U' -> edifact(document, start, end);
            default -> csv(document, start, end);
        };
    }

    private static Optional<DocumentFormat> json(byte[] document, int from, int end) {
        return JsonInput.topLevelString(document, from, end, "documentType").flatMap(type -> switch (type) {
            case AeoStatusJsonTranslator.DOCUMENT_TYPE -> Optional.of(DocumentFormat.AEO_STATUS_JSON);
            case EcomShipmentJsonTranslator.SHIPMENT, EcomShipmentJsonTranslator.BATCH ->
                Optional.of(DocumentFormat.ECOM_SHIPMENT_JSON);
            default -> Optional.empty();
        });
    }

    private static Optional<DocumentFormat> csv(byte[] document, int start, int end) {
        int headerEnd = start + CSV_HEADER.length;
        if (headerEnd > end) {
            return Optional.empty();
        }
        for (int i = 0; i < CSV_HEADER.length; i++) {
            if (document[start + i] != CSV_HEADER[i]) {
                return Optional.empty();
            }
        }
        boolean wholeLine = headerEnd == end || document[headerEnd] == '\n' || document[headerEnd] == '\r';
        return wholeLine ? Optional.of(DocumentFormat.AEO_STATUS_CSV) : Optional.empty();
    }

    private static Optional<DocumentFormat> xml(byte[] document, int start, int end) {
        return new XmlRootScanner(document, start, end).root().flatMap(root -> {
            if (root.is("AEOStatusList", AEO_STATUS_XML_NAMESPACE)) {
                return Optional.of(DocumentFormat.AEO_STATUS_XML);
            }
            if (root.is("Declaration", WCO_DEC_NAMESPACE)) {
                return Optional.of(DocumentFormat.WCO_DEC_XML);
            }
            return Optional.empty();
        });
    }

    private static Optional<DocumentFormat> edifact(byte[] document, int start, int end) {
        return new EdifactHeaderScanner(document, start, end)
                .messageType()
                .filter("CUSCAR"::equals)
                .map(type -> DocumentFormat.EDIFACT_CUSCAR);
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** The root element's local name and namespace URI. */
    private record XmlRoot(String localName, String namespace) {
        boolean is(String expectedLocalName, String expectedNamespace) {
            return localName.equals(expectedLocalName) && expectedNamespace.equals(namespace);
        }
    }

    /**
     * Reads past the prolog (XML declaration, processing instructions, comments, a DOCTYPE taken as opaque
     * text) to the root start tag and reads its name and namespace declarations. Names and namespace URIs
     * of the formats are ASCII, so bytes are read as Latin-1; anything unexpected means "not recognised".
     */
    private static final class XmlRootScanner {
        private final byte[] document;
        private final int end;
        private int position;

        XmlRootScanner(byte[] document, int position, int end) {
            this.document = document;
            this.position = position;
            this.end = end;
        }

        Optional<XmlRoot> root() {
            while (true) {
                skipWhitespace();
                if (startsWith("<?")) {
                    if (!skipPast("?>")) {
                        return Optional.empty();
                    }
                } else if (startsWith("<!--")) {
                    if (!skipPast("-->")) {
                        return Optional.empty();
                    }
                } else if (startsWith("<!DOCTYPE")) {
                    if (!skipDoctype()) {
                        return Optional.empty();
                    }
                } else if (startsWith("<") && !startsWith("<!") && !startsWith("</")) {
                    position++;
                    return startTag();
                } else {
                    return Optional.empty();
                }
            }
        }

        private Optional<XmlRoot> startTag() {
            String name = name();
            if (name.isEmpty()) {
                return Optional.empty();
            }
            int colon = name.indexOf(':');
            String declaration = colon < 0 ? "xmlns" : "xmlns:" + name.substring(0, colon);
            String namespace = null;
            while (true) {
                boolean separated = skipWhitespace();
                if (startsWith(">") || startsWith("/>")) {
                    return Optional.of(new XmlRoot(name.substring(colon + 1), namespace));
                }
                String attribute = name();
                if (!separated || attribute.isEmpty()) {
                    return Optional.empty();
                }
                skipWhitespace();
                if (!startsWith("=")) {
                    return Optional.empty();
                }
                position++;
                skipWhitespace();
                Optional<String> value = quoted();
                if (value.isEmpty()) {
                    return Optional.empty();
                }
                if (attribute.equals(declaration)) {
                    namespace = value.get();
                }
            }
        }

        private String name() {
            int start = position;
            while (position < end) {
                byte b = document[position];
                if (isWhitespace(b) || b == '>' || b == '/' || b == '=' || b == '<' || b == '"' || b == '\'') {
                    break;
                }
                position++;
            }
            return new String(document, start, position - start, StandardCharsets.ISO_8859_1);
        }

        private Optional<String> quoted() {
            if (position >= end || (document[position] != '"' && document[position] != '\'')) {
                return Optional.empty();
            }
            byte quote = document[position++];
            int start = position;
            while (position < end && document[position] != quote) {
                position++;
            }
            if (position >= end) {
                return Optional.empty();
            }
            return Optional.of(new String(document, start, position++ - start, StandardCharsets.ISO_8859_1));
        }

        /** Skips {@code <!DOCTYPE ...>} with any internal subset in brackets, without interpreting it. */
        private boolean skipDoctype() {
            int depth = 0;
            byte quote = 0;
            for (position += "<!DOCTYPE".length(); position < end; position++) {
                byte b = document[position];
                if (quote != 0) {
                    quote = b == quote ? 0 : quote;
                } else if (b == '"' || b == '\'') {
                    quote = b;
                } else if (b == '[') {
                    depth++;
                } else if (b == ']') {
                    depth--;
                } else if (b == '>' && depth <= 0) {
                    position++;
                    return true;
                }
            }
            return false;
        }

        private boolean skipWhitespace() {
            int start = position;
            while (position < end && isWhitespace(document[position])) {
                position++;
            }
            return position > start;
        }

        private boolean skipPast(String terminator) {
            for (int i = position; i + terminator.length() <= end; i++) {
                if (matches(i, terminator)) {
                    position = i + terminator.length();
                    return true;
                }
            }
            return false;
        }

        private boolean startsWith(String text) {
            return matches(position, text);
        }

        private boolean matches(int at, String text) {
            return AsciiText.regionMatches(document, at, end, text);
        }
    }

    /**
     * Reads the service string advice ({@code UNA}) if any, then segments up to the message header
     * {@code UNH}, honouring the separators and release character, and returns the message type (the first
     * component of UNH's second data element, e.g. {@code CUSCAR}).
     */
    private static final class EdifactHeaderScanner {
        private final byte[] document;
        private final int end;
        private int position;
        private EdifactSeparators separators = EdifactSeparators.DEFAULT;

        EdifactHeaderScanner(byte[] document, int position, int end) {
            this.document = document;
            this.position = position;
            this.end = end;
        }

        Optional<String> messageType() {
            if (startsWith("UNA")) {
                if (position + 9 > end) {
                    return Optional.empty();
                }
                separators = EdifactSeparators.advisedBy(document, position);
                position += 9;
            }
            for (int segment = 0; segment < MAX_SEGMENTS_BEFORE_UNH; segment++) {
                while (position < end && isWhitespace(document[position])) {
                    position++; // line breaks between segments are common and harmless
                }
                Optional<List<List<String>>> elements = segment();
                if (elements.isEmpty()) {
                    return Optional.empty();
                }
                String tag = elements.get().get(0).get(0);
                if (segment == 0 && !tag.equals("UNB")) {
                    return Optional.empty();
                }
                if (tag.equals("UNH")) {
                    List<List<String>> unh = elements.get();
                    return unh.size() > 2 ? Optional.of(unh.get(2).get(0)) : Optional.empty();
                }
            }
            return Optional.empty();
        }

        /** One segment as data elements of components, release characters removed; empty at the end. */
        private Optional<List<List<String>>> segment() {
            List<List<String>> elements = new ArrayList<>();
            List<String> components = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            int limit = Math.min(end, position + MAX_SERVICE_SEGMENT_LENGTH);
            while (position < limit) {
                char c = (char) (document[position++] & 0xFF);
                if (c == separators.release() && position < limit) {
                    text.append((char) (document[position++] & 0xFF));
                } else if (c == separators.component()) {
                    components.add(text.toString());
                    text.setLength(0);
                } else if (c == separators.element() || c == separators.terminator()) {
                    components.add(text.toString());
                    text.setLength(0);
                    elements.add(components);
                    components = new ArrayList<>();
                    if (c == separators.terminator()) {
                        return Optional.of(elements);
                    }
                } else {
                    text.append(c);
                }
            }
            return Optional.empty();
        }

        private boolean startsWith(String text) {
            return AsciiText.regionMatches(document, position, end, text);
        }
    }
}
