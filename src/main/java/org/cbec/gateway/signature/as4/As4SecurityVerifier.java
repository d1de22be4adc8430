package org.cbec.gateway.signature.as4;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import org.apache.wss4j.common.crypto.Merlin;
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
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.soap.WssTokens;
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
 *
 * <p>The attachments are handed to WSS4J by {@link WssAttachments}; the payloads in clear are {@link As4Payloads}.
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
        WssAttachments attachments = new WssAttachments(request.attachments());
        Signed signed = signed(request.envelope(), attachments, true);
        return new Verified(
                signed.signer(),
                signed.carried(),
                signed.algorithm(),
                signed.references(),
                As4Payloads.inClear(request, attachments, maxPayloadBytes));
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
        return signed(envelope, new WssAttachments(Map.of()), false);
    }

    private Signed signed(Document envelope, WssAttachments attachments, boolean mayDecrypt) {
        Element messaging = (Element)
                envelope.getElementsByTagNameNS(As4Request.EBMS_NS, "Messaging").item(0);
        Element body = DomChildren.first(envelope.getDocumentElement(), As4Request.SOAP12, "Body");
        if (body == null) {
            throw As4Failure.malformed(As4Failure.EBMS_INVALID_HEADER, "the SOAP envelope has no Body");
        }
        NodeList signatures = envelope.getElementsByTagNameNS(XmlSignatureVerifier.DSIG, "Signature");
        if (signatures.getLength() == 0) {
            // phase4 alone would take this message: the gateway takes nothing unsigned.
            throw As4Failure.unsigned(
                    "the AS4 message is not signed: a WS-Security X.509 signature over eb:Messaging, the Body and every attachment is required");
        }
        if (signatures.getLength() > 1) {
            throw As4Failure.malformed(
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE, "the envelope holds more than one ds:Signature");
        }
        Element signedInfo = DomChildren.first((Element) signatures.item(0), XmlSignatureVerifier.DSIG, "SignedInfo");
        if (signedInfo == null) {
            throw As4Failure.malformed(As4Failure.EBMS_INVALID_HEADER, "the ds:Signature has no ds:SignedInfo");
        }
        WssTokens.withinDepth(envelope);
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
            WssTokens.Signature signature = WssTokens.Signature.of(result);
            signer = signature.signer();
            carried = signature.carried();
            for (WSDataRef reference : signature.references()) {
                if (reference.isAttachment()
                        || (reference.getWsuId() != null && reference.getWsuId().startsWith("cid:"))) {
                    signedAttachments.add(As4Mime.unbracket(reference.getWsuId()));
                } else if (reference.getProtectedElement() != null) {
                    signedElements.add(reference.getProtectedElement());
                }
            }
        }
        if (signer == null) {
            throw As4Failure.unsigned("the AS4 message carries no WS-Security X.509 signature in its Security header");
        }
        if (decryptedAfterVerifying) {
            // the signature covered the ciphertext, not the clear text the gateway would read
            throw As4Failure.unsigned(
                    "the attachments were encrypted after signing; AS4 signs the clear text, then encrypts it");
        }
        // The signature must cover this very eb:Messaging and this very Body: a signed copy elsewhere proves nothing
        // (wrapping).
        if (signedElements.stream().noneMatch(element -> element == messaging)) {
            throw As4Failure.unsigned("the signature leaves out eb:Messaging");
        }
        if (signedElements.stream().noneMatch(element -> element == body)) {
            throw As4Failure.unsigned("the signature leaves out the SOAP Body");
        }
        for (String contentId : attachments.ids()) {
            if (!signedAttachments.contains(contentId)) {
                throw As4Failure.unsigned("the signature leaves out the attachment cid:" + contentId);
            }
        }
        List<Element> signedReferences = new ArrayList<>();
        for (Element reference : DomChildren.all(signedInfo, XmlSignatureVerifier.DSIG, "Reference")) {
            signedReferences.add(reference);
        }
        return new Signed(signer, carried, algorithm, signedReferences);
    }

    private WSHandlerResult process(Document envelope, WssAttachments attachments, boolean mayDecrypt) {
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
                throw As4Failure.malformed(
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
            throw As4Failure.malformed(
                    As4Failure.EBMS_POLICY_NONCOMPLIANCE,
                    "the WS-Security header cannot be processed: a token or value in it cannot be read",
                    e);
        }
        if (results == null) {
            throw As4Failure.unsigned("the AS4 message has no WS-Security header: it is not signed");
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

    private static final CallbackHandler PASSWORD = callbacks -> {
        for (Callback callback : callbacks) {
            if (callback instanceof WSPasswordCallback password) {
                password.setPassword(org.cbec.gateway.signature.soap.WssSigningCrypto.password());
            }
        }
    };
}
