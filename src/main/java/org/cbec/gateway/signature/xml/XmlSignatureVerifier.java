package org.cbec.gateway.signature.xml;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.xml.security.Init;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.VerifiedReference;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.signature.XMLSignatureException;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.X509Factory;
import org.cbec.gateway.translate.DomChildren;
import org.cbec.gateway.translate.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Opens an XML document ({@code application/xml}, {@code text/xml}) signed with one enveloped XMLDSig
 * signature and verifies it with Apache Santuario in secure-validation mode. The signed content is the
 * exact received body; who the signer is, is decided by {@link org.cbec.gateway.signature.SignerTrust}.
 *
 * <p>Against signature wrapping, only one shape of signature is accepted, and everything else is refused
 * before any digest is computed:
 * <ul>
 *   <li>exactly one {@code ds:Signature} in the whole document, a child of the document element;</li>
 *   <li>one Reference with {@code URI=""} (the whole document) whose transforms are the enveloped-signature
 *       transform, optionally followed by one canonicalisation;</li>
 *   <li>optionally one more Reference, of {@code Type="http://uri.etsi.org/01903#SignedProperties"}, to the
 *       XAdES {@code SignedProperties} inside this signature's own {@code ds:Object} (by an Id that occurs
 *       once in the document), with no transform but a canonicalisation: the XAdES-BES shape, and the only
 *       way a signing time can be signed at all when the document reference is enveloped.</li>
 * </ul>
 * The signing time is the XAdES {@code SigningTime} of those signed properties; a {@code SigningTime} that
 * no Reference covers is unsigned and ignored. The certificates are those of
 * {@code ds:KeyInfo/ds:X509Data/ds:X509Certificate}; the signer is the one whose key verifies the signature.
 *
 * <p>Refusals: not well-formed XML, a DOCTYPE, nesting deeper than {@value SecureXml#MAX_DEPTH}, no
 * signature, or a signature that cannot be read are {@code MALFORMED_MESSAGE}; any other shape of signature,
 * a signature value or digest that does not verify are {@code SIGNATURE_INVALID}; no certificate is
 * {@code UNKNOWN_SIGNER}; MD5, HMAC and unknown algorithms are {@code ALGORITHM_NOT_ALLOWED}.
 *
 * <p>Thread-safe: parsers are per thread, Santuario is initialised once, nothing else is shared.
 */
public final class XmlSignatureVerifier implements SignatureContainer.OfBodyAlone {

    /** The XMLDSig namespace. */
    public static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";

    /** The XAdES 1.3.2 namespace, of {@code SigningTime}. */
    public static final String XADES = "http://uri.etsi.org/01903/v1.3.2#";

    /** The Reference Type that marks a reference to XAdES SignedProperties. */
    public static final String SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties";

    /** A chain longer than this is no chain a partner needs to send. */
    static final int MAX_CERTIFICATES = 16;

    static {
        Init.init(); // registers Santuario's algorithms and resolvers; idempotent, done once per class load
    }

    /** Parses and verifies; every failure is a {@link GatewayException} with its refusal code. */
    @Override
    public SignedDocument verify(byte[] body) {
        Document document = parse(body);
        Element signatureElement = theEnvelopedSignature(document);
        SignedInfoProfile profile = SignedInfoProfile.check(signatureElement, document);
        XMLSignature signature = santuario(signatureElement);
        List<X509Certificate> carried = certificates(signatureElement);
        if (carried.isEmpty()) {
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER,
                    "the ds:Signature carries no signer certificate in ds:KeyInfo/ds:X509Data/ds:X509Certificate");
        }
        X509Certificate signer = signerOf(signature, carried, profile.algorithm());
        Optional<Instant> signingTime = profile.signedProperties().flatMap(XmlSignatureVerifier::signingTime);
        return new SignedDocument(body, signer, carried, signingTime, profile.algorithm());
    }

    private static Document parse(byte[] body) {
        try {
            return SecureXml.parse(body);
        } catch (SAXParseException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the body is not acceptable XML: " + SecureXml.describe(e), e);
        } catch (SAXException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the body is not acceptable XML: " + e.getMessage(), e);
        }
    }

    private static Element theEnvelopedSignature(Document document) {
        NodeList signatures = document.getElementsByTagNameNS(DSIG, "Signature");
        if (signatures.getLength() == 0) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the XML document has no ds:Signature");
        }
        if (signatures.getLength() > 1) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the XML document has " + signatures.getLength()
                            + " ds:Signature elements; exactly one enveloped signature is accepted");
        }
        Element signature = (Element) signatures.item(0);
        if (signature.getParentNode() != document.getDocumentElement()) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the ds:Signature is not a child of the document element; only an enveloped signature is accepted");
        }
        return signature;
    }

    private static XMLSignature santuario(Element signatureElement) {
        XMLSignature signature;
        try {
            signature = new XMLSignature(signatureElement, "", true);
        } catch (XMLSecurityException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the ds:Signature cannot be read: " + e.getMessage(), e);
        }
        checkValuesDecode(signature);
        return signature;
    }

    /**
     * Santuario decodes the SignatureValue and the DigestValues only while it verifies, and fails on base64 it cannot
     * decode with an unchecked exception (found by fuzzing). They are decoded here first, by the same calls, so that
     * such a value is a signature that cannot be read; a DigestValue is reached even by a sender that signed it with
     * its own key, since trust is decided afterwards.
     */
    private static void checkValuesDecode(XMLSignature signature) {
        try {
            signature.getSignatureValue();
        } catch (XMLSignatureException | IllegalArgumentException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the ds:SignatureValue is not base64: " + e.getMessage(), e);
        }
        SignedInfo signedInfo = signature.getSignedInfo();
        for (int i = 0; i < signedInfo.getLength(); i++) {
            Reference reference;
            try {
                reference = signedInfo.item(i);
            } catch (XMLSecurityException e) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE, "a ds:Reference cannot be read: " + e.getMessage(), e);
            }
            try {
                reference.getDigestValue();
            } catch (XMLSecurityException | IllegalArgumentException e) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE,
                        "the ds:DigestValue of the Reference URI=\"" + reference.getURI() + "\" is not base64: "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /** Every ds:X509Certificate of the signature's KeyInfo, in document order. */
    private static List<X509Certificate> certificates(Element signatureElement) {
        List<Element> keyInfos = DomChildren.all(signatureElement, DSIG, "KeyInfo");
        if (keyInfos.size() > 1) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the ds:Signature has more than one ds:KeyInfo");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Element keyInfo : keyInfos) {
            for (Element data : DomChildren.all(keyInfo, DSIG, "X509Data")) {
                for (Element encoded : DomChildren.all(data, DSIG, "X509Certificate")) {
                    if (certificates.size() == MAX_CERTIFICATES) {
                        throw new GatewayException(
                                GatewayError.MALFORMED_MESSAGE,
                                "the ds:KeyInfo carries more than " + MAX_CERTIFICATES + " certificates");
                    }
                    certificates.add(certificate(encoded));
                }
            }
        }
        return certificates;
    }

    private static X509Certificate certificate(Element encoded) {
        try {
            byte[] der = Base64.getDecoder().decode(encoded.getTextContent().replaceAll("\\s", ""));
            org.cbec.gateway.signature.BerDepth.check(der, "a ds:X509Certificate");
            return (X509Certificate) X509Factory.ofThisThread().generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "a ds:X509Certificate cannot be read: " + e.getMessage(), e);
        }
    }

    /** The carried certificate whose key verifies the signature value and, with it, every Reference. */
    private static X509Certificate signerOf(
            XMLSignature signature, List<X509Certificate> carried, SignatureAlgorithm algorithm) {
        XMLSignatureException failure = null;
        for (X509Certificate certificate : carried) {
            if (!XmlAlgorithms.fits(certificate.getPublicKey(), algorithm.scheme())) {
                continue;
            }
            try {
                if (signature.checkSignatureValue(certificate.getPublicKey())) {
                    return certificate;
                }
            } catch (XMLSignatureException e) {
                failure = e; // e.g. a transform that fails on this content; the next certificate may still verify
            }
        }
        for (VerifiedReference reference : signature.getSignedInfo().getVerificationResults()) {
            if (!reference.isValid()) {
                throw new GatewayException(
                        GatewayError.SIGNATURE_INVALID,
                        "the digest of the Reference URI=\"" + reference.getUri()
                                + "\" does not match: the document was changed after it was signed");
            }
        }
        if (failure != null) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the signature does not verify: " + failure.getMessage(), failure);
        }
        throw new GatewayException(
                GatewayError.SIGNATURE_INVALID,
                "the signature value does not verify with the key of any carried certificate (" + algorithm + ")");
    }

    /** The signed XAdES SigningTime, when the signed properties have one. */
    private static Optional<Instant> signingTime(Element signedProperties) {
        for (Element signatureProperties : DomChildren.all(signedProperties, XADES, "SignedSignatureProperties")) {
            for (Element time : DomChildren.all(signatureProperties, XADES, "SigningTime")) {
                String text = time.getTextContent().strip();
                try {
                    return Optional.of(OffsetDateTime.parse(text).toInstant());
                } catch (DateTimeParseException e) {
                    throw new GatewayException(
                            GatewayError.MALFORMED_MESSAGE,
                            "the XAdES SigningTime '" + text + "' is not a date-time with a time zone",
                            e);
                }
            }
        }
        return Optional.empty();
    }
}
