package org.cbec.gateway.partner;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;

/**
 * Which signature algorithms and keys the gateway accepts: by default RSA of at least 2048 bits
 * (PKCS#1 v1.5 and PSS) with SHA-256/384/512, ECDSA on P-256 and P-384, and Ed25519. Everything else
 * (SHA-1, MD5, short RSA keys, other curves, unknown algorithms) is ALGORITHM_NOT_ALLOWED. The same
 * policy judges the message signature and the signatures of the signer's certificate chain.
 *
 * @param digests   allowed digest names, e.g. SHA-256
 * @param schemes   allowed schemes: RSA, RSASSA-PSS, ECDSA, Ed25519
 * @param minRsaBits smallest RSA modulus accepted
 * @param ecCurves  allowed EC curves by NIST name: P-256, P-384, P-521
 */
public record AlgorithmPolicy(Set<String> digests, Set<String> schemes, int minRsaBits, Set<String> ecCurves) {
    public static final AlgorithmPolicy DEFAULT = new AlgorithmPolicy(
            Set.of("SHA-256", "SHA-384", "SHA-512"),
            Set.of("RSA", "RSASSA-PSS", "ECDSA", "Ed25519"),
            2048,
            Set.of("P-256", "P-384"));

    /**
     * The only transforms and canonicalisation methods an XML signature (enveloped XMLDSig, SOAP WS-Security) may
     * name, in SignedInfo and in every Reference: the W3C canonicalisations and the enveloped-signature transform.
     * XPath, XSLT, base64 and the rest make what is signed differ from what is read, and are refused.
     */
    public static final Set<String> XML_TRANSFORMS = Set.of(
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
            "http://www.w3.org/2006/12/xml-c14n11",
            "http://www.w3.org/2006/12/xml-c14n11#WithComments",
            "http://www.w3.org/2001/10/xml-exc-c14n#",
            "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature");

    public AlgorithmPolicy {
        digests = Set.copyOf(digests);
        schemes = Set.copyOf(schemes);
        ecCurves = Set.copyOf(ecCurves);
    }

    /**
     * Refuses the message when its signature algorithm, the signer's key, or a chain certificate's signature is not allowed.
     *
     * @param digest JCA digest name of the message signature (SHA-256...)
     * @param scheme RSA, RSASSA-PSS, ECDSA or Ed25519, or whatever the container named
     * @param name   the container's own name for the algorithm, for the refusal's detail
     */
    public void check(
            String digest, String scheme, String name, X509Certificate signer, Iterable<X509Certificate> chain) {
        check(new SignatureAlgorithm(digest, scheme, name), signer, chain);
    }

    /**
     * The same for the whole algorithm, every reference digest of an XML signature included: a SHA-1 DigestMethod
     * under an RSA-SHA256 SignatureMethod is refused like a SHA-1 signature.
     */
    public void check(SignatureAlgorithm algorithm, X509Certificate signer, Iterable<X509Certificate> chain) {
        String digest = algorithm.digest();
        String scheme = algorithm.scheme();
        String name = algorithm.name();
        if (!schemes.contains(scheme)) {
            throw refused(
                    "the signature scheme " + scheme + " (" + name + ") is not allowed (allowed: " + schemes + ")");
        }
        if (!digests.contains(digest)) {
            throw refused("the digest " + digest + " of " + name + " is not allowed (allowed: " + digests + ")");
        }
        for (String referenceDigest : algorithm.referenceDigests()) {
            if (!digests.contains(referenceDigest)) {
                throw refused("the DigestMethod " + referenceDigest + " of a signed Reference is not allowed (allowed: "
                        + digests + ")");
            }
        }
        checkKey(signer.getPublicKey(), "the signer's key");
        for (X509Certificate certificate : chain) {
            checkCertificateSignature(certificate);
        }
    }

    /**
     * Refuses a transform or canonicalisation method outside {@link #XML_TRANSFORMS}; called on every one of
     * SignedInfo before any digest is computed.
     *
     * @param where the element that names it, for the refusal's detail
     */
    public static void checkXmlTransform(String uri, String where) {
        if (!XML_TRANSFORMS.contains(uri)) {
            throw refused("the " + where + " " + (uri == null || uri.isEmpty() ? "(no Algorithm)" : uri)
                    + " is not allowed: only the W3C canonicalisations and the enveloped-signature transform are");
        }
    }

    private void checkKey(PublicKey key, String whose) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < minRsaBits) {
                throw refused(whose + " is RSA-" + bits + "; at least RSA-" + minRsaBits + " is required");
            }
        } else if (key instanceof ECPublicKey ec) {
            String curve = curveName(ec);
            if (curve == null || !ecCurves.contains(curve)) {
                throw refused(
                        whose + " is on EC curve " + (curve == null ? "(unnamed)" : curve) + "; allowed: " + ecCurves);
            }
        } else if (!key.getAlgorithm().equals("Ed25519") && !key.getAlgorithm().equals("EdDSA")) {
            throw refused(whose + " is a " + key.getAlgorithm() + " key, which is not allowed");
        }
    }

    private void checkCertificateSignature(X509Certificate certificate) {
        String name = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
        if (name.equals("RSASSA-PSS")) {
            // A PSS certificate names its digest in the algorithm parameters; its key is still judged below.
            checkKey(
                    certificate.getPublicKey(),
                    "the key of " + certificate.getSubjectX500Principal().getName());
            return;
        }
        String digest = name.startsWith("SHA1") || name.startsWith("SHA-1")
                ? "SHA-1"
                : name.startsWith("MD5") || name.startsWith("MD2")
                        ? "MD5"
                        : name.startsWith("SHA256")
                                ? "SHA-256"
                                : name.startsWith("SHA384")
                                        ? "SHA-384"
                                        : name.startsWith("SHA512") || name.equals("ED25519") || name.equals("EDDSA")
                                                ? "SHA-512"
                                                : name;
        if (!digests.contains(digest)) {
            throw refused(
                    "the certificate " + certificate.getSubjectX500Principal().getName() + " is signed with "
                            + certificate.getSigAlgName() + ", which is not allowed");
        }
        checkKey(
                certificate.getPublicKey(),
                "the key of " + certificate.getSubjectX500Principal().getName());
    }

    /** This policy with whatever a partner's agreement sets instead. */
    public AlgorithmPolicy with(Overrides overrides) {
        if (overrides == null) {
            return this;
        }
        return new AlgorithmPolicy(
                overrides.digests() == null ? digests : overrides.digests(),
                overrides.schemes() == null ? schemes : overrides.schemes(),
                overrides.minRsaBits() == null ? minRsaBits : overrides.minRsaBits(),
                overrides.ecCurves() == null ? ecCurves : overrides.ecCurves());
    }

    /** A partner's own algorithm settings (partner file {@code algorithms:}); null fields keep the gateway's. */
    public record Overrides(Set<String> digests, Set<String> schemes, Integer minRsaBits, Set<String> ecCurves) {}

    private static String curveName(ECPublicKey key) {
        for (String name : new String[] {"P-256", "P-384", "P-521"}) {
            X9ECParameters parameters = ECNamedCurveTable.getByName(name);
            if (parameters != null
                    && parameters.getCurve().getFieldSize()
                            == key.getParams().getCurve().getField().getFieldSize()
                    && parameters.getN().equals(key.getParams().getOrder())) {
                return name;
            }
        }
        return null;
    }

    private static GatewayException refused(String detail) {
        return new GatewayException(GatewayError.ALGORITHM_NOT_ALLOWED, detail);
    }
}
