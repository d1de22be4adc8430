package org.cbec.gateway.signature.xml;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.xml.security.algorithms.JCEMapper;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;

/**
 * The XMLDSig algorithm URIs in the gateway's one vocabulary ({@link SignatureAlgorithm}). Whether an
 * algorithm is allowed is the algorithm policy's to decide; refused here are only what cannot be a
 * public-key signature at all (HMAC, unknown URIs) and MD5, which Santuario's secure validation refuses.
 */
final class XmlAlgorithms {

    /** The canonicalisations accepted for SignedInfo and as a Reference's last transform. */
    static final Set<String> CANONICALISATIONS = Set.of(
            Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS,
            Canonicalizer.ALGO_ID_C14N_WITH_COMMENTS,
            Canonicalizer.ALGO_ID_C14N11_OMIT_COMMENTS,
            Canonicalizer.ALGO_ID_C14N11_WITH_COMMENTS,
            Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS,
            Canonicalizer.ALGO_ID_C14N_EXCL_WITH_COMMENTS);

    private record Known(String digest, String scheme) {}

    private static final Map<String, Known> SIGNATURE_METHODS = Map.ofEntries(
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1, new Known("SHA-1", "RSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA224, new Known("SHA-224", "RSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, new Known("SHA-256", "RSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA384, new Known("SHA-384", "RSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA512, new Known("SHA-512", "RSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_RIPEMD160, new Known("RIPEMD160", "RSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_NOT_RECOMMENDED_RSA_MD5, new Known("MD5", "RSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1_MGF1, new Known("SHA-1", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA224_MGF1, new Known("SHA-224", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256_MGF1, new Known("SHA-256", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA384_MGF1, new Known("SHA-384", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA512_MGF1, new Known("SHA-512", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA3_224_MGF1, new Known("SHA3-224", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA3_256_MGF1, new Known("SHA3-256", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA3_384_MGF1, new Known("SHA3-384", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA3_512_MGF1, new Known("SHA3-512", "RSASSA-PSS")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA1, new Known("SHA-1", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA224, new Known("SHA-224", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256, new Known("SHA-256", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA384, new Known("SHA-384", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA512, new Known("SHA-512", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_RIPEMD160, new Known("RIPEMD160", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA3_224, new Known("SHA3-224", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA3_256, new Known("SHA3-256", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA3_384, new Known("SHA3-384", "ECDSA")),
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA3_512, new Known("SHA3-512", "ECDSA")),
            // Ed25519 hashes with SHA-512 inside the scheme (SignatureAlgorithm's convention)
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_EDDSA_ED25519, new Known("SHA-512", "Ed25519")),
            // no scheme of the vocabulary: the URI stands for it, and the policy refuses what it does not know
            Map.entry(XMLSignature.ALGO_ID_SIGNATURE_DSA, new Known("SHA-1", XMLSignature.ALGO_ID_SIGNATURE_DSA)),
            Map.entry(
                    XMLSignature.ALGO_ID_SIGNATURE_DSA_SHA256,
                    new Known("SHA-256", XMLSignature.ALGO_ID_SIGNATURE_DSA_SHA256)));

    private static final Map<String, String> DIGEST_METHODS = Map.ofEntries(
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_NOT_RECOMMENDED_MD5, "MD5"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1, "SHA-1"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA224, "SHA-224"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, "SHA-256"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA384, "SHA-384"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA512, "SHA-512"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_RIPEMD160, "RIPEMD160"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_WHIRLPOOL, "WHIRLPOOL"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA3_224, "SHA3-224"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA3_256, "SHA3-256"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA3_384, "SHA3-384"),
            Map.entry(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA3_512, "SHA3-512"));

    /** From weakest to strongest: the weakest digest in a signature is the one its security rests on. */
    private static final List<String> DIGEST_STRENGTH = List.of(
            "MD5",
            "SHA-1",
            "RIPEMD160",
            "SHA-224",
            "SHA3-224",
            "SHA-256",
            "SHA3-256",
            "SHA-384",
            "SHA3-384",
            "SHA-512",
            "SHA3-512",
            "WHIRLPOOL");

    private XmlAlgorithms() {}

    /**
     * The SignatureMethod, checked to be a public-key signature Santuario can verify and not MD5.
     *
     * @param pssDigestUri for the generic RSASSA-PSS URI, the DigestMethod of its RSAPSSParams (else null)
     */
    static SignatureAlgorithm signatureMethod(String uri, String pssDigestUri) {
        if (!"Signature".equals(JCEMapper.getAlgorithmClassFromURI(uri))) {
            throw new GatewayException(
                    GatewayError.ALGORITHM_NOT_ALLOWED,
                    "the SignatureMethod " + uri + " is not a public-key signature algorithm the gateway can verify");
        }
        Known known;
        if (XMLSignature.ALGO_ID_SIGNATURE_RSA_PSS.equals(uri)) {
            known = new Known(pssDigestUri == null ? "SHA-256" : digestName(pssDigestUri), "RSASSA-PSS");
        } else {
            known = SIGNATURE_METHODS.getOrDefault(uri, new Known(uri, uri));
        }
        if ("MD5".equals(known.digest())) {
            throw new GatewayException(
                    GatewayError.ALGORITHM_NOT_ALLOWED,
                    "the SignatureMethod " + uri + " uses MD5, which XML secure validation refuses");
        }
        return new SignatureAlgorithm(known.digest(), known.scheme(), uri);
    }

    /** The JCA name of a Reference's DigestMethod, checked to be a digest Santuario knows and not MD5. */
    static String digestMethod(String uri) {
        if (!"MessageDigest".equals(JCEMapper.getAlgorithmClassFromURI(uri))) {
            throw new GatewayException(
                    GatewayError.ALGORITHM_NOT_ALLOWED,
                    "the DigestMethod " + uri + " is not a digest algorithm the gateway can verify");
        }
        String name = digestName(uri);
        if ("MD5".equals(name)) {
            throw new GatewayException(
                    GatewayError.ALGORITHM_NOT_ALLOWED,
                    "the DigestMethod " + uri + " is MD5, which XML secure validation refuses");
        }
        return name;
    }

    /**
     * The signature's algorithm with, as its digest, the weaker of the SignatureMethod's hash and the
     * References' digests: a SHA-1 reference digest under an RSA-SHA256 signature is as weak as SHA-1.
     */
    static SignatureAlgorithm withWeakestDigest(SignatureAlgorithm method, Map<String, String> referenceDigests) {
        String digest = method.digest();
        String name = method.name();
        for (Map.Entry<String, String> reference : referenceDigests.entrySet()) {
            if (strength(reference.getValue()) < strength(digest)) {
                digest = reference.getValue();
                name = method.name() + " with DigestMethod " + reference.getKey();
            }
        }
        return new SignatureAlgorithm(digest, method.scheme(), name);
    }

    /** Whether a key can have made a signature of this scheme; other keys are not even tried. */
    static boolean fits(PublicKey key, String scheme) {
        String algorithm = key.getAlgorithm();
        return switch (scheme) {
            case "RSA" -> algorithm.equals("RSA");
            case "RSASSA-PSS" -> algorithm.equals("RSA") || algorithm.equals("RSASSA-PSS");
            case "ECDSA" -> algorithm.equals("EC");
            case "Ed25519" -> algorithm.equals("EdDSA") || algorithm.equals("Ed25519");
            default -> true;
        };
    }

    private static String digestName(String uri) {
        return DIGEST_METHODS.getOrDefault(uri, uri);
    }

    private static int strength(String digest) {
        int index = DIGEST_STRENGTH.indexOf(digest);
        return index < 0 ? Integer.MAX_VALUE : index; // unknown names are not made the weakest by accident
    }
}
