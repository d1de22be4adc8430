package org.cbec.gateway.signature;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;

/**
 * Decides which partner a signer speaks for: the one enabled partner whose trust anchor the signer's
 * certificate chains to by a PKIX path valid at the time judged ({@link SigningTimePolicy}: a trusted time-stamp
 * token's time, else the time received). Nothing the sender writes elsewhere counts.
 * Trust anchors are indexed once per registry, not per message.
 */
public final class SignerTrust {

    // The JDK's PKIX validator holds the CAs in a path to basicConstraints CA:true, keyCertSign and pathLenConstraint.
    private static final Map<CertPathValidatorException.Reason, String> ISSUER_CONSTRAINT = Map.of(
            PKIXReason.NOT_CA_CERT, "it is not a certificate authority (no basicConstraints CA:true)",
            PKIXReason.INVALID_KEY_USAGE, "its keyUsage lacks keyCertSign",
            PKIXReason.PATH_TOO_LONG, "the path is longer than a pathLenConstraint above the signer allows");
    private static final Set<CertPathValidatorException.Reason> NOT_PERMITTED_TO_ISSUE = ISSUER_CONSTRAINT.keySet();

    private final PartnerRegistry partners;
    private final Map<String, Set<TrustAnchor>> anchorsByPartner = new HashMap<>();

    public SignerTrust(PartnerRegistry partners) {
        this.partners = partners;
        for (Partner partner : partners.all()) {
            anchorsByPartner.put(
                    partner.id(),
                    partner.trustAnchors().stream()
                            .map(anchor -> new TrustAnchor(anchor, null))
                            .collect(Collectors.toUnmodifiableSet()));
        }
    }

    public PartnerRegistry partners() {
        return partners;
    }

    /**
     * The partner the signer belongs to with its validated chain, or a refusal: UNKNOWN_SIGNER, CERTIFICATE_EXPIRED, or
     * SIGNER_NOT_PERMITTED when the signer or a CA above it is not fit for its role ({@link SignerProfile}).
     */
    public TrustedSigner partnerOf(X509Certificate signer, List<X509Certificate> carried, Instant judgedAt) {
        Date at = Date.from(judgedAt);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(signer);
        X509Certificate current = signer;
        for (int depth = 0; depth < PkixPaths.MAX_CHAIN_LENGTH; depth++) {
            List<Partner> candidates = partners.enabledPartnersWithAnchor(current.getIssuerX500Principal());
            if (!candidates.isEmpty()) {
                return validated(signer, chain, candidates, at);
            }
            X509Certificate issuer = issuerOf(current, carried);
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            current = issuer;
        }
        throw new GatewayException(
                GatewayError.UNKNOWN_SIGNER,
                "the signer " + signer.getSubjectX500Principal().getName()
                        + " chains to no enabled partner's trust anchor");
    }

    private TrustedSigner validated(
            X509Certificate signer, List<X509Certificate> chain, List<Partner> candidates, Date at) {
        GatewayException lastRefusal = null;
        List<Partner> trusted = new ArrayList<>();
        X509Certificate anchor = null;
        for (Partner partner : candidates) {
            try {
                anchor = validatePath(chain, anchorsByPartner.get(partner.id()), at);
                trusted.add(partner);
            } catch (GatewayException refusal) {
                lastRefusal = refusal;
            }
        }
        if (trusted.isEmpty()) {
            throw lastRefusal;
        }
        if (trusted.size() > 1) {
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER,
                    "the signer chains to more than one partner: "
                            + trusted.stream().map(Partner::id).collect(Collectors.joining(", ")));
        }
        Partner partner = trusted.get(0);
        SignerProfile.check(signer, partner.signerExtendedKeyUsages());
        X500Principal subject = signer.getSubjectX500Principal();
        if (!partner.mayAccept(subject)) {
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER,
                    "the signer " + subject.getName() + " is not among partner " + partner.id() + "'s signerSubjects");
        }
        return new TrustedSigner(partner, chain, anchor);
    }

    /** A chain certificate and its anchor are checked alike; only the refusal's wording differs. */
    private static void requireValidAt(
            X509Certificate certificate, Date at, java.util.function.Supplier<String> refusal) {
        try {
            certificate.checkValidity(at);
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new GatewayException(GatewayError.CERTIFICATE_EXPIRED, refusal.get());
        }
    }

    /** Validates the path and returns the anchor it ends at. */
    private static X509Certificate validatePath(List<X509Certificate> chain, Set<TrustAnchor> anchors, Date at) {
        for (X509Certificate certificate : chain) {
            requireValidAt(
                    certificate,
                    at,
                    () -> "the certificate "
                            + certificate.getSubjectX500Principal().getName() + " was not valid at "
                            + at.toInstant()
                            + ", the time received or proved by a trusted time-stamp token (valid "
                            + certificate.getNotBefore().toInstant() + " to "
                            + certificate.getNotAfter().toInstant() + ")");
        }
        for (TrustAnchor anchor : anchors) {
            X509Certificate anchorCertificate = anchor.getTrustedCert();
            if (anchorCertificate
                    .getSubjectX500Principal()
                    .equals(chain.get(chain.size() - 1).getIssuerX500Principal())) {
                requireValidAt(
                        anchorCertificate,
                        at,
                        () -> "the trust anchor "
                                + anchorCertificate.getSubjectX500Principal().getName() + " was not valid at "
                                + at.toInstant());
            }
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(at);
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) PkixPaths.validate(chain, parameters);
            return result.getTrustAnchor().getTrustedCert();
        } catch (CertPathValidatorException e) {
            if (e.getReason() == BasicReason.EXPIRED || e.getReason() == BasicReason.NOT_YET_VALID) {
                throw new GatewayException(
                        GatewayError.CERTIFICATE_EXPIRED,
                        "the certificate path was not valid at " + at.toInstant() + ": " + e.getMessage(),
                        e);
            }
            if (NOT_PERMITTED_TO_ISSUE.contains(e.getReason()) && issuedAlongThePath(chain, anchors)) {
                // The CA above the signer may not issue certificates: PKIX says why; each link verified, so it is no
                // forgery.
                throw new GatewayException(
                        GatewayError.SIGNER_NOT_PERMITTED,
                        "the certificate " + failing(chain, e) + " in the signer's path may not issue certificates: "
                                + ISSUER_CONSTRAINT.get(e.getReason()),
                        e);
            }
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER, "the certificate path does not validate: " + e.getMessage(), e);
        } catch (InvalidAlgorithmParameterException e) {
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER, "the partner has no usable trust anchor: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER, "the certificate path cannot be checked: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The JDK's validator checks each certificate's key algorithm before its signature, and Bouncy Castle reads
            // a certificate's key only then: a key it cannot decode (an EC point off its curve) fails unchecked. Any
            // sender can put such a certificate in a chain under the name of a partner's CA, without its key.
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER,
                    "the certificate path cannot be checked: a certificate in it " + "cannot be read (" + e.getMessage()
                            + ")",
                    e);
        }
    }

    /** Whether each certificate of the chain is signed by the key of the next, and the last by an anchor's. */
    private static boolean issuedAlongThePath(List<X509Certificate> chain, Set<TrustAnchor> anchors) {
        try {
            for (int i = 0; i + 1 < chain.size(); i++) {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            }
        } catch (GeneralSecurityException | RuntimeException forged) {
            return false;
        }
        X509Certificate last = chain.get(chain.size() - 1);
        for (TrustAnchor anchor : anchors) {
            try {
                last.verify(anchor.getTrustedCert().getPublicKey());
                return true;
            } catch (GeneralSecurityException | RuntimeException notThisAnchor) {
                // Another anchor of the partner may have issued it.
            }
        }
        return false;
    }

    private static String failing(List<X509Certificate> chain, CertPathValidatorException e) {
        int index = e.getIndex();
        return index >= 0 && index < chain.size()
                ? chain.get(index).getSubjectX500Principal().getName()
                : "(unknown)";
    }

    private static X509Certificate issuerOf(X509Certificate certificate, List<X509Certificate> carried) {
        X500Principal issuer = certificate.getIssuerX500Principal();
        if (issuer.equals(certificate.getSubjectX500Principal())) {
            return null;
        }
        for (X509Certificate candidate : carried) {
            if (candidate.getSubjectX500Principal().equals(issuer) && !candidate.equals(certificate)) {
                return candidate;
            }
        }
        return null;
    }
}
