package org.cbec.gateway.signature.revocation;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * A CRL parsed once, with its scope read once and its signature checks remembered,
 * so that the hot path only looks a serial up.
 */
final class ParsedCrl {
    private final X509CRL crl;
    private final Instant thisUpdate;
    private final Instant nextUpdate;
    private final Instant freshUntil;
    private final String scopeLimit;
    private final boolean onlyUserCertificates;
    private final boolean onlyAuthorityCertificates;
    private final Map<PublicKey, Boolean> signedBy = new ConcurrentHashMap<>();

    /** @param freshUntil when this CRL stops counting: its nextUpdate, or a limit the checker sets when it has none */
    ParsedCrl(X509CRL crl, Instant freshUntil) {
        this.crl = crl;
        this.thisUpdate = crl.getThisUpdate().toInstant();
        this.nextUpdate =
                crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
        this.freshUntil = freshUntil;
        IssuingDistributionPoint scope = issuingDistributionPoint(crl);
        this.onlyUserCertificates = scope != null && scope.onlyContainsUserCerts();
        this.onlyAuthorityCertificates = scope != null && scope.onlyContainsCACerts();
        this.scopeLimit = scopeLimit(crl, scope);
    }

    X500Principal issuer() {
        return crl.getIssuerX500Principal();
    }

    Instant thisUpdate() {
        return thisUpdate;
    }

    /** The CRL's nextUpdate, or null when it has none. */
    Instant nextUpdate() {
        return nextUpdate;
    }

    Instant freshUntil() {
        return freshUntil;
    }

    boolean isSignedBy(PublicKey key) {
        return signedBy.computeIfAbsent(key, this::verifies);
    }

    private boolean verifies(PublicKey key) {
        try {
            crl.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            // A wrong key, a bad signature and an unsupported algorithm all mean the same here: not signed by that key.
            return false;
        }
    }

    /** Why this CRL cannot speak for the certificate, or null when it can. */
    String scopeProblem(X509Certificate certificate) {
        if (scopeLimit != null) {
            return scopeLimit;
        }
        boolean authority = certificate.getBasicConstraints() >= 0;
        if (onlyUserCertificates && authority) {
            return "it covers only end-entity certificates";
        }
        if (onlyAuthorityCertificates && !authority) {
            return "it covers only CA certificates";
        }
        return null;
    }

    RevocationStatus statusOf(X509Certificate certificate, String source) {
        X509CRLEntry entry = crl.getRevokedCertificate(certificate);
        if (entry == null) {
            return RevocationStatus.good(source);
        }
        CRLReason reason = entry.getRevocationReason();
        // removeFromCRL lifts an earlier certificateHold: the certificate is not revoked.
        if (reason != null && reason.ordinal() == RevocationReason.REMOVE_FROM_CRL) {
            return RevocationStatus.good(source);
        }
        return RevocationStatus.revoked(
                source,
                entry.getRevocationDate().toInstant(),
                reason == null ? "unspecified" : RevocationReason.name(reason.ordinal()));
    }

    private static IssuingDistributionPoint issuingDistributionPoint(X509CRL crl) {
        byte[] value = crl.getExtensionValue(Extension.issuingDistributionPoint.getId());
        if (value == null) {
            return null;
        }
        try {
            return IssuingDistributionPoint.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value));
        } catch (IOException | IllegalArgumentException e) {
            // Unreadable scope: scopeLimit() refuses the CRL below, since its coverage cannot be known.
            return null;
        }
    }

    private static String scopeLimit(X509CRL crl, IssuingDistributionPoint scope) {
        if (crl.getExtensionValue(Extension.deltaCRLIndicator.getId()) != null) {
            return "it is a delta CRL, not a complete one";
        }
        if (crl.getExtensionValue(Extension.issuingDistributionPoint.getId()) != null && scope == null) {
            return "its issuing distribution point extension cannot be read";
        }
        if (scope != null && scope.onlyContainsAttributeCerts()) {
            return "it covers only attribute certificates";
        }
        if (scope != null && scope.getOnlySomeReasons() != null) {
            return "it covers only some revocation reasons";
        }
        if (crl.hasUnsupportedCriticalExtension()) {
            return "it carries a critical extension the gateway does not understand: " + crl.getCriticalExtensionOIDs();
        }
        return null;
    }
}
