package org.cbec.gateway.signature.as4;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.ext.Attachment;
import org.apache.wss4j.common.ext.AttachmentRequestCallback;
import org.apache.wss4j.common.ext.AttachmentResultCallback;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecEncrypt;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.cbec.gateway.translate.DomChildren;
import org.cbec.gateway.translate.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * The gateway's outbound AS4 UserMessage, the counterpart of what {@link As4Request} and {@link As4SecurityVerifier} take
 * in: SOAP 1.2 with one attachment, gzip-compressed with PartProperties MimeType and CompressionType, signed with the
 * gateway key by the same {@link As4Signing} as the gateway's receipts (over eb:Messaging, the Body and the attachment,
 * SwA Attachment-Content transform), then, when the partner gave a certificate, the attachment encrypted to it
 * (AES-128-GCM, key transport RSA-OAEP with SHA-256 and MGF1-SHA-256): sign, then encrypt, as the eDelivery profile asks.
 */
public final class As4UserMessageWriter {
    public static final String ROLE_INITIATOR =
            "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator";
    public static final String ROLE_RESPONDER =
            "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/responder";
    private static final String SOAP_PART_ID = "soap-part@cbec-gateway";

    private final As4Signing signing;

    /** The header and the one payload of a UserMessage. */
    public record Message(EbmsHeader header, byte[] payload, String mimeType) {}

    /**
     * The message as it goes on the wire.
     *
     * @param contentType the HTTP Content-Type (multipart/related with its boundary)
     * @param body        the exact bytes to POST
     * @param references  the ds:References the gateway signed: a partner's receipt must name each in its NonRepudiationInformation
     */
    public record Written(String messageId, String contentType, byte[] body, List<Element> references) {}

    public As4UserMessageWriter(GatewaySigningKey signingKey) {
        this.signing = new As4Signing(signingKey);
    }

    /** @param encryptTo the partner's certificate the attachment is encrypted to, or null for a signed-only message */
    public Written write(Message message, X509Certificate encryptTo) {
        String contentId = "payload-" + UUID.randomUUID() + "@cbec-gateway";
        Document envelope = envelope(message, contentId);
        OutgoingAttachment attachment = new OutgoingAttachment(contentId, gzip(message.payload()));
        try {
            WSSecHeader header = new WSSecHeader(envelope);
            header.setMustUnderstand(true);
            header.insertSecurityHeader();
            WSSecSignature signature = signing.signature(header);
            signature.getParts().add(new WSEncryptionPart("cid:Attachments", "Content"));
            signature.setAttachmentCallbackHandler(attachment);
            signature.build(signing.crypto());
            if (encryptTo != null) {
                WSSecEncrypt encrypt = new WSSecEncrypt(header);
                encrypt.setUseThisCert(encryptTo);
                encrypt.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
                encrypt.setSymmetricEncAlgorithm(WSConstants.AES_128_GCM);
                encrypt.setKeyEncAlgo(WSConstants.KEYTRANSPORT_RSAOAEP_XENC11);
                encrypt.setDigestAlgorithm(WSConstants.SHA256);
                encrypt.setMGFAlgorithm(WSConstants.MGF_SHA256);
                encrypt.getParts().add(new WSEncryptionPart("cid:Attachments", "Content"));
                encrypt.setAttachmentCallbackHandler(attachment);
                KeyGenerator generator = KeyGenerator.getInstance("AES");
                generator.init(128);
                SecretKey key = generator.generateKey();
                encrypt.build(signing.crypto(), key);
            }
        } catch (WSSecurityException | java.security.GeneralSecurityException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "cannot sign or encrypt the outbound AS4 message: " + e.getMessage(),
                    e);
        }
        Element signatureElement = (Element) envelope.getElementsByTagNameNS(XmlSignatureVerifier.DSIG, "Signature")
                .item(0);
        Element signedInfo = DomChildren.first(signatureElement, XmlSignatureVerifier.DSIG, "SignedInfo");
        List<Element> references = DomChildren.all(signedInfo, XmlSignatureVerifier.DSIG, "Reference");
        String boundary = "----=_cbec_" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writePart(body, boundary, "application/soap+xml; charset=UTF-8", SOAP_PART_ID, As4Signals.serialise(envelope));
        writePart(body, boundary, attachment.mimeType, contentId, attachment.content);
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        String contentType = "multipart/related; type=\"application/soap+xml\"; boundary=\"" + boundary
                + "\"; start=\"<" + SOAP_PART_ID + ">\"";
        return new Written(message.header().messageId(), contentType, body.toByteArray(), references);
    }

    private static void writePart(
            ByteArrayOutputStream out, String boundary, String contentType, String contentId, byte[] content) {
        out.writeBytes(("--" + boundary + "\r\nContent-Type: " + contentType
                        + "\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <" + contentId + ">\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static Document envelope(Message message, String contentId) {
        EbmsHeader header = message.header();
        StringBuilder properties = new StringBuilder();
        if (!header.messageProperties().isEmpty()) {
            properties.append("<eb:MessageProperties>");
            header.messageProperties()
                    .forEach((name, value) -> properties
                            .append("<eb:Property name=\"")
                            .append(As4Signals.escape(name))
                            .append("\">")
                            .append(As4Signals.escape(value))
                            .append("</eb:Property>"));
            properties.append("</eb:MessageProperties>");
        }
        String xml = "<S12:Envelope xmlns:S12=\"" + As4Request.SOAP12 + "\" xmlns:eb=\"" + As4Request.EBMS_NS + "\">"
                + "<S12:Header><eb:Messaging S12:mustUnderstand=\"true\"><eb:UserMessage><eb:MessageInfo>"
                + "<eb:Timestamp>" + header.timestamp().truncatedTo(ChronoUnit.MILLIS) + "</eb:Timestamp>"
                + "<eb:MessageId>" + As4Signals.escape(header.messageId()) + "</eb:MessageId></eb:MessageInfo>"
                + "<eb:PartyInfo><eb:From><eb:PartyId type=\"" + As4Signals.escape(header.fromPartyIdType()) + "\">"
                + As4Signals.escape(header.fromPartyId()) + "</eb:PartyId><eb:Role>" + ROLE_INITIATOR
                + "</eb:Role></eb:From>"
                + "<eb:To><eb:PartyId type=\"" + As4Signals.escape(header.toPartyIdType()) + "\">"
                + As4Signals.escape(header.toPartyId())
                + "</eb:PartyId><eb:Role>" + ROLE_RESPONDER + "</eb:Role></eb:To></eb:PartyInfo>"
                + "<eb:CollaborationInfo><eb:Service>" + As4Signals.escape(header.service()) + "</eb:Service>"
                + "<eb:Action>" + As4Signals.escape(header.action()) + "</eb:Action>"
                + "<eb:ConversationId>" + As4Signals.escape(header.conversationId())
                + "</eb:ConversationId></eb:CollaborationInfo>"
                + properties
                + "<eb:PayloadInfo><eb:PartInfo href=\"cid:" + As4Signals.escape(contentId) + "\"><eb:PartProperties>"
                + "<eb:Property name=\"MimeType\">" + As4Signals.escape(message.mimeType()) + "</eb:Property>"
                + "<eb:Property name=\"CompressionType\">application/gzip</eb:Property>"
                + "</eb:PartProperties></eb:PartInfo></eb:PayloadInfo>"
                + "</eb:UserMessage></eb:Messaging></S12:Header><S12:Body/></S12:Envelope>";
        try {
            return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
        } catch (SAXException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the outbound AS4 envelope cannot be built", e);
        }
    }

    private static byte[] gzip(byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(payload);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot compress the AS4 payload", e);
        }
        return out.toByteArray();
    }

    /** The one attachment for WSS4J: handed over to sign and encrypt, replaced by its ciphertext once encrypted. */
    private static final class OutgoingAttachment implements CallbackHandler {
        private final String id;
        private byte[] content;
        private String mimeType = "application/octet-stream";

        OutgoingAttachment(String id, byte[] content) {
            this.id = id;
            this.content = content;
        }

        @Override
        public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
            for (Callback callback : callbacks) {
                if (callback instanceof AttachmentRequestCallback request) {
                    Attachment attachment = new Attachment();
                    attachment.setId(id);
                    attachment.setMimeType(mimeType);
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("Content-ID", "<" + id + ">");
                    headers.put("Content-Type", mimeType);
                    attachment.addHeaders(headers);
                    attachment.setSourceStream(new ByteArrayInputStream(content));
                    List<Attachment> answer = new ArrayList<>();
                    answer.add(attachment);
                    request.setAttachments(answer);
                } else if (callback instanceof AttachmentResultCallback result) {
                    content = result.getAttachment().getSourceStream().readAllBytes();
                    if (result.getAttachment().getMimeType() != null) {
                        mimeType = result.getAttachment().getMimeType();
                    }
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        }
    }
}
