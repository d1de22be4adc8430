package org.cbec.gateway.translate;

import java.util.List;
import java.util.Optional;
import javax.xml.validation.ValidatorHandler;
import org.xml.sax.Attributes;
import org.xml.sax.ErrorHandler;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The one pass over an {@code aeo-status-xml} document: the located tree of the list's own elements
 * ({@link XmlTree}), every event forwarded to the schema validator, whose errors are kept located with the
 * path of the element being read. The mapping adds its own errors to the same list.
 */
final class AeoStatusXmlReading extends XmlTree implements ErrorHandler {
    private final ValidatorHandler validator;
    private final XmlErrors errors = new XmlErrors(AeoStatusXmlTranslator.MAX_ERRORS);
    private boolean fatal;

    /** Thrown when the list of errors is full: the reading and the mapping stop there. */
    static final class TooManyErrors extends SecureXml.Stop {
        TooManyErrors() {
            super("more than " + AeoStatusXmlTranslator.MAX_ERRORS + " errors");
        }
    }

    private AeoStatusXmlReading(ValidatorHandler validator) {
        super(AeoStatusXmlTranslator.NAMESPACE, AeoStatusXmlTranslator.OPERATOR);
        this.validator = validator;
        validator.setErrorHandler(this);
    }

    /** Reads and validates a document; a document that is no well-formed XML has a fatal error and no tree. */
    static AeoStatusXmlReading of(byte[] document) {
        AeoStatusXmlReading reading = new AeoStatusXmlReading(AeoStatusSchema.newValidatorHandler());
        Optional<LocatedError> failure = reading.read(document);
        if (failure.isPresent()) {
            reading.fatal = true; // after a well-formedness error nothing can be mapped
            reading.errors.fatal(failure.get());
        }
        return reading;
    }

    /** The list's root element, empty when there is nothing to map: not well-formed, or rooted elsewhere. */
    Optional<Element> listRoot() {
        Element root = root();
        return fatal || root == null || !root.ours ? Optional.empty() : Optional.of(root);
    }

    /** Whether the list of errors is full, and the document not read or mapped to its end. */
    boolean stopped() {
        return errors.truncated();
    }

    List<LocatedError> errors() {
        return errors.list();
    }

    boolean hasErrorAtOrUnder(String path) {
        return errors.hasErrorAtOrUnder(path);
    }

    boolean hasErrorAt(String path) {
        return errors.hasErrorAt(path);
    }

    void add(String path, int line, String message) throws TooManyErrors {
        if (!errors.add(path, line, message)) {
            throw new TooManyErrors();
        }
    }

    @Override
    public void setDocumentLocator(Locator locator) {
        super.setDocumentLocator(locator);
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
    public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
        super.startElement(uri, localName, qName, attributes); // first, so that its errors have its path
        validator.startElement(uri, localName, qName, attributes);
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
        validator.endElement(uri, localName, qName);
        super.endElement(uri, localName, qName);
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
        super.characters(ch, start, length);
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
        String path = currentPath();
        String message = exception.getMessage() == null ? "breaks the schema" : exception.getMessage();
        String key = AeoStatusSchema.key(message);
        if (AeoStatusSchema.isValueError(key)) {
            if (hasErrorAt(path)) {
                return; // the schema reports a bad value twice (facet, then type): once is enough
            }
            // no element of the list's own (a value error inside foreign content): the schema's words
            Optional<String> elementName =
                    currentElement().filter(element -> element.ours).map(element -> element.name);
            String plain = AeoStatusSchema.plain(message, key);
            message = elementName
                    .map(name -> AeoStatusSchema.valueRule(name, plain))
                    .orElse(plain);
        } else if (key.equals("cvc-elt.1.a") && depth() == 1) {
            message = "the root element must be " + AeoStatusXmlTranslator.LIST + " in namespace "
                    + AeoStatusXmlTranslator.NAMESPACE; // not "no declaration"
        } else {
            message = AeoStatusSchema.plain(message, key);
        }
        add(path, exception.getLineNumber() > 0 ? exception.getLineNumber() : line(), message);
    }
}
