package org.cbec.gateway.translate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.w3c.dom.Document;
import org.xml.sax.ContentHandler;
import org.xml.sax.EntityResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * The one hardened configuration of XML parsers for documents from outside: namespace aware, no DOCTYPE
 * (so no entity of any kind, internal or external), no DTD or external schema loading, no XInclude,
 * secure processing with explicit limits, and at most {@link #MAX_DEPTH} levels of element nesting. Any
 * breach is a fatal parse error. Parsers are built once per thread and reset between documents.
 *
 * <p>The JDK's own parser is used whatever else is on the class path ({@code newDefaultInstance}), so
 * that the JDK limit properties below are always understood.
 *
 * <p>This is the bottom of the one XML reading layer: the XML translators stream through {@link #read} into an
 * {@link XmlTree} of located elements and list their findings in {@link XmlErrors}; the signature formats parse
 * a DOM with {@link #parse} and walk it with {@link DomChildren}.
 */
public final class SecureXml {

    /** The deepest element nesting accepted; the formats need fewer than ten levels. */
    public static final int MAX_DEPTH = 64;

    private static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    private static final String EXTERNAL_GENERAL_ENTITIES = "http://xml.org/sax/features/external-general-entities";
    private static final String EXTERNAL_PARAMETER_ENTITIES = "http://xml.org/sax/features/external-parameter-entities";
    private static final String LOAD_EXTERNAL_DTD = "http://apache.org/xml/features/nonvalidating/load-external-dtd";
    private static final String MAX_ELEMENT_DEPTH = "jdk.xml.maxElementDepth";
    private static final String ENTITY_EXPANSION_LIMIT = "jdk.xml.entityExpansionLimit";
    private static final String MAX_GENERAL_ENTITY_SIZE = "jdk.xml.maxGeneralEntitySizeLimit";
    private static final String TOTAL_ENTITY_SIZE = "jdk.xml.totalEntitySizeLimit";
    private static final String ELEMENT_ATTRIBUTE_LIMIT = "jdk.xml.elementAttributeLimit";
    /** The parser features of both factories: secure processing on, DOCTYPE and every external entity off. */
    private static final Map<String, Boolean> FEATURES = features();

    /** The parser's message language: ROOT is its base (English) text; ENGLISH would fall back to the default locale's. */
    static final String LOCALE = "http://apache.org/xml/properties/locale";

    private static final ThreadLocal<DocumentBuilder> DOM = ThreadLocal.withInitial(SecureXml::newDocumentBuilder);
    private static final ThreadLocal<SAXParser> SAX = ThreadLocal.withInitial(SecureXml::newSaxParser);

    /** Never resolves anything: with DOCTYPE refused it is never asked, and if it were, the answer is nothing. */
    private static final EntityResolver NO_ENTITIES = (publicId, systemId) -> new InputSource(new StringReader(""));

    /** Turns every error into an exception so that nothing is parsed leniently. */
    private static final ErrorHandler STRICT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
            // a warning (e.g. an unusual encoding name) changes nothing in what was parsed
        }

        @Override
        public void error(SAXParseException exception) throws SAXParseException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXParseException {
            throw exception;
        }
    };

    private SecureXml() {}

    /**
     * Parses a whole document into a namespace-aware DOM.
     *
     * @throws SAXParseException when the bytes are not well-formed XML or break a limit (DOCTYPE, depth)
     */
    public static Document parse(byte[] document) throws SAXException {
        DocumentBuilder builder = DOM.get();
        builder.reset(); // reset() also drops the handlers, so they are set again for every document
        builder.setEntityResolver(NO_ENTITIES);
        builder.setErrorHandler(STRICT);
        try {
            return builder.parse(new ByteArrayInputStream(document));
        } catch (IOException e) {
            // bytes in memory cannot fail to be read; a parser that says so is a bug
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "reading XML from memory failed", e);
        }
    }

    /**
     * A hardened SAX reader of this thread, reset and ready for one document; set its handlers and parse.
     * Not to be kept: the next call on the same thread returns the same reader.
     */
    private static XMLReader reader() throws SAXException {
        SAXParser parser = SAX.get();
        parser.reset();
        parser.setProperty(LOCALE, Locale.ROOT); // reset() forgets it, unlike the limits
        XMLReader reader = parser.getXMLReader();
        reader.setEntityResolver(NO_ENTITIES);
        reader.setErrorHandler(STRICT);
        return reader;
    }

    /**
     * Streams a whole document through {@code handler} with this thread's hardened reader. A handler that has
     * what it wants, or must give up, throws a {@link Stop}: that ends the reading without a failure.
     *
     * @return the failure, located: {@code line L, column C} for XML that is not well-formed or breaks a limit
     */
    static Optional<LocatedError> read(byte[] document, ContentHandler handler) {
        try {
            XMLReader reader = reader();
            reader.setContentHandler(handler);
            reader.parse(new InputSource(new ByteArrayInputStream(document)));
            return Optional.empty();
        } catch (SAXParseException e) {
            return Optional.of(describe(e));
        } catch (Stop e) {
            return Optional.empty();
        } catch (SAXException | IOException e) {
            // the JDK reports some encoding defects as I/O errors rather than parse errors
            return Optional.of(new LocatedError("document", "not readable as XML: " + e.getMessage()));
        }
    }

    /** Thrown by a handler of {@link #read} to end the reading early: not a defect of the document. */
    static class Stop extends SAXException {
        Stop(String why) {
            super(why);
        }
    }

    /** A parse failure in words: {@code line L, column C} as location, the parser's message made plainer. */
    public static LocatedError describe(SAXParseException e) {
        String message = e.getMessage() == null ? "not well-formed XML" : e.getMessage();
        if (message.contains(DISALLOW_DOCTYPE)) {
            message = "a DOCTYPE declaration is not allowed (no DTDs, no entities)";
        } else if (message.contains("maxElementDepth")) {
            message = "elements are nested deeper than " + MAX_DEPTH + " levels";
        }
        String location = e.getLineNumber() > 0
                ? "line " + e.getLineNumber() + (e.getColumnNumber() > 0 ? ", column " + e.getColumnNumber() : "")
                : "document";
        return new LocatedError(location, message);
    }

    private static DocumentBuilder newDocumentBuilder() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        try {
            harden(factory::setFeature);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setAttribute(LOCALE, Locale.ROOT);
            limits(factory::setAttribute);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException | SAXException | IllegalArgumentException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the JDK XML parser refuses the hardened settings", e);
        }
    }

    private static SAXParser newSaxParser() {
        SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        try {
            harden(factory::setFeature);
            SAXParser parser = factory.newSAXParser();
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            limits(parser::setProperty);
            return parser;
        } catch (ParserConfigurationException | SAXException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the JDK XML parser refuses the hardened settings", e);
        }
    }

    private static Map<String, Boolean> features() {
        Map<String, Boolean> features = new LinkedHashMap<>();
        features.put(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        features.put(DISALLOW_DOCTYPE, true);
        features.put(EXTERNAL_GENERAL_ENTITIES, false);
        features.put(EXTERNAL_PARAMETER_ENTITIES, false);
        features.put(LOAD_EXTERNAL_DTD, false);
        return features;
    }

    /** Sets the hardening features on either parser factory; their setFeature methods share no interface. */
    private static void harden(FeatureSetter factory) throws ParserConfigurationException, SAXException {
        for (Map.Entry<String, Boolean> feature : FEATURES.entrySet()) {
            factory.set(feature.getKey(), feature.getValue());
        }
    }

    @FunctionalInterface
    private interface FeatureSetter {
        void set(String name, boolean value) throws ParserConfigurationException, SAXException;
    }

    /** The JDK limits, set explicitly rather than trusting defaults that change between releases. */
    private static <E extends Exception> void limits(Setter<E> setter) throws E {
        setter.set(MAX_ELEMENT_DEPTH, String.valueOf(MAX_DEPTH));
        setter.set(ENTITY_EXPANSION_LIMIT, "64");
        setter.set(MAX_GENERAL_ENTITY_SIZE, "4096");
        setter.set(TOTAL_ENTITY_SIZE, "65536");
        setter.set(ELEMENT_ATTRIBUTE_LIMIT, "64");
    }

    @FunctionalInterface
    private interface Setter<E extends Exception> {
        void set(String name, Object value) throws E;
    }
}
