package org.cbec.gateway.signature.soap;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.message.token.Timestamp;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.xml.SignedInfoAlgorithms;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.cbec.gateway.translate.DomChildren;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * SOAP 1.2 with WS-Security, verified with WSS4J (the WS-Security engine of Apache CXF): an X.509
 * signature that covers exactly the envelope's Body and its Timestamp. Whether the signer is trusted is
 * decided afterwards by the gateway's own policy, the same as for every other container, so WSS4J's own
 * trust check is replaced by one that accepts the credential as it is.
 */
public final class WsSecurityVerifier implements SignatureContainer {
    private final WSSConfig config;
    private final Merlin certificateLoader;
    private final int timestampTtlSeconds;
    private final int futureSkewSeconds;

    public WsSecurityVerifier(int timestampTtlSeconds, int futureSkewSeconds) {
        WSSConfig.init();
        this.config = WSSConfig.getNewInstance();
        // Trust is SignerTrust's decision, with the partner registry, not WSS4J's with a truststore.
        this.config.setValidator(WSConstants.SIGNATURE, (credential, data) -> credential);
        this.certificateLoader = new Merlin();
        this.timestampTtlSeconds = timestampTtlSeconds;
        this.futureSkewSeconds = futureSkewSeconds;
    }

    @Override
    public SignedDocument open(byte[] body, String contentType) {
        Document envelope = SoapXml.parse(body);
        Element root = envelope.getDocumentElement();
        if (!"Envelope".equals(root.getLocalName()) || !SoapXml.SOAP12.equals(root.getNamespaceURI())) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    SoapXml.SOAP11.equals(root.getNamespaceURI())
                            ? "SOAP 1.1 is not accepted; send SOAP 1.2 (application/soap+xml)"
                            : "the body is not a SOAP 1.2 envelope");
        }
        Element soapBody = DomChildren.first(root, SoapXml.SOAP12, "Body");
        if (soapBody == null) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the SOAP envelope has no Body");
        }
        WssTokens.withinDepth(envelope);
        Element timestamp = theOneTimestamp(envelope);
        SignatureAlgorithm algorithm = signedInfoAlgorithm(envelope);
        WSHandlerResult results = process(envelope);
        X509Certificate signer = null;
        List<X509Certificate> carried = List.of();
        List<Element> signed = new ArrayList<>();
        Instant created = null;
        for (WSSecurityEngineResult result : results.getResults()) {
            Integer action = (Integer) result.get(WSSecurityEngineResult.TAG_ACTION);
            if (action != null && action == WSConstants.SIGN) {
                if (signer != null) {
                    throw new GatewayException(
                            GatewayError.MALFORMED_MESSAGE, "the security header holds more than one signature");
                }
                WssTokens.Signature signature = WssTokens.Signature.of(result);
                signer = signature.signer();
                carried = signature.carried();
                signature.references().forEach(reference -> signed.add(reference.getProtectedElement()));
            } else if (action != null && action == WSConstants.TS) {
                Timestamp processed = (Timestamp) result.get(WSSecurityEngineResult.TAG_TIMESTAMP);
                // only the one Timestamp of the envelope counts, and only once it is known to be signed (below)
                if (processed.getElement() == timestamp) {
                    created = processed.getCreated();
                }
            }
        }
        if (signer == null) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the SOAP message carries no WS-Security X.509 signature");
        }
        if (created == null) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the WS-Security header has no Timestamp");
        }
        // The signature must cover this very Body and this very Timestamp: a signed copy elsewhere proves nothing
        // (wrapping).
        if (signed.stream().noneMatch(element -> element == soapBody)) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the WS-Security signature does not cover the SOAP Body");
        }
        if (signed.stream().noneMatch(element -> element == timestamp)) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the WS-Security signature does not cover the Timestamp of the Security header; an unsigned Timestamp proves no time");
        }
        return new SignedDocument(document(soapBody), signer, carried, Optional.of(created), algorithm);
    }

    /**
     * The envelope's one wsu:Timestamp, a child of its Security header. A second one anywhere (beside the signed one,
     * in another header, in the Body) would let a fresh unsigned time stand for a stale signed one: refused.
     */
    private static Element theOneTimestamp(Document envelope) {
        NodeList timestamps = envelope.getElementsByTagNameNS(WSConstants.WSU_NS, "Timestamp");
        if (timestamps.getLength() > 1) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the envelope holds " + timestamps.getLength()
                            + " wsu:Timestamp elements; exactly one, in the Security header and signed, is accepted");
        }
        if (timestamps.getLength() == 0) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the WS-Security header has no Timestamp");
        }
        Element timestamp = (Element) timestamps.item(0);
        Node parent = timestamp.getParentNode();
        if (!(parent instanceof Element header)
                || !"Security".equals(header.getLocalName())
                || !WSConstants.WSSE_NS.equals(header.getNamespaceURI())) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the wsu:Timestamp is not a child of the wsse:Security header");
        }
        return timestamp;
    }

    /**
     * The algorithms of the one ds:Signature, checked by the same rules as enveloped XMLDSig before WSS4J computes any
     * digest: transforms and canonicalisation here, every DigestMethod by the partner's algorithm policy afterwards.
     */
    private static SignatureAlgorithm signedInfoAlgorithm(Document envelope) {
        NodeList signatures = envelope.getElementsByTagNameNS(XmlSignatureVerifier.DSIG, "Signature");
        if (signatures.getLength() == 0) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the SOAP message carries no WS-Security X.509 signature");
        }
        if (signatures.getLength() > 1) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the envelope holds more than one ds:Signature");
        }
        Element signedInfo = DomChildren.first((Element) signatures.item(0), XmlSignatureVerifier.DSIG, "SignedInfo");
        if (signedInfo == null) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the ds:Signature has no ds:SignedInfo");
        }
        return SignedInfoAlgorithms.read(signedInfo);
    }

    private WSHandlerResult process(Document envelope) {
        RequestData data = new RequestData();
        data.setWssConfig(config);
        data.setSigVerCrypto(certificateLoader);
        data.setTimeStampTTL(timestampTtlSeconds);
        data.setTimeStampFutureTTL(futureSkewSeconds);
        data.setRequireTimestampExpires(true);
        WSHandlerResult results;
        try {
            results = new WSSecurityEngine().processSecurityHeader(envelope, data);
        } catch (WSSecurityException e) {
            String detail = readable(e);
            if (e.getErrorCode() == WSSecurityException.ErrorCode.MESSAGE_EXPIRED) {
                throw new GatewayException(
                        GatewayError.STALE_MESSAGE,
                        "the WS-Security Timestamp has expired or lies in the future: " + detail,
                        e);
            }
            if (e.getErrorCode() == WSSecurityException.ErrorCode.INVALID_SECURITY
                    || e.getErrorCode() == WSSecurityException.ErrorCode.UNSUPPORTED_ALGORITHM) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE, "the WS-Security header cannot be processed: " + detail, e);
            }
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the WS-Security signature does not verify: " + detail, e);
        } catch (RuntimeException e) {
            // WSS4J reads every kind of token a header may hold, and fails on some defects in them unchecked: a key
            // identifier or BinarySecurityToken that is not base64 (found by fuzzing) escapes from Santuario's decoder.
            // A header the engine cannot read is a malformed message, not a failure of the gateway; the library's own
            // text (class names, internals) is not the sender's to read.
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the WS-Security header cannot be processed: a token or "
                            + "value in it cannot be read (e.g. a key identifier or BinarySecurityToken that is not base64)",
                    e);
        }
        if (results == null) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the SOAP message has no WS-Security header");
        }
        return results;
    }

    /**
     * WSS4J's failure in words a sender can read: its message when the library resolved it, else (a message key of
     * a resource bundle that is not loaded, such as "invalidTimestamp") the gateway's own sentence for its error code.
     */
    static String readable(WSSecurityException e) {
        String message = e.getMessage();
        boolean resolved = message != null
                && !message.isBlank()
                && !message.contains("No message with ID")
                && !message.equals(e.getMsgID())
                && message.contains(" ");
        if (resolved) {
            return message;
        }
        WSSecurityException.ErrorCode code = e.getErrorCode();
        if (code == null) {
            return "the Security header cannot be processed";
        }
        return switch (code) {
            case MESSAGE_EXPIRED -> "the Timestamp has expired, was created too long ago, or lies in the future";
            case FAILED_CHECK -> "a signature value or a Reference digest does not match what is signed";
            case FAILED_AUTHENTICATION -> "the signature cannot be verified with the carried certificate";
            case INVALID_SECURITY -> "the Security header breaks the WS-Security rules";
            case INVALID_SECURITY_TOKEN -> "a security token in the header is not valid";
            case SECURITY_TOKEN_UNAVAILABLE ->
                "the signature refers to a security token that the message does not carry";
            case UNSUPPORTED_ALGORITHM -> "the signature names an algorithm the gateway does not support";
            case UNSUPPORTED_SECURITY_TOKEN ->
                "the signature uses a kind of security token the gateway does not support";
            default ->
                "the Security header cannot be processed ("
                        + code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
        };
    }

    /** The business document: the base64 Document inside SubmitDocument, as exact bytes. */
    private static byte[] document(Element soapBody) {
        Element submit = DomChildren.firstElement(soapBody);
        if (submit == null
                || !"SubmitDocument".equals(submit.getLocalName())
                || !SoapXml.EXCHANGE.equals(submit.getNamespaceURI())) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the SOAP Body must hold ex:SubmitDocument (namespace " + SoapXml.EXCHANGE + ")");
        }
        Element document = DomChildren.first(submit, SoapXml.EXCHANGE, "Document");
        if (document == null) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "ex:SubmitDocument has no ex:Document");
        }
        try {
            return Base64.getMimeDecoder().decode(document.getTextContent().trim());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "ex:Document is not base64", e);
        }
    }
}
