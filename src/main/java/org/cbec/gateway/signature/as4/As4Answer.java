package org.cbec.gateway.signature.as4;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.cbec.gateway.translate.DomChildren;
import org.cbec.gateway.translate.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * A partner's synchronous answer to the gateway's UserMessage: a SOAP 1.2 envelope (alone or as the root of a
 * multipart/related) whose eb:Messaging holds one eb:SignalMessage with an eb:Receipt or eb:Errors. Read through the
 * project's hardened {@link SecureXml}; its signature is {@link As4SecurityVerifier#verifySignal}'s to check.
 */
public final class As4Answer {
    /** One eb:Error: its ebMS code, severity and what the partner said. */
    public record Error(String code, String severity, String shortDescription, String description) {}

    private final Document envelope;
    private final String refToMessageId;
    private final Element receipt;
    private final List<Error> errors;

    private As4Answer(Document envelope, String refToMessageId, Element receipt, List<Error> errors) {
        this.envelope = envelope;
        this.refToMessageId = refToMessageId;
        this.receipt = receipt;
        this.errors = errors;
    }

    /** @throws IllegalArgumentException with what is wrong, when the answer is not an AS4 signal */
    public static As4Answer parse(byte[] body, String contentType) {
        Map<String, String> type = As4Mime.parameters(contentType == null ? "" : contentType);
        byte[] soap;
        if ("multipart/related".equals(type.get(""))) {
            String boundary = type.get("boundary");
            if (boundary == null || boundary.isEmpty()) {
                throw new IllegalArgumentException("multipart/related without a boundary");
            }
            List<As4Request.Attachment> parts = As4Mime.parts(body, boundary);
            String start = type.get("start");
            soap = parts.stream()
                    .filter(part -> start == null || As4Mime.unbracket(start).equals(part.contentId()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no MIME part has the start Content-ID " + start))
                    .body();
        } else if ("application/soap+xml".equals(type.get(""))) {
            soap = body;
        } else {
            throw new IllegalArgumentException(
                    "the answer is " + (type.get("").isEmpty() ? "without Content-Type" : type.get(""))
                            + ", not an AS4 signal (application/soap+xml or multipart/related)");
        }
        Document envelope;
        try {
            envelope = SecureXml.parse(soap);
        } catch (SAXException e) {
            throw new IllegalArgumentException("the answer is not acceptable XML: " + e.getMessage());
        }
        Element root = envelope.getDocumentElement();
        if (!"Envelope".equals(root.getLocalName()) || !As4Request.SOAP12.equals(root.getNamespaceURI())) {
            throw new IllegalArgumentException("the answer is not a SOAP 1.2 envelope");
        }
        Element header = DomChildren.first(root, As4Request.SOAP12, "Header");
        Element messaging = header == null ? null : DomChildren.first(header, As4Request.EBMS_NS, "Messaging");
        if (messaging == null
                || envelope.getElementsByTagNameNS(As4Request.EBMS_NS, "Messaging")
                                .getLength()
                        != 1) {
            throw new IllegalArgumentException("the answer's SOAP Header does not hold exactly one eb:Messaging");
        }
        List<Element> signals = DomChildren.all(messaging, As4Request.EBMS_NS, "SignalMessage");
        if (signals.size() != 1
                || !DomChildren.all(messaging, As4Request.EBMS_NS, "UserMessage")
                        .isEmpty()) {
            throw new IllegalArgumentException("the answer's eb:Messaging does not hold exactly one eb:SignalMessage");
        }
        Element signal = signals.get(0);
        Element info = DomChildren.first(signal, As4Request.EBMS_NS, "MessageInfo");
        Element ref = info == null ? null : DomChildren.first(info, As4Request.EBMS_NS, "RefToMessageId");
        List<Error> errors = new ArrayList<>();
        for (Element error : DomChildren.all(signal, As4Request.EBMS_NS, "Error")) {
            Element description = DomChildren.first(error, As4Request.EBMS_NS, "Description");
            Element detail = DomChildren.first(error, As4Request.EBMS_NS, "ErrorDetail");
            errors.add(new Error(
                    error.getAttribute("errorCode"),
                    error.getAttribute("severity"),
                    error.getAttribute("shortDescription"),
                    (description == null ? "" : As4Request.text(description))
                            + (detail == null ? "" : " " + As4Request.text(detail)).stripTrailing()));
        }
        return new As4Answer(
                envelope,
                ref == null ? null : As4Request.text(ref),
                DomChildren.first(signal, As4Request.EBMS_NS, "Receipt"),
                errors);
    }

    public Document envelope() {
        return envelope;
    }

    public String refToMessageId() {
        return refToMessageId;
    }

    public boolean isReceipt() {
        return receipt != null && errors.isEmpty();
    }

    public List<Error> errors() {
        return errors;
    }

    /**
     * Null when the receipt's ebbp:NonRepudiationInformation names exactly the ds:References the gateway signed (same URI,
     * same digest), else what differs.
     */
    public String nonRepudiationProblem(List<Element> sent) {
        if (receipt == null) {
            return "there is no eb:Receipt";
        }
        List<Element> information = DomChildren.all(receipt, As4Signals.EBBP, "NonRepudiationInformation");
        if (information.size() != 1) {
            return "the eb:Receipt holds no ebbp:NonRepudiationInformation";
        }
        Set<String> received = new HashSet<>();
        for (Element part : DomChildren.all(information.get(0), As4Signals.EBBP, "MessagePartNRInformation")) {
            for (Element reference : DomChildren.all(part, XmlSignatureVerifier.DSIG, "Reference")) {
                received.add(key(reference));
            }
        }
        Set<String> expected = new HashSet<>();
        sent.forEach(reference -> expected.add(key(reference)));
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(received);
        Set<String> unknown = new HashSet<>(received);
        unknown.removeAll(expected);
        if (missing.isEmpty() && unknown.isEmpty()) {
            return null;
        }
        return "the NonRepudiationInformation does not match the signed references: "
                + (missing.isEmpty() ? "" : "missing " + missing + " ")
                + (unknown.isEmpty() ? "" : "not sent " + unknown).strip();
    }

    private static String key(Element reference) {
        Element digest = DomChildren.first(reference, XmlSignatureVerifier.DSIG, "DigestValue");
        return reference.getAttribute("URI") + "="
                + (digest == null ? "" : As4Request.text(digest).replaceAll("\\s", ""));
    }
}
