package org.cbec.gateway.signature.soap;

import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.translate.SecureXml;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/** SOAP envelopes parsed safely: namespace aware, no DOCTYPE, no external entities, nesting bounded. */
final class SoapXml {
    static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String EXCHANGE = "urn:cbec:gateway:exchange:1";

    private SoapXml() {}

    /** Parsed by the gateway's one hardened XML reader ({@link SecureXml}): no DOCTYPE, nesting bounded. */
    static Document parse(byte[] xml) {
        try {
            return SecureXml.parse(xml);
        } catch (SAXParseException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the SOAP envelope is not acceptable XML: " + SecureXml.describe(e),
                    e);
        } catch (SAXException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the SOAP envelope is not acceptable XML", e);
        }
    }
}
