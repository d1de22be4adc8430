package org.cbec.gateway.translate;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;

/**
 * The shipped schema of {@code aeo-status-xml} ({@value AeoStatusXmlTranslator#SCHEMA_RESOURCE}), compiled once
 * with the same hardening as the parser, and its error messages put in the words the CSV and JSON forms use.
 */
final class AeoStatusSchema {
    private static final String XMLDSIG = "http://www.w3.org/2000/09/xmldsig#";
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

    private AeoStatusSchema() {}

    /** A schema error's key ({@code cvc-pattern-valid}), empty when the message has none. */
    static String key(String message) {
        return message.startsWith("cvc-") && message.indexOf(':') > 0 ? message.substring(0, message.indexOf(':')) : "";
    }

    /** Whether the error says an element's text breaks its type rather than the structure being wrong. */
    static boolean isValueError(String key) {
        return VALUE_ERROR_KEYS.stream().anyMatch(key::startsWith);
    }

    /** What a value of that element of the list must be; {@code otherwise} for elements without a rule. */
    static String valueRule(String elementName, String otherwise) {
        return VALUE_RULES.getOrDefault(elementName, otherwise);
    }

    /** The schema message without its {@code cvc-} key and with the list's namespace left out of names. */
    static String plain(String message, String key) {
        String text =
                key.isEmpty() ? message : message.substring(key.length() + 1).trim();
        return text.replace("\"" + AeoStatusXmlTranslator.NAMESPACE + "\":", "")
                .replace("\"" + XMLDSIG + "\":", "ds:")
                .replace("'{", "'")
                .replace("}'", "'");
    }

    /** A validator for one document, hardened, with English messages whatever the machine's locale. */
    static ValidatorHandler newValidatorHandler() {
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
            handler.setProperty(SecureXml.LOCALE, Locale.ROOT);
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            // messages then follow the default locale; the locations and the errors found stay the same
            return handler;
        }
        return handler;
    }

    private static Schema loadSchema() {
        String name = AeoStatusXmlTranslator.SCHEMA_RESOURCE;
        URL resource = AeoStatusSchema.class.getResource(name);
        if (resource == null) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the schema " + name + " is not on the class path");
        }
        SchemaFactory factory = SchemaFactory.newDefaultInstance();
        try (InputStream in = resource.openStream()) {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(new StreamSource(in, resource.toExternalForm()));
        } catch (SAXException | IOException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the schema " + name + " cannot be compiled", e);
        }
    }
}
