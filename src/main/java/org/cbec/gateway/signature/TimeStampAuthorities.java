package org.cbec.gateway.signature;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The time-stamping authorities whose time the gateway takes ({@code gateway.inbound.tsa-anchors}): a signature
 * time-stamp token proves when a signature existed only when its message imprint is the digest of that signature's
 * value, its TSA certificate chains to one of these anchors by a PKIX path valid at the token's time, and the token's
 * own signature verifies under it (with the critical timeStamping extended key usage RFC 3161 asks of a TSA).
 * Anything less is TIMESTAMP_INVALID: a token that proves nothing is a claim, and a claimed time is not trusted.
 */
public final class TimeStampAuthorities {
    private static final Map<String, String> IMPRINT_DIGESTS = Map.of(
            "2.16.840.1.101.3.4.2.1", "SHA-256",
            "2.16.840.1.101.3.4.2.2", "SHA-384",
            "2.16.840.1.101.3.4.2.3", "SHA-512");
    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

    private final Set<TrustAnchor> anchors;

    public TimeStampAuthorities(Collection<X509Certificate> anchors) {
        Set<TrustAnchor> set = new HashSet<>();
        anchors.forEach(anchor -> set.add(new TrustAnchor(anchor, null)));
        this.anchors = Set.copyOf(set);
    }

    /** None: every token is refused, and a signer is judged at the time its message is received. */
    public static TimeStampAuthorities none() {
        return new TimeStampAuthorities(List.of());
    }

    /** Reads the PEM anchors of the setting; an unreadable one stops the start with its path. */
    public static TimeStampAuthorities load(String setting, Collection<Path> pemFiles) {
        List<X509Certificate> anchors = new ArrayList<>();
        for (Path pem : pemFiles) {
            try (InputStream in = Files.newInputStream(pem)) {
                for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    anchors.add((X509Certificate) certificate);
                }
            } catch (IOException | CertificateException e) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        setting + ": cannot read the TSA anchor " + pem + ": " + e.getMessage(),
                        e);
            }
        }
        return new TimeStampAuthorities(anchors);
    }

    /** The time the token proves for its signature, or TIMESTAMP_INVALID saying what it fails. */
    public Instant timeOf(SignatureTimeStamp stamp) {
        TimeStampToken token;
        try {
            token = new TimeStampToken(new CMSSignedData(stamp.token()));
        } catch (CMSException | TSPException | IOException | RuntimeException e) {
            throw invalid("the signature time-stamp token cannot be read: " + e.getMessage(), e);
        }
        String imprintAlgorithm =
                token.getTimeStampInfo().getMessageImprintAlgOID().getId();
        String digestName = IMPRINT_DIGESTS.get(imprintAlgorithm);
        if (digestName == null) {
            throw invalid(
                    "the signature time-stamp token's imprint algorithm " + imprintAlgorithm
                            + " is not SHA-256, SHA-384 or SHA-512",
                    null);
        }
        if (!MessageDigest.isEqual(
                digest(digestName, stamp.signatureValue()),
                token.getTimeStampInfo().getMessageImprintDigest())) {
            throw invalid(
                    "the signature time-stamp token's message imprint is not the " + digestName
                            + " digest of this signature's value: it stamps another signature",
                    null);
        }
        Instant stampedAt = token.getTimeStampInfo().getGenTime().toInstant();
        List<X509Certificate> carried = certificates(token);
        X509Certificate tsa = tsaCertificate(token, carried);
        validatePath(tsa, carried, stampedAt);
        try {
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa));
        } catch (TSPException | OperatorCreationException | RuntimeException e) {
            throw invalid(
                    "the signature time-stamp token does not verify under its TSA certificate "
                            + tsa.getSubjectX500Principal().getName() + ": " + e.getMessage(),
                    e);
        }
        return stampedAt;
    }

    private void validatePath(X509Certificate tsa, List<X509Certificate> carried, Instant at) {
        String name = tsa.getSubjectX500Principal().getName();
        if (anchors.isEmpty()) {
            throw invalid(
                    "the signature time-stamp token is by " + name
                            + ", and the gateway trusts no TSA (gateway.inbound.tsa-anchors is empty)",
                    null);
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(tsa);
        X509Certificate current = tsa;
        for (int depth = 0; depth < PkixPaths.MAX_CHAIN_LENGTH && !issuedByAnchor(current); depth++) {
            X509Certificate issuer = issuerOf(current, carried);
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            current = issuer;
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(java.util.Date.from(at));
            PkixPaths.validate(chain, parameters);
        } catch (CertPathValidatorException e) {
            throw invalid(
                    "the TSA " + name + " does not chain to a trusted TSA anchor (gateway.inbound.tsa-anchors) at " + at
                            + ": " + e.getMessage(),
                    e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid("the TSA " + name + "'s certificate path cannot be checked: " + e.getMessage(), e);
        }
    }

    private boolean issuedByAnchor(X509Certificate certificate) {
        return anchors.stream()
                .anyMatch(anchor ->
                        anchor.getTrustedCert().getSubjectX500Principal().equals(certificate.getIssuerX500Principal()));
    }

    private static X509Certificate issuerOf(X509Certificate certificate, List<X509Certificate> carried) {
        for (X509Certificate candidate : carried) {
            if (!candidate.equals(certificate)
                    && candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                return candidate;
            }
        }
        return null;
    }

    private static X509Certificate tsaCertificate(TimeStampToken token, List<X509Certificate> carried) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = token.getCertificates().getMatches(token.getSID());
        if (matches.isEmpty()) {
            throw invalid(
                    "the signature time-stamp token does not carry its TSA's certificate (ask the TSA for it: certReq)",
                    null);
        }
        return certificate(matches.iterator().next());
    }

    private static List<X509Certificate> certificates(TimeStampToken token) {
        List<X509Certificate> certificates = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> all = token.getCertificates().getMatches(null);
        all.forEach(holder -> certificates.add(certificate(holder)));
        return certificates;
    }

    private static X509Certificate certificate(X509CertificateHolder holder) {
        try {
            return CONVERTER.getCertificate(holder);
        } catch (CertificateException | RuntimeException e) {
            throw invalid("a certificate in the signature time-stamp token cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "no " + algorithm + " digest", e);
        }
    }

    private static GatewayException invalid(String detail, Exception cause) {
        return cause == null
                ? new GatewayException(GatewayError.TIMESTAMP_INVALID, detail)
                : new GatewayException(GatewayError.TIMESTAMP_INVALID, detail, cause);
    }
}
