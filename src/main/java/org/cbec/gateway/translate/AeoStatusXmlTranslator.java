package org.cbec.gateway.translate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * {@code aeo-status-xml}: an {@code AEOStatusList} in namespace {@value #NAMESPACE}, validated against the
 * shipped schema {@value #SCHEMA_RESOURCE} and then held to the same rules as the CSV and JSON forms
 * (ISO country codes, the country prefix of an AEO id, dates, one statement per id and status change),
 * so that one statement gives the same canonical record, {@code recordId} and {@code recordVersion}
 * whichever form carried it. The enveloped {@code ds:Signature} is verified by the signature container
 * and skipped here.
 *
 * <p>The document is read in one hardened SAX pass ({@link SecureXml}) that feeds the schema validator
 * and builds a small tree of the list's own elements. Every error is located as an XPath-like path and
 * a line, e.g. {@code /AEOStatusList/AuthorisedEconomicOperator[2]/StatusCode, line 7}; a document that
 * is not well-formed XML is located by {@code line L, column C}. At most {@value #MAX_ERRORS} errors
 * are listed.
 */
public final class AeoStatusXmlTranslator implements Translator {

    /** The namespace of the list and of every element of it. */
    public static final String NAMESPACE = "urn:cbec:aeo-status:1";

    /** The schema on the class path, as shipped to partners. */
    public static final String SCHEMA_RESOURCE = "/schemas/xml/aeo-status-1.xsd";

    /** Beyond this many errors the list would only grow the refusal, not help the sender. */
    static final int MAX_ERRORS = 1000;

    private static final String XMLDSIG = "http://www.w3.org/2000/09/xmldsig#";
    static final String LIST = "AEOStatusList";
    static final String OPERATOR = "AuthorisedEconomicOperator";
    private static final String LIST_TYPE = "must be DELTA or FULL";
    private static final String ONE_LINE_512 =
            "must be 1 to 512 characters on one line, without leading or trailing white space";

    /** What a value that breaks its schema type must be, in the words the CSV and JSON forms use. */
    private static final Map<String, String> VALUE_RULES = Map.ofEntries(
            Map.entry("ResponsibleCountryCode", Rules.COUNTRY),
            Map.entry("IssueDateTime", Rules.INSTANT),
            Map.entry("ListTypeCode", LIST_TYPE),
            Map.entry("ID", Rules.AEO_ID),
            Map.entry("Name", ONE_LINE_512),
            Map.entry("Line", ONE_LINE_512),
            Map.entry("CityName", "must be 1 to 128 characters on one line, without leading or trailing white space"),
            Map.entry(
                    "PostcodeID",
                    "must be 1 to 17 letters, digits, spaces or hyphens, "
                            + "starting and ending with a letter or digit"),
            Map.entry("CountryCode", Rules.COUNTRY),
            Map.entry("ProgrammeCode", "must be 1 to 35 characters A-Z, 0-9 or -, starting and ending with A-Z or 0-9"),
            Map.entry("StatusCode", Rules.STATUS),
            Map.entry("EffectiveDate", Rules.DATE),
            Map.entry("ExpiryDate", Rules.DATE),
            Map.entry("StatusChangeDateTime", Rules.INSTANT),
            Map.entry("StatusReason", "must be 1 to 1024 characters, without leading or trailing white space"));

    /** Schema error keys that mean "this element's text breaks its type" rather than "wrong structure". */
    private static final List<String> VALUE_ERROR_KEYS = List.of(
            "cvc-datatype-valid",
            "cvc-pattern-valid",
            "cvc-enumeration-valid",
            "cvc-minLength-valid",
            "cvc-maxLength-valid",
            "cvc-length-valid",
            "cvc-type.3.1.3");

    // compiled once: a Schema is immutable and thread-safe; validator handlers are made per document
    private static final Schema SCHEMA = loadSchema();

    @Override
    public DocumentFormat format() {
        return DocumentFormat.AEO_STATUS_XML;
    }

    @Override
    public Translation translate(byte[] document, TranslationContext context) {
        Reading reading = read(document);
        if (reading.root == null || reading.stopped) {
            return new Translation.Invalid(format(), reading.errors());
        }
        AeoStatusXmlMapping mapping = new AeoStatusXmlMapping(
                reading, new RecordSource(context.partnerId(), context.messageId(), format().id()), context);
        List<CanonicalRecord> records = mapping.records();
        List<LocatedError> errors = reading.errors();
        return errors.isEmpty()
                ? new Translation.Records(format(), records)
                : new Translation.Invalid(format(), errors);
    }

    /**
     * The {@code MetaData/ListTypeCode} of an {@code aeo-status-xml} document, read by streaming only up
     * to that element; empty when the document has none or is no such list (its translation refuses it).
     */
    public static Optional<AeoStatusList.ListType> listType(byte[] document) {
        ListTypeScan scan = new ListTypeScan();
        try {
            XMLReader reader = SecureXml.reader();
            reader.setContentHandler(scan);
            reader.parse(new InputSource(new ByteArrayInputStream(document)));
        } catch (SAXException | IOException e) {
            // the scan stops itself with an exception once it has the value; a bad document has none
            return scan.found.flatMap(AeoStatusList.ListType::parse);
        }
        return Optional.empty(); // a well-formed document read to its end without ListTypeCode where it belongs
    }

    private static Reading read(byte[] document) {
        Reading reading = new Reading(newValidatorHandler());
        try {
            XMLReader reader = SecureXml.reader();
            reader.setContentHandler(reading);
            reader.parse(new InputSource(new ByteArrayInputStream(document)));
        } catch (SAXParseException e) {
            reading.fatal(SecureXml.describe(e));
        } catch (TooManyErrors e) {
            reading.stopped = true;
        } catch (SAXException | IOException e) {
            // the JDK reports some encoding defects as I/O errors rather than parse errors
            reading.fatal(new LocatedError("document", "not readable as XML: " + e.getMessage()));
        }
        return reading;
    }

    private static ValidatorHandler newValidatorHandler() {
        ValidatorHandler handler = SCHEMA.newValidatorHandler();
        try {
            handler.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            handler.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            handler.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the JDK schema validator refuses the hardened settings", e);
        }
        try {
            handler.setProperty(
                    SecureXml.LOCALE, Locale.ROOT); // the same (English) messages whatever the machine's locale
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            // messages then follow the default locale; the locations and the errors found stay the same
            return handler;
        }
        return handler;
    }

    private static Schema loadSchema() {
        URL resource = AeoStatusXmlTranslator.class.getResource(SCHEMA_RESOURCE);
        if (resource == null) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the schema " + SCHEMA_RESOURCE + " is not on the class path");
        }
        SchemaFactory factory = SchemaFactory.newDefaultInstance();
        try (InputStream in = resource.openStream()) {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(new StreamSource(in, resource.toExternalForm()));
        } catch (SAXException | IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the schema " + SCHEMA_RESOURCE + " cannot be compiled", e);
        }
    }

    /** One element of the list's own namespace, with its text when it has no element children. */
    static final class Node {
        final String localName;
        final String path;
        final int line;
        final List<Node> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        Node(String localName, String path, int line) {
            this.localName = localName;
            this.path = path;
            this.line = line;
        }

        Optional<Node> child(String name) {
            return children.stream()
                    .filter(child -> child.localName.equals(name))
                    .findFirst();
        }

        List<Node> all(String name) {
            return children.stream()
                    .filter(child -> child.localName.equals(name))
                    .toList();
        }
    }

    /** An error with the line it was found on, so that the list can be put in document order. */
    private record Found(int line, int order, LocatedError error) {}

    static final class TooManyErrors extends SAXException {
        TooManyErrors() {
            super("more than " + MAX_ERRORS + " errors");
        }
    }

    /** One element open in the SAX pass: its path, and how many children of each name it has had so far. */
    private static final class Frame {
        final String path;
        final Node node;
        final Map<String, Integer> childCounts = new HashMap<>();

        Frame(String path, Node node) {
            this.path = path;
            this.node = node;
        }
    }

    /**
     * The SAX pass: tracks the path of the current element, forwards every event to the schema validator
     * (whose errors are located with that path) and builds the tree of the list's own elements.
     */
    static final class Reading extends DefaultHandler {
        private final ValidatorHandler validator;
        private final Deque<Frame> frames = new ArrayDeque<>();
        private final List<Found> found = new ArrayList<>();
        private final Set<String> pathsWithErrors = new HashSet<>();
        private Locator locator;
        Node root;
        boolean stopped;

        Reading(ValidatorHandler validator) {
            this.validator = validator;
            validator.setErrorHandler(this);
        }

        List<LocatedError> errors() {
            List<Found> sorted = new ArrayList<>(found);
            sorted.sort(Comparator.comparingInt(Found::line).thenComparingInt(Found::order));
            List<LocatedError> errors = new ArrayList<>();
            for (Found f : sorted) {
                errors.add(f.error());
            }
            if (stopped) {
                errors.add(
                        new LocatedError("document", "more than " + MAX_ERRORS + " errors; the rest are not listed"));
            }
            return errors;
        }

        boolean hasErrorAtOrUnder(String path) {
            return pathsWithErrors.stream().anyMatch(p -> p.equals(path) || p.startsWith(path + "/"));
        }

        boolean hasErrorAt(String path) {
            return pathsWithErrors.contains(path);
        }

        void add(String path, int line, String message) throws TooManyErrors {
            if (found.size() >= MAX_ERRORS) {
                stopped = true;
                throw new TooManyErrors();
            }
            pathsWithErrors.add(path);
            found.add(new Found(line, found.size(), new LocatedError(path + ", line " + line, message)));
        }

        void fatal(LocatedError error) {
            // after a well-formedness error nothing can be mapped: the tree is dropped
            root = null;
            found.add(new Found(Integer.MAX_VALUE, found.size(), error));
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
            validator.setDocumentLocator(locator);
        }

        @Override
        public void startDocument() throws SAXException {
            validator.startDocument();
        }

        @Override
        public void endDocument() throws SAXException {
            validator.endDocument();
        }

        @Override
        public void startPrefixMapping(String prefix, String uri) throws SAXException {
            validator.startPrefixMapping(prefix, uri);
        }

        @Override
        public void endPrefixMapping(String prefix) throws SAXException {
            validator.endPrefixMapping(prefix);
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes)
                throws SAXException {
            boolean ours = NAMESPACE.equals(uri);
            String name = ours ? localName : qName;
            Frame parent = frames.peek();
            String path;
            if (parent == null) {
                path = "/" + name;
            } else {
                int index = parent.childCounts.merge(name, 1, Integer::sum);
                path = parent.path + "/" + name + (index > 1 || OPERATOR.equals(name) ? "[" + index + "]" : "");
            }
            Node node = null;
            // only the list's own elements are kept, and only under its own elements (a ds:Signature is skipped)
            if (ours && (parent == null || parent.node != null)) {
                node = new Node(localName, path, line());
                if (parent == null) {
                    root = node;
                } else {
                    parent.node.children.add(node);
                }
            }
            frames.push(new Frame(path, node));
            validator.startElement(uri, localName, qName, attributes);
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            validator.endElement(uri, localName, qName);
            frames.pop();
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            Frame frame = frames.peek();
            if (frame != null && frame.node != null) {
                frame.node.text.append(ch, start, length);
            }
            validator.characters(ch, start, length);
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            validator.ignorableWhitespace(ch, start, length);
        }

        @Override
        public void processingInstruction(String target, String data) throws SAXException {
            validator.processingInstruction(target, data);
        }

        @Override
        public void skippedEntity(String name) throws SAXException {
            validator.skippedEntity(name);
        }

        // as the validator's ErrorHandler: every schema error is kept, located, and parsing goes on

        @Override
        public void warning(SAXParseException exception) {
            // the schema validator warns about nothing that makes a document invalid
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            schemaError(exception);
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            schemaError(exception);
        }

        private void schemaError(SAXParseException exception) throws SAXException {
            Frame frame = frames.peek();
            String path = frame == null ? "document" : frame.path;
            String message = exception.getMessage() == null ? "breaks the schema" : exception.getMessage();
            String key = message.startsWith("cvc-") && message.indexOf(':') > 0
                    ? message.substring(0, message.indexOf(':'))
                    : "";
            boolean valueError = VALUE_ERROR_KEYS.stream().anyMatch(key::startsWith);
            if (valueError) {
                if (hasErrorAt(path)) {
                    return; // the schema reports a bad value twice (facet, then type): once is enough
                }
                // No element of the list's own (a value error inside foreign content): the schema's words. Map.of has
                // no null key.
                String elementName = frame == null || frame.node == null ? null : frame.node.localName;
                message = elementName == null
                        ? plain(message, key)
                        : VALUE_RULES.getOrDefault(elementName, plain(message, key));
            } else if (key.equals("cvc-elt.1.a") && frames.size() == 1) {
                message = "the root element must be " + LIST + " in namespace " + NAMESPACE; // not "no declaration"
            } else {
                message = plain(message, key);
            }
            add(path, exception.getLineNumber() > 0 ? exception.getLineNumber() : line(), message);
        }

        /** The schema message without its {@code cvc-} key and with the list's namespace left out of names. */
        private static String plain(String message, String key) {
            String text = key.isEmpty()
                    ? message
                    : message.substring(key.length() + 1).trim();
            return text.replace("\"" + NAMESPACE + "\":", "")
                    .replace("\"" + XMLDSIG + "\":", "ds:")
                    .replace("'{", "'")
                    .replace("}'", "'");
        }

        private int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }
    }

    /** Streams to {@code /AEOStatusList/MetaData/ListTypeCode} and stops there. */
    private static final class ListTypeScan extends DefaultHandler {
        private final StringBuilder text = new StringBuilder();
        private int depth;
        private boolean inListType;
        private Optional<String> found = Optional.empty();

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes)
                throws SAXException {
            depth++;
            boolean ours = NAMESPACE.equals(uri);
            if (depth == 1) {
                if (!(ours && LIST.equals(localName))) {
                    throw new SAXException("not an AEO status list");
                }
            } else if (depth == 3 && ours && "ListTypeCode".equals(localName)) {
                inListType = true;
            } else if (depth == 2 && !(ours && "MetaData".equals(localName))) {
                throw new SAXException("no list type in the MetaData"); // MetaData comes first or not at all
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (inListType) {
                text.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            if (inListType) {
                found = Optional.of(text.toString());
                throw new SAXException("list type found");
            }
            depth--;
        }
    }
}
