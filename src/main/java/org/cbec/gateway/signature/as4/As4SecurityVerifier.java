package org.cbec.gateway.signature.as4;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.Attachment;
import org.apache.wss4j.common.ext.AttachmentRequestCallback;
import org.apache.wss4j.common.ext.AttachmentResultCallback;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.BerDepth;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.xml.SignedInfoAlgorithms;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.cbec.gateway.translate.DomChildren;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The WS-Security of an AS4 request, with WSS4J (the engine of Apache CXF and of phase4): decrypts the attachments
 * encrypted to the gateway's certificate, verifies the one X.509 signature, and insists on what WSS4J and phase4 leave
 * to the caller: the message is signed at all, and the signature covers eb:Messaging, the Body and every attachment.
 * Whether the signer is trusted is decided afterwards by the gateway's own signer checks, as for every container.
 */
public final class As4SecurityVerifier {
    private static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    /** The SOAP with Attachments transforms (WSS SwA profile 1.1) that an AS4 signature applies to its attachments. */
    private static final Set<String> SWA_TRANSFORMS = Set.of(
            "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Signature-Transform",
            "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Complete-Signature-Transform");

    private final WSSConfig config;
    private final Merlin certificateLoader;
    private final Merlin decryption;
    private final long maxPayloadBytes;

    /** What verified: the signer, the certificates it carried, its algorithms, the signed ds:References, and the payloads in clear. */
    public record Verified(
            X509Certificate signer,
            List<X509Certificate> carried,
            SignatureAlgorithm algorithm,
            List<Element> references,
            List<Payload> payloads) {}

    /** One payload as the partner sent it before encryption and compression, with its PartInfo. */
    public record Payload(String contentId, String mimeType, byte[] content, As4Request.PartInfo partInfo) {}

    public As4SecurityVerifier(GatewaySigningKey gatewayKey, long maxPayloadBytes) {
        WSSConfig.init();
        this.config = WSSConfig.getNewInstance();
        // Trust is SignerTrust's decision with the partner registry, not WSS4J's with a truststore.
        this.config.setValidator(WSConstants.SIGNATURE, (credential, data) -> credential);
        this.certificateLoader = new Merlin();
        this.decryption = new org.cbec.gateway.signature.soap.WssSigningCrypto(
                        gatewayKey, "AS4 attachments (decryption)")
                .crypto();
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public Verified verify(As4Request request) {
        Attachments attachments = new Attachments(request.attachments());
        Signed signed = signed(request.envelope(), attachments, true);
        return new Verified(
                signed.signer(),
                signed.carried(),
                signed.algorithm(),
                signed.references(),
                payloads(request, attachments));
    }

    /** What verified of a signed AS4 signal: its signer, the certificates it carried, and the ds:References it signed. */
    public record Signed(
            X509Certificate signer,
            List<X509Certificate> carried,
            SignatureAlgorithm algorithm,
            List<Element> references) {}

    /**
     * A partner's signal (a receipt or an error answering the gateway's UserMessage), by the very checks a request gets: one
     * WS-Security X.509 signature, over this eb:Messaging and this Body, in algorithms the gateway takes. Whether the signer is
     * trusted is the caller's decision.
     */
    public Signed verifySignal(Document envelope) {
        return signed(envelope, new Attachments(Map.of()), false);
    }

    private Signed signed(Document envelope, Attachments attachments, boolean mayDecrypt) {
        Element messaging = (Element)
                envelope.getElementsByTagNameNS(As4Request.EBMS_NS, "Messaging").item(0);
        Element body = DomChildren.first(envelope.getDocumentElement(), As4Request.SOAP12, "Body");
        if (body == null) {
            throw As4Failure.of(
                    GatewayError.MALFORMED_MESSAGE, As4Failure.EBMS_INVALID_HEADER, "the SOAP envelope has no Body");
        }
        NodeList signatures = envelope.getElementsByTagNameNS(XmlSignatureVerifier.DSIG, "Signature");
        if (signatures.getLength() == 0) {
            // phase4 alone would take this message: the gateway takes nothing unsigned.
            throw As4Failure.of(
                    GatewayError.SIGNATURE_INVALID,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the AS4 message is not signed: a WS-Security X.509 signature over eb:Messaging, the Body and every attachment is required");
        }
        if (signatures.getLength() > 1) {
            throw As4Failure.of(
                    GatewayError.MALFORMED_MESSAGE,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the envelope holds more than one ds:Signature");
        }
        Element signedInfo = DomChildren.first((Element) signatures.item(0), XmlSignatureVerifier.DSIG, "SignedInfo");
        if (signedInfo == null) {
            throw As4Failure.of(
                    GatewayError.MALFORMED_MESSAGE,
                    As4Failure.EBMS_INVALID_HEADER,
                    "the ds:Signature has no ds:SignedInfo");
        }
        tokensWithinDepth(envelope);
        SignatureAlgorithm algorithm = SignedInfoAlgorithms.read(signedInfo, SWA_TRANSFORMS);
        WSHandlerResult results = process(envelope, attachments, mayDecrypt);
        X509Certificate signer = null;
        List<X509Certificate> carried = List.of();
        List<Element> signedElements = new ArrayList<>();
        Set<String> signedAttachments = new HashSet<>();
        boolean decryptedAfterVerifying = false;
        for (WSSecurityEngineResult result : results.getResults()) {
            Integer action = (Integer) result.get(WSSecurityEngineResult.TAG_ACTION);
            // WSS4J lists its results last processed first: a decryption listed before the signature came after it
            if (action != null && action == WSConstants.ENCR && signer == null) {
                decryptedAfterVerifying = true;
            }
            if (action == null || action != WSConstants.SIGN) {
                continue;
            }
            signer = (X509Certificate) result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE);
            X509Certificate[] path = (X509Certificate[]) result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATES);
            carried = path == null || path.length == 0 ? List.of(signer) : List.of(path);
            @SuppressWarnings("unchecked")
            List<WSDataRef> references = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
            if (references != null) {
                for (WSDataRef reference : references) {
                    if (reference.isAttachment()
                            || (reference.getWsuId() != null
                                    && reference.getWsuId().startsWith("cid:"))) {
                        signedAttachments.add(As4Request.unbracket(reference.getWsuId()));
                    } else if (reference.getProtectedElement() != null) {
                        signedElements.add(reference.getProtectedElement());
                    }
                }
            }
        }
        if (signer == null) {
            throw As4Failure.of(
                    GatewayError.SIGNATURE_INVALID,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the AS4 message carries no WS-Security X.509 signature in its Security header");
        }
        if (decryptedAfterVerifying) {
            // the signature covered the ciphertext, not the clear text the gateway would read
            throw As4Failure.of(
                    GatewayError.SIGNATURE_INVALID,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the attachments were encrypted after signing; AS4 signs the clear text, then encrypts it");
        }
        // The signature must cover this very eb:Messaging and this very Body: a signed copy elsewhere proves nothing
        // (wrapping).
        if (signedElements.stream().noneMatch(element -> element == messaging)) {
            throw As4Failure.of(
                    GatewayError.SIGNATURE_INVALID,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the signature leaves out eb:Messaging");
        }
        if (signedElements.stream().noneMatch(element -> element == body)) {
            throw As4Failure.of(
                    GatewayError.SIGNATURE_INVALID,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the signature leaves out the SOAP Body");
        }
        for (String contentId : attachments.ids()) {
            if (!signedAttachments.contains(contentId)) {
                throw As4Failure.of(
                        GatewayError.SIGNATURE_INVALID,
                        As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                        "the signature leaves out the attachment cid:" + contentId);
            }
        }
        List<Element> signedReferences = new ArrayList<>();
        for (Element reference : DomChildren.all(signedInfo, XmlSignatureVerifier.DSIG, "Reference")) {
            signedReferences.add(reference);
        }
        return new Signed(signer, carried, algorithm, signedReferences);
    }

    /** Each PartInfo's attachment in clear: decrypted by WSS4J, then decompressed as its part properties say. */
    private List<Payload> payloads(As4Request request, Attachments attachments) {
        List<As4Request.PartInfo> parts = request.userMessage().parts();
        Set<String> named = new HashSet<>();
        List<Payload> payloads = new ArrayList<>();
        for (As4Request.PartInfo part : parts) {
            String contentId = part.contentId();
            if (!named.add(contentId)) {
                throw As4Failure.of(
                        GatewayError.MALFORMED_MESSAGE,
                        As4Failure.EBMS_VALUE_INCONSISTENT,
                        "two PartInfo name cid:" + contentId);
            }
            byte[] content = attachments.current(contentId);
            if (content == null) {
                throw As4Failure.of(
                        GatewayError.MALFORMED_MESSAGE,
                        As4Failure.EBMS_MIME_INCONSISTENCY,
                        "PartInfo names cid:" + contentId + ", which the message does not carry");
            }
            String compression = part.properties().get("CompressionType");
            String mimeType = part.properties().get("MimeType");
            if (compression != null) {
                if (mimeType == null || mimeType.isBlank()) {
                    throw As4Failure.of(
                            GatewayError.MALFORMED_MESSAGE,
                            As4Failure.EBMS_VALUE_INCONSISTENT,
                            "PartProperties of cid:" + contentId + " has a CompressionType but no MimeType");
                }
                if (!"application/gzip".equals(compression)) {
                    throw As4Failure.of(
                            GatewayError.MALFORMED_MESSAGE,
                            As4Failure.EBMS_FEATURE_NOT_SUPPORTED,
                            "CompressionType " + compression + " is not taken; application/gzip is");
                }
                content = gunzip(content, contentId);
            }
            payloads.add(new Payload(
                    contentId, mimeType == null ? attachments.mimeType(contentId) : mimeType, content, part));
        }
        for (String contentId : request.attachments().keySet()) {
            if (!named.contains(contentId)) {
                throw As4Failure.of(
                        GatewayError.MALFORMED_MESSAGE,
                        As4Failure.EBMS_MIME_INCONSISTENCY,
                        "the attachment cid:" + contentId + " is named by no PartInfo");
            }
        }
        return payloads;
    }

    private byte[] gunzip(byte[] compressed, String contentId) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                out.write(buffer, 0, read);
                if (out.size() > maxPayloadBytes) {
                    throw As4Failure.of(
                            GatewayError.PAYLOAD_TOO_LARGE,
                            As4Failure.EBMS_DECOMPRESSION_FAILURE,
                            "cid:" + contentId + " decompresses to more than " + maxPayloadBytes + " bytes");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw As4Failure.of(
                    GatewayError.MALFORMED_MESSAGE,
                    As4Failure.EBMS_DECOMPRESSION_FAILURE,
                    "cid:" + contentId + " is not gzip as its CompressionType says",
                    e);
        }
    }

    private WSHandlerResult process(Document envelope, Attachments attachments, boolean mayDecrypt) {
        RequestData data = new RequestData();
        data.setWssConfig(config);
        data.setSigVerCrypto(certificateLoader);
        if (mayDecrypt) {
            data.setDecCrypto(decryption);
        }
        data.setCallbackHandler(PASSWORD);
        data.setAttachmentCallbackHandler(attachments);
        boolean encrypted =
                envelope.getElementsByTagNameNS(XENC, "EncryptedKey").getLength() > 0;
        WSHandlerResult results;
        try {
            results = new WSSecurityEngine().processSecurityHeader(envelope, data);
        } catch (WSSecurityException e) {
            String detail = describe(e);
            if (encrypted && !inSignatureCheck(e)) {
                throw As4Failure.of(
                        GatewayError.MALFORMED_MESSAGE,
                        As4Failure.EBMS_FAILED_DECRYPTION,
                        "the attachments cannot be decrypted with the gateway's key: " + detail,
                        e);
            }
            if (e.getErrorCode() == WSSecurityException.ErrorCode.UNSUPPORTED_ALGORITHM) {
                throw As4Failure.of(
                        GatewayError.ALGORITHM_NOT_ALLOWED,
                        As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                        "the WS-Security header names an " + "algorithm the gateway does not take: " + detail,
                        e);
            }
            throw As4Failure.of(
                    GatewayError.SIGNATURE_INVALID,
                    As4Failure.EBMS_FAILED_AUTHENTICATION,
                    "the WS-Security signature does not verify: " + detail,
                    e);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            // A token or value WSS4J cannot read (not base64, say) is a malformed message, not a failure of the
            // gateway.
            throw As4Failure.of(
                    GatewayError.MALFORMED_MESSAGE,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the WS-Security header cannot be processed: a token or value in it cannot be read",
                    e);
        }
        if (results == null) {
            throw As4Failure.of(
                    GatewayError.SIGNATURE_INVALID,
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the AS4 message has no WS-Security header: it is not signed");
        }
        return results;
    }

    /** Whether WSS4J failed while checking the signature (else, on an encrypted message: while decrypting). */
    private static boolean inSignatureCheck(WSSecurityException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            for (StackTraceElement frame : cause.getStackTrace()) {
                if (frame.getClassName().equals("org.apache.wss4j.dom.processor.SignatureProcessor")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(WSSecurityException e) {
        String message = e.getMessage();
        if (message != null && message.contains(" ") && !message.contains("No message with ID")) {
            return message;
        }
        return e.getErrorCode() == null
                ? "the Security header cannot be processed"
                : e.getErrorCode().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** Every certificate the header carries is held to the shared BER depth limit before WSS4J parses it. */
    private static void tokensWithinDepth(Document envelope) {
        String[][] carriers = {
            {WSConstants.WSSE_NS, "BinarySecurityToken"},
            {WSConstants.WSSE_NS, "KeyIdentifier"},
            {XmlSignatureVerifier.DSIG, "X509Certificate"}
        };
        for (String[] carrier : carriers) {
            NodeList tokens = envelope.getElementsByTagNameNS(carrier[0], carrier[1]);
            for (int i = 0; i < tokens.getLength(); i++) {
                try {
                    BerDepth.check(
                            Base64.getMimeDecoder()
                                    .decode(tokens.item(i).getTextContent().strip()),
                            "the " + carrier[1]);
                } catch (IllegalArgumentException notBase64) {
                    // left to WSS4J, which refuses it
                }
            }
        }
    }

    private static final CallbackHandler PASSWORD = callbacks -> {
        for (Callback callback : callbacks) {
            if (callback instanceof WSPasswordCallback password) {
                password.setPassword(org.cbec.gateway.signature.soap.WssSigningCrypto.password());
            }
        }
    };

    /** The attachments for WSS4J: given by Content-ID to verify; replaced by their clear text once decrypted. */
    private static final class Attachments implements CallbackHandler {
        private final Map<String, byte[]> content = new ConcurrentHashMap<>();
        private final Map<String, Map<String, String>> headers = new LinkedHashMap<>();

        Attachments(Map<String, As4Request.Attachment> received) {
            received.forEach((id, attachment) -> {
                content.put(id, attachment.body());
                Map<String, String> mime = new LinkedHashMap<>();
                // WSS4J's Attachment-Complete transform reads the headers by their canonical names
                attachment.headers().forEach((name, value) -> mime.put(canonical(name), value));
                headers.put(id, mime);
            });
        }

        Set<String> ids() {
            return headers.keySet();
        }

        byte[] current(String id) {
            return content.get(id);
        }

        String mimeType(String id) {
            return headers.getOrDefault(id, Map.of()).getOrDefault("Content-Type", "application/octet-stream");
        }

        @Override
        public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
            for (Callback callback : callbacks) {
                if (callback instanceof AttachmentRequestCallback request) {
                    List<Attachment> answer = new ArrayList<>();
                    String wanted =
                            request.getAttachmentId() == null ? null : As4Request.unbracket(request.getAttachmentId());
                    for (String id : content.keySet()) {
                        if (wanted == null || wanted.equals(id)) {
                            answer.add(attachment(id));
                        }
                    }
                    request.setAttachments(answer);
                } else if (callback instanceof AttachmentResultCallback result) {
                    String id = As4Request.unbracket(result.getAttachmentId());
                    content.put(id, result.getAttachment().getSourceStream().readAllBytes());
                    if (result.getAttachment().getMimeType() != null) {
                        headers.computeIfAbsent(id, any -> new LinkedHashMap<>())
                                .put("Content-Type", result.getAttachment().getMimeType());
                    }
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        }

        private Attachment attachment(String id) {
            Attachment attachment = new Attachment();
            attachment.setId(id);
            attachment.setMimeType(mimeType(id));
            attachment.addHeaders(headers.getOrDefault(id, Map.of()));
            attachment.setSourceStream(new ByteArrayInputStream(content.get(id)));
            return attachment;
        }

        private static String canonical(String lowerCase) {
            StringBuilder name = new StringBuilder();
            boolean upper = true;
            for (char c : lowerCase.toCharArray()) {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = c == '-';
            }
            return name.toString().replace("Content-Id", "Content-ID");
        }
    }
}
