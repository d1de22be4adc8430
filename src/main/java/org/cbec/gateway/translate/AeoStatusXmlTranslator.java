package org.cbec.gateway.translate;

import java.util.List;
import java.util.Optional;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * {@code aeo-status-xml}: an {@code AEOStatusList} in namespace {@value #NAMESPACE}, validated against the
 * shipped schema {@value #SCHEMA_RESOURCE} and then held to the same rules as the CSV and JSON forms
 * (ISO country codes, the country prefix of an AEO id, dates, one statement per id and status change),
 * so that one statement gives the same canonical record, {@code recordId} and {@code recordVersion}
 * whichever form carried it. The enveloped {@code ds:Signature} is verified by the signature container
 * and skipped here.
 *
 * <p>The document is read in one hardened SAX pass ({@link AeoStatusXmlReading}) that feeds the schema validator
 * ({@link AeoStatusSchema}) and builds a small tree of the list's own elements ({@link XmlTree}). Every error is located as an XPath-like path and
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

    static final String LIST = "AEOStatusList";
    static final String OPERATOR = "AuthorisedEconomicOperator";

    @Override
    public DocumentFormat format() {
        return DocumentFormat.AEO_STATUS_XML;
    }

    @Override
    public Translation translate(byte[] document, TranslationContext context) {
        AeoStatusXmlReading reading = AeoStatusXmlReading.of(document);
        Optional<XmlTree.Element> root = reading.listRoot();
        if (root.isEmpty() || reading.stopped()) {
            return new Translation.Invalid(format(), reading.errors());
        }
        AeoStatusXmlMapping mapping = new AeoStatusXmlMapping(reading, context.source(format()), context);
        List<CanonicalRecord> records = mapping.records(root.get());
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
        SecureXml.read(document, scan); // stops once it has the value; a bad document has none
        return scan.found.flatMap(AeoStatusList.ListType::parse);
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
                    throw new SecureXml.Stop("not an AEO status list");
                }
            } else if (depth == 3 && ours && "ListTypeCode".equals(localName)) {
                inListType = true;
            } else if (depth == 2 && !(ours && "MetaData".equals(localName))) {
                throw new SecureXml.Stop("no list type in the MetaData"); // MetaData comes first or not at all
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
                throw new SecureXml.Stop("list type found");
            }
            depth--;
        }
    }
}
