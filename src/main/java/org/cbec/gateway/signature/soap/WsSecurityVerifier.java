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
import org.apache.wss4j.dom.WSDataRef;
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
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * SOAP 1.2 with WS-Security, verified with WSS4J (the WS-Security engine of Apache CXF): an X.509
 * signature that covers exactly the envelope's Body and its Timestamp. Whether the signer is trusted is
 * decided afterwards by the gateway's own policy, the same as for every other container, so WSS4J's own
 * trust check is replaced by one that accepts the credential as it is.
 */
public final class WsSecurityVerifier implements SignatureContainer {
    private static final String XMLDSIG_MORE = "http://www.w3.org/2001/04/xmldsig-more#";

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
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, SoapXml.SOAP11.equals(root.getNamespaceURI())
                    ? "SOAP 1.1 is not accepted; send SOAP 1.2 (application/soap+xml)" : "the body is not a SOAP 1.2 envelope");
        }
        Element soapBody = child(root, SoapXml.SOAP12, "Body");
        if (soapBody == null) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the SOAP envelope has no Body");
        }
        WSHandlerResult results = process(envelope);
        X509Certificate signer = null;
        List<X509Certificate> carried = List.of();
        List<Element> signed = new ArrayList<>();
        String signatureMethod = null;
        Instant created = null;
        for (WSSecurityEngineResult result : results.getResults()) {
            Integer action = (Integer) result.get(WSSecurityEngineResult.TAG_ACTION);
            if (action != null && action == WSConstants.SIGN) {
                if (signer != null) {
                    throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the security header holds more than one signature");
                }
                signer = (X509Certificate) result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE);
                // A PKIPath token (X509PKIPathv1) carries the CAs between the signer and its partner's anchor.
                X509Certificate[] path = (X509Certificate[]) result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATES);
                carried = path == null || path.length == 0 ? List.of(signer) : List.of(path);
                signatureMethod = (String) result.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD);
                @SuppressWarnings("unchecked")
                List<WSDataRef> references = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
                if (references != null) {
                    references.forEach(reference -> signed.add(reference.getProtectedElement()));
                }
            } else if (action != null && action == WSConstants.TS) {
                Timestamp timestamp = (Timestamp) result.get(WSSecurityEngineResult.TAG_TIMESTAMP);
                created = timestamp.getCreated();
            }
        }
        if (signer == null) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the SOAP message carries no WS-Security X.509 signature");
        }
        if (created == null) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the WS-Security header has no Timestamp");
        }
        // The signature must cover this very Body and the Timestamp: a signed copy elsewhere proves nothing (wrapping).
        if (signed.stream().noneMatch(element -> element == soapBody)) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the WS-Security signature does not cover the SOAP Body");
        }
        if (signed.stream().noneMatch(element -> "Timestamp".equals(element.getLocalName()) && WSConstants.WSU_NS.equals(element.getNamespaceURI()))) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the WS-Security signature does not cover the Timestamp");
        }
        return new SignedDocument(document(soapBody), signer, carried, Optional.of(created), algorithmOf(signatureMethod));
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
            String detail = e.getMessage() == null ? e.getErrorCode().name() : e.getMessage();
            if (e.getErrorCode() == WSSecurityException.ErrorCode.MESSAGE_EXPIRED) {
                throw new GatewayException(GatewayError.STALE_MESSAGE, "the WS-Security Timestamp has expired or lies in the future: " + detail, e);
            }
            if (e.getErrorCode() == WSSecurityException.ErrorCode.INVALID_SECURITY
                    || e.getErrorCode() == WSSecurityException.ErrorCode.UNSUPPORTED_ALGORITHM) {
                throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the WS-Security header cannot be processed: " + detail, e);
            }
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the WS-Security signature does not verify: " + detail, e);
        } catch (RuntimeException e) {
            // WSS4J reads every kind of token a header may hold, and fails on some defects in them unchecked: a key
            // identifier or BinarySecurityToken that is not base64 (found by fuzzing) escapes from Santuario's decoder.
            // A header the engine cannot read is a malformed message, not a failure of the gateway.
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the WS-Security header cannot be processed: " + detail, e);
        }
        if (results == null) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the SOAP message has no WS-Security header");
        }
        return results;
    }

    /** The business document: the base64 Document inside SubmitDocument, as exact bytes. */
    private static byte[] document(Element soapBody) {
        Element submit = firstElement(soapBody);
        if (submit == null || !"SubmitDocument".equals(submit.getLocalName()) || !SoapXml.EXCHANGE.equals(submit.getNamespaceURI())) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the SOAP Body must hold ex:SubmitDocument (namespace " + SoapXml.EXCHANGE + ")");
        }
        Element document = child(submit, SoapXml.EXCHANGE, "Document");
        if (document == null) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "ex:SubmitDocument has no ex:Document");
        }
        try {
            return Base64.getMimeDecoder().decode(document.getTextContent().trim());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "ex:Document is not base64", e);
        }
    }

    private static SignatureAlgorithm algorithmOf(String uri) {
        if (uri == null) {
            return new SignatureAlgorithm("unknown", "unknown", "none");
        }
        return switch (uri) {
            case "http://www.w3.org/2000/09/xmldsig#rsa-sha1" -> new SignatureAlgorithm("SHA-1", "RSA", uri);
            case XMLDSIG_MORE + "rsa-sha256" -> new SignatureAlgorithm("SHA-256", "RSA", uri);
            case XMLDSIG_MORE + "rsa-sha384" -> new SignatureAlgorithm("SHA-384", "RSA", uri);
            case XMLDSIG_MORE + "rsa-sha512" -> new SignatureAlgorithm("SHA-512", "RSA", uri);
            case XMLDSIG_MORE + "ecdsa-sha256" -> new SignatureAlgorithm("SHA-256", "ECDSA", uri);
            case XMLDSIG_MORE + "ecdsa-sha384" -> new SignatureAlgorithm("SHA-384", "ECDSA", uri);
            case XMLDSIG_MORE + "ecdsa-sha512" -> new SignatureAlgorithm("SHA-512", "ECDSA", uri);
            case "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1" -> new SignatureAlgorithm("SHA-256", "RSASSA-PSS", uri);
            case "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519" -> new SignatureAlgorithm("SHA-512", "Ed25519", uri);
            case XMLDSIG_MORE + "rsa-md5" -> new SignatureAlgorithm("MD5", "RSA", uri);
            default -> new SignatureAlgorithm(uri, uri, uri);
        };
    }

    private static Element child(Element parent, String namespace, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && localName.equals(element.getLocalName()) && namespace.equals(element.getNamespaceURI())) {
                return element;
            }
        }
        return null;
    }

    private static Element firstElement(Element parent) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                return element;
            }
        }
        return null;
    }
}
