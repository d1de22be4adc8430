package org.cbec.gateway.signature.jws;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.SignerKey;

/**
 * Opens a JWS in compact serialisation ({@code application/jose}) and verifies its one signature with the
 * signer certificate carried first in the protected {@code x5c} header. Who the signer is, whether its chain
 * is trusted and whether the algorithm is allowed by policy are decided after, as for every container. The accepted
 * algorithms and the check of the signature with the signer's key are {@link JwsAlgorithms}.
 *
 * <p>Refusals, in the order they are checked:
 * <ul>
 *   <li>{@code MALFORMED_MESSAGE}: not three base64url parts (the JSON serialisation and JWE included), an
 *       unreadable header or {@code x5c}, a {@code crit} parameter this class does not process, an unencoded
 *       payload ({@code b64:false}, RFC 7797), an unreadable {@code sigT} or {@code iat};</li>
 *   <li>{@code ALGORITHM_NOT_ALLOWED}: {@code alg:none} (an unsecured JWS has nothing to verify), any HMAC
 *       {@code HS*} (a shared secret proves nothing about a certificate), any alg outside RS/PS/ES/EdDSA, and an
 *       alg the signer's key cannot make (an {@code RS256} header over an EC key, {@code ES384} over a P-256 key).
 *       The last is checked before any cryptography because the header is not yet authenticated: refusing the
 *       alg/key pairing outright keeps every algorithm-confusion path away from the verifiers;</li>
 *   <li>{@code UNKNOWN_SIGNER}: no {@code x5c}, or an {@code x5c} certificate that does not certify the one before it
 *       (each must be on the signer's path, RFC 7515 §4.1.6);</li>
 *   <li>{@code SIGNATURE_INVALID}: the signer's public key cannot be read, or the signature does not verify with it.</li>
 * </ul>
 *
 * <p>The content is the decoded payload, byte for byte. The signing time is the JAdES {@code sigT} protected
 * header (an ISO-8601 instant) if present, else the protected {@code iat} header (NumericDate seconds) if
 * present. {@code x5u}, {@code jku} and {@code jwk} are never followed: only {@code x5c} names the signer.
 *
 * <p>Stateless and thread-safe.
 */
public final class JwsVerifier implements SignatureContainer.OfBodyAlone {
    static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final String SIGNING_TIME = "sigT";
    private static final String ISSUED_AT = "iat";
    private static final String UNENCODED_PAYLOAD = "b64";
    /** The {@code crit} names this class processes; anything else listed as critical is refused. */
    static final Set<String> UNDERSTOOD_CRITICAL = Set.of(SIGNING_TIME, ISSUED_AT, UNENCODED_PAYLOAD);

    private final JcaX509CertificateConverter certificateConverter =
            new JcaX509CertificateConverter().setProvider(BOUNCY_CASTLE);

    /** Parses and verifies a compact JWS; every failure is a {@link GatewayException} with its refusal code. */
    @Override
    public SignedDocument verify(byte[] body) {
        String compact = compactText(body);
        JWSHeader header = protectedHeader(compact);
        JwsAlgorithms.Accepted accepted =
                JwsAlgorithms.accepted(header.getAlgorithm().getName());
        if (accepted == null) {
            String alg = header.getAlgorithm().getName();
            throw new GatewayException(
                    GatewayError.ALGORITHM_NOT_ALLOWED,
                    alg.startsWith("HS")
                            ? "the JWS alg is " + alg
                                    + ": an HMAC over a shared secret does not identify a certificate holder"
                            : "the JWS alg " + alg
                                    + " is not one of RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, Ed25519");
        }
        checkCritical(header);
        if (!header.isBase64URLEncodePayload()) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the JWS has an unencoded payload (b64:false, RFC 7797), which is not accepted");
        }
        // Only now: an unencoded (b64:false) payload, refused above, need not be base64url.
        checkBase64Url(compact.substring(compact.indexOf('.') + 1, compact.lastIndexOf('.')), "payload");
        List<X509Certificate> chain = certificates(header);
        X509Certificate signer = chain.get(0);
        Optional<Instant> signingTime = signingTime(header);
        JWSObject jws = parse(compact);
        if (!JwsAlgorithms.verifies(jws, accepted, SignerKey.of(signer, "the x5c signer certificate"))) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the JWS signature does not verify with the x5c signer's key");
        }
        return new SignedDocument(jws.getPayload().toBytes(), signer, chain, signingTime, accepted.algorithm());
    }

    /** The body as compact-serialisation text: ASCII, three dot-separated parts, a base64url header and signature. */
    private static String compactText(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE, "the JWS compact serialisation contains non-ASCII bytes");
            }
        }
        // A file signed on disk usually ends with a newline; surrounding whitespace is never part of a JWS.
        String text = new String(body, StandardCharsets.US_ASCII).strip();
        if (text.startsWith("{")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the body is a JWS JSON serialisation; only the compact serialisation (header.payload.signature) is accepted");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length == 5) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the body has five parts: a JWE (encrypted) is not a signed document");
        }
        if (parts.length != 3) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the JWS compact serialisation has " + parts.length
                            + " dot-separated part(s); exactly three are expected");
        }
        if (parts[0].isEmpty()) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the JWS has no protected header");
        }
        checkBase64Url(parts[0], "protected header");
        checkBase64Url(parts[2], "signature");
        return text;
    }

    private static void checkBase64Url(String part, String what) {
        if (!isBase64Url(part)) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the JWS " + what + " is not unpadded base64url");
        }
    }

    private static boolean isBase64Url(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean alphabet =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!alphabet) {
                return false;
            }
        }
        return part.length() % 4 != 1;
    }

    private static JWSHeader protectedHeader(String compact) {
        Header header;
        try {
            header = Header.parse(new Base64URL(compact.substring(0, compact.indexOf('.'))));
        } catch (ParseException | RuntimeException e) {
            // Nimbus reports some malformed JSON with unchecked exceptions.
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the JWS protected header cannot be read: " + e.getMessage(), e);
        }
        if (header instanceof PlainHeader) {
            throw new GatewayException(
                    GatewayError.ALGORITHM_NOT_ALLOWED,
                    "the JWS is unsecured (alg:none): there is no signature to verify");
        }
        if (header instanceof JWEHeader) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the header is a JWE (encrypted) header, not a JWS header");
        }
        return (JWSHeader) header;
    }

    private static void checkCritical(JWSHeader header) {
        Set<String> critical = header.getCriticalParams();
        if (critical == null) {
            return;
        }
        for (String name : critical) {
            if (!UNDERSTOOD_CRITICAL.contains(name)) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE,
                        "the JWS marks header '" + name + "' critical, which this gateway does not process");
            }
        }
    }

    private static JWSObject parse(String compact) {
        try {
            return JWSObject.parse(compact);
        } catch (ParseException | RuntimeException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the JWS cannot be parsed: " + e.getMessage(), e);
        }
    }

    private List<X509Certificate> certificates(JWSHeader header) {
        List<Base64> x5c = header.getX509CertChain();
        if (x5c == null || x5c.isEmpty()) {
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER, "the JWS protected header carries no signer certificate (x5c)");
        }
        List<X509Certificate> chain = new ArrayList<>(x5c.size());
        for (Base64 encoded : x5c) {
            byte[] der = encoded.decode();
            org.cbec.gateway.signature.BerDepth.check(der, "an x5c certificate");
            try {
                chain.add(certificateConverter.getCertificate(new X509CertificateHolder(der)));
            } catch (IOException | CertificateException | RuntimeException e) {
                // Bouncy Castle reports some garbled ASN.1 with unchecked exceptions.
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE,
                        "certificate " + chain.size() + " in the JWS x5c header cannot be read",
                        e);
            }
        }
        certifiesInTurn(chain);
        return chain;
    }

    /**
     * RFC 7515 §4.1.6: each x5c certificate after the first certifies the one before it. A certificate off the signer's
     * path would be carried into the evidence as if it vouched for the signer: UNKNOWN_SIGNER, naming it.
     */
    private static void certifiesInTurn(List<X509Certificate> chain) {
        for (int i = 1; i < chain.size(); i++) {
            X509Certificate certified = chain.get(i - 1);
            X509Certificate issuer = chain.get(i);
            boolean certifies = issuer.getSubjectX500Principal().equals(certified.getIssuerX500Principal());
            if (certifies) {
                try {
                    certified.verify(issuer.getPublicKey());
                } catch (java.security.GeneralSecurityException | RuntimeException notByThisKey) {
                    certifies = false; // an unreadable key (an EC point off its curve) certifies nothing either
                }
            }
            if (!certifies) {
                throw new GatewayException(
                        GatewayError.UNKNOWN_SIGNER,
                        "x5c certificate " + (i + 1) + " ("
                                + issuer.getSubjectX500Principal().getName() + ") does not certify certificate " + i
                                + " ("
                                + certified.getSubjectX500Principal().getName()
                                + "): each x5c certificate must certify the one before it, "
                                + "on the signer's path (RFC 7515 §4.1.6)");
            }
        }
    }

    private static Optional<Instant> signingTime(JWSHeader header) {
        Object sigT = header.getCustomParam(SIGNING_TIME);
        if (sigT != null) {
            if (!(sigT instanceof String text)) {
                throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the JWS sigT header is not a string");
            }
            try {
                return Optional.of(Instant.parse(text));
            } catch (DateTimeException e) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE, "the JWS sigT header is not an ISO-8601 instant: " + text, e);
            }
        }
        Object iat = header.getCustomParam(ISSUED_AT);
        if (iat == null) {
            return Optional.empty();
        }
        if (!(iat instanceof Number seconds)) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the JWS iat header is not a NumericDate");
        }
        try {
            // NumericDate may carry a fraction (RFC 7519 §2); milliseconds are precise enough for a signing time.
            return Optional.of(
                    seconds instanceof Double || seconds instanceof Float
                            ? Instant.ofEpochMilli(Math.round(seconds.doubleValue() * 1000))
                            : Instant.ofEpochSecond(seconds.longValue()));
        } catch (DateTimeException | ArithmeticException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the JWS iat header is out of range", e);
        }
    }
}
