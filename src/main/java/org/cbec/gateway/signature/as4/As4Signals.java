package org.cbec.gateway.signature.as4;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.translate.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * The gateway's AS4 answers, signed with its own key like every receipt it gives: an eb:Receipt whose
 * NonRepudiationInformation copies each ds:Reference of the partner's signature, or an eb:Error with the ebMS code and
 * the gateway's stable code. The signature (WS-Security, BinarySecurityToken, RSA-SHA256, SHA-256, exclusive C14N)
 * covers eb:Messaging and the Body, as the eDelivery AS4 profile asks of a receipt.
 */
public final class As4Signals {
    public static final String CONTENT_TYPE = "application/soap+xml; charset=utf-8";
    static final String EBBP = "http://docs.oasis-open.org/ebxml-bp/ebbp-signals-2.0";

    private final As4Signing signing;
    private final String domain;

    public As4Signals(GatewaySigningKey signingKey, String domain) {
        this.signing = new As4Signing(signingKey);
        this.domain = domain;
    }

    /** A signed receipt for the UserMessage {@code refToMessageId}, non-repudiation of the given signed references. */
    public byte[] receipt(String refToMessageId, List<Element> references, Instant now) {
        StringBuilder information = new StringBuilder("<ebbp:NonRepudiationInformation xmlns:ebbp=\"" + EBBP + "\"/>");
        Document document = envelope("<eb:Receipt>" + information + "</eb:Receipt>", refToMessageId, now);
        Element nri = (Element) document.getElementsByTagNameNS(EBBP, "NonRepudiationInformation")
                .item(0);
        for (Element reference : references) {
            Element part = document.createElementNS(EBBP, "ebbp:MessagePartNRInformation");
            part.appendChild(document.importNode(reference, true));
            nri.appendChild(part);
        }
        // Imported nodes lack the xmlns attributes of their old ancestors: serialise and parse again before signing, or
        // the digest (over the DOM) and the bytes on the wire (with the declarations) differ.
        try {
            return sign(SecureXml.parse(serialise(document)));
        } catch (SAXException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the AS4 receipt cannot be built", e);
        }
    }

    /** A signed error: the ebMS code for the access point, the gateway's code and the evidence id in the description. */
    public byte[] error(
            String refToMessageId, String ebmsCode, GatewayError error, String detail, String evidenceId, Instant now) {
        String description =
                error.code() + ": " + detail + (evidenceId == null ? "" : " (evidence " + evidenceId + ")");
        String errorElement = "<eb:Error origin=\"ebMS\" category=\"" + As4Failure.category(ebmsCode)
                + "\" errorCode=\"" + ebmsCode
                + "\" severity=\"failure\" shortDescription=\"" + As4Failure.shortDescription(ebmsCode) + "\""
                + (refToMessageId == null ? "" : " refToMessageInError=\"" + escape(refToMessageId) + "\"") + ">"
                + "<eb:Description xml:lang=\"en\">" + escape(description) + "</eb:Description>"
                + "<eb:ErrorDetail>" + escape(error.code()) + "</eb:ErrorDetail></eb:Error>";
        return sign(envelope(errorElement, refToMessageId, now));
    }

    private Document envelope(String signal, String refToMessageId, Instant now) {
        String xml = "<S12:Envelope xmlns:S12=\"" + As4Request.SOAP12 + "\" xmlns:eb=\"" + As4Request.EBMS_NS + "\">"
                + "<S12:Header><eb:Messaging S12:mustUnderstand=\"true\"><eb:SignalMessage><eb:MessageInfo>"
                + "<eb:Timestamp>" + now.truncatedTo(ChronoUnit.MILLIS) + "</eb:Timestamp>"
                + "<eb:MessageId>" + UUID.randomUUID() + "@" + escape(domain) + "</eb:MessageId>"
                + (refToMessageId == null
                        ? ""
                        : "<eb:RefToMessageId>" + escape(refToMessageId) + "</eb:RefToMessageId>")
                + "</eb:MessageInfo>" + signal
                + "</eb:SignalMessage></eb:Messaging></S12:Header><S12:Body/></S12:Envelope>";
        try {
            return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
        } catch (SAXException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the AS4 signal cannot be built", e);
        }
    }

    private byte[] sign(Document document) {
        try {
            WSSecHeader header = new WSSecHeader(document);
            header.setMustUnderstand(true);
            header.insertSecurityHeader();
            WSSecSignature signature = signing.signature(header);
            signature.build(signing.crypto());
            return serialise(document);
        } catch (WSSecurityException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot sign the AS4 signal: " + e.getMessage(), e);
        }
    }

    static byte[] serialise(Document document) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot serialise the AS4 signal: " + e.getMessage(), e);
        }
    }

    static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
