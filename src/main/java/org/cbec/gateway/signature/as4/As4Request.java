package org.cbec.gateway.signature.as4;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.translate.DomChildren;
import org.cbec.gateway.translate.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * One AS4 request as received: the SOAP 1.2 envelope (the root of a multipart/related message, or the whole body),
 * its MIME attachments by Content-ID, and the ebMS 3.0 UserMessage header read from eb:Messaging. Nothing here is
 * trusted yet: {@link As4SecurityVerifier} decides what was signed. The MIME framing is read by {@link As4Mime}.
 */
public final class As4Request {
    public static final String EBMS_NS = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/";
    public static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";

    private final Document envelope;
    private final Map<String, Attachment> attachments;
    private final UserMessage userMessage;

    /** An attachment as it came: its Content-ID (without {@code <>}), its MIME headers and its body bytes. */
    public record Attachment(String contentId, Map<String, String> headers, byte[] body) {
        public String contentType() {
            return headers.getOrDefault("content-type", "application/octet-stream");
        }
    }

    /** A PartInfo of the PayloadInfo: the attachment it names and its part properties (MimeType, CompressionType). */
    public record PartInfo(String href, Map<String, String> properties) {
        public String contentId() {
            return href.startsWith("cid:") ? href.substring(4) : href;
        }
    }

    /** What the eb:UserMessage says of itself, and the payloads its eb:PayloadInfo names. */
    public record UserMessage(EbmsHeader header, List<PartInfo> parts) {}

    private As4Request(Document envelope, Map<String, Attachment> attachments, UserMessage userMessage) {
        this.envelope = envelope;
        this.attachments = attachments;
        this.userMessage = userMessage;
    }

    public Document envelope() {
        return envelope;
    }

    public Map<String, Attachment> attachments() {
        return attachments;
    }

    public UserMessage userMessage() {
        return userMessage;
    }

    /** The eb:MessageId if the envelope can be read that far: for the RefToMessageId of an error to a malformed request. */
    public static Optional<String> messageIdIfReadable(byte[] body, String contentType) {
        try {
            return Optional.of(parse(body, contentType).userMessage.header().messageId());
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Reads the request.
     *
     * @throws GatewayException MALFORMED_MESSAGE (with the ebMS code in {@link As4Failure}) when it is not an AS4 UserMessage
     */
    public static As4Request parse(byte[] body, String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw As4Failure.of(
                    GatewayError.UNSUPPORTED_FORMAT,
                    As4Failure.EBMS_MIME_INCONSISTENCY,
                    "the AS4 request has no Content-Type");
        }
        Map<String, String> type = As4Mime.parameters(contentType);
        String mediaType = type.get("");
        byte[] soap;
        Map<String, Attachment> attachments = new LinkedHashMap<>();
        if ("multipart/related".equals(mediaType)) {
            String boundary = type.get("boundary");
            if (boundary == null || boundary.isEmpty()) {
                throw As4Failure.malformed(As4Failure.EBMS_MIME_INCONSISTENCY, "multipart/related without a boundary");
            }
            List<Attachment> parts = As4Mime.parts(body, boundary);
            String start = type.get("start");
            Attachment root = parts.get(0);
            if (start != null) {
                String startId = As4Mime.unbracket(start);
                root = parts.stream()
                        .filter(p -> startId.equals(p.contentId()))
                        .findFirst()
                        .orElseThrow(() -> As4Failure.malformed(
                                As4Failure.EBMS_MIME_INCONSISTENCY, "no MIME part has the start Content-ID " + start));
            }
            for (Attachment part : parts) {
                if (part == root) {
                    continue;
                }
                if (part.contentId() == null || attachments.put(part.contentId(), part) != null) {
                    throw As4Failure.malformed(
                            As4Failure.EBMS_MIME_INCONSISTENCY, "every attachment needs a Content-ID of its own");
                }
            }
            soap = root.body();
        } else if ("application/soap+xml".equals(mediaType)) {
            soap = body;
        } else {
            throw As4Failure.of(
                    GatewayError.UNSUPPORTED_FORMAT,
                    As4Failure.EBMS_MIME_INCONSISTENCY,
                    "an AS4 request is multipart/related or application/soap+xml, not " + mediaType);
        }
        Document envelope;
        try {
            envelope = SecureXml.parse(soap);
        } catch (SAXException e) {
            throw As4Failure.malformed(As4Failure.EBMS_INVALID_HEADER, "the SOAP envelope is not acceptable XML", e);
        }
        Element root = envelope.getDocumentElement();
        if (!"Envelope".equals(root.getLocalName()) || !SOAP12.equals(root.getNamespaceURI())) {
            throw As4Failure.malformed(As4Failure.EBMS_INVALID_HEADER, "the root part is not a SOAP 1.2 envelope");
        }
        return new As4Request(envelope, Map.copyOf(attachments), userMessage(envelope));
    }

    /** The one eb:Messaging header and its one eb:UserMessage. */
    private static UserMessage userMessage(Document envelope) {
        Element header = DomChildren.first(envelope.getDocumentElement(), SOAP12, "Header");
        Element messaging = header == null ? null : DomChildren.first(header, EBMS_NS, "Messaging");
        if (messaging == null
                || envelope.getElementsByTagNameNS(EBMS_NS, "Messaging").getLength() != 1) {
            throw As4Failure.malformed(
                    As4Failure.EBMS_INVALID_HEADER, "the SOAP Header must hold exactly one eb:Messaging");
        }
        Element user = DomChildren.first(messaging, EBMS_NS, "UserMessage");
        if (user == null
                || envelope.getElementsByTagNameNS(EBMS_NS, "UserMessage").getLength() != 1) {
            throw As4Failure.malformed(
                    As4Failure.EBMS_INVALID_HEADER,
                    "eb:Messaging must hold exactly one eb:UserMessage (signals are not taken at /as4)");
        }
        Element info = required(user, "MessageInfo");
        String messageId = text(required(info, "MessageId"));
        if (messageId.isEmpty() || messageId.length() > 255) {
            throw As4Failure.malformed(As4Failure.EBMS_INVALID_HEADER, "eb:MessageId must have 1 to 255 characters");
        }
        Instant timestamp;
        try {
            String value = text(required(info, "Timestamp"));
            timestamp = value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? OffsetDateTime.parse(value).toInstant()
                    : java.time.LocalDateTime.parse(value).toInstant(java.time.ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw As4Failure.malformed(As4Failure.EBMS_INVALID_HEADER, "eb:Timestamp is not an xsd:dateTime", e);
        }
        Element partyInfo = required(user, "PartyInfo");
        Element from = required(partyInfo, "From");
        Element to = required(partyInfo, "To");
        Element fromId = required(from, "PartyId");
        Element toId = required(to, "PartyId");
        Element collaboration = required(user, "CollaborationInfo");
        Element service = required(collaboration, "Service");
        Element conversation = DomChildren.first(collaboration, EBMS_NS, "ConversationId");
        Map<String, String> properties = new LinkedHashMap<>();
        Element messageProperties = DomChildren.first(user, EBMS_NS, "MessageProperties");
        if (messageProperties != null) {
            for (Element property : DomChildren.all(messageProperties, EBMS_NS, "Property")) {
                properties.put(property.getAttribute("name"), text(property));
            }
        }
        List<PartInfo> parts = new ArrayList<>();
        Element payloadInfo = DomChildren.first(user, EBMS_NS, "PayloadInfo");
        if (payloadInfo != null) {
            for (Element partInfo : DomChildren.all(payloadInfo, EBMS_NS, "PartInfo")) {
                if (!partInfo.hasAttribute("href")
                        || !partInfo.getAttribute("href").startsWith("cid:")) {
                    throw As4Failure.malformed(
                            As4Failure.EBMS_FEATURE_NOT_SUPPORTED,
                            "each payload must be a MIME attachment (PartInfo href=\"cid:...\"); payloads in the SOAP Body are not taken");
                }
                Map<String, String> partProperties = new LinkedHashMap<>();
                Element props = DomChildren.first(partInfo, EBMS_NS, "PartProperties");
                if (props != null) {
                    for (Element property : DomChildren.all(props, EBMS_NS, "Property")) {
                        partProperties.put(property.getAttribute("name"), text(property));
                    }
                }
                parts.add(new PartInfo(partInfo.getAttribute("href"), partProperties));
            }
        }
        EbmsHeader said = new EbmsHeader(
                messageId,
                timestamp,
                text(fromId),
                fromId.getAttribute("type"),
                text(toId),
                toId.getAttribute("type"),
                text(service),
                text(required(collaboration, "Action")),
                conversation == null ? null : text(conversation),
                properties);
        return new UserMessage(said, parts);
    }

    private static Element required(Element parent, String localName) {
        Element element = DomChildren.first(parent, EBMS_NS, localName);
        if (element == null) {
            throw As4Failure.malformed(
                    As4Failure.EBMS_INVALID_HEADER, "eb:" + parent.getLocalName() + " has no eb:" + localName);
        }
        return element;
    }

    static String text(Element element) {
        return element.getTextContent().strip();
    }
}
