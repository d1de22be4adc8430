package org.cbec.gateway.monitor;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;

/**
 * A certificate whose expiry operators watch: each enabled partner's trust anchors, and the gateway's own
 * signing certificate (partner {@value #GATEWAY}).
 */
public record WatchedCertificate(String partner, X509Certificate certificate) {
    public static final String GATEWAY = "gateway";

    public static List<WatchedCertificate> of(PartnerRegistry partners, X509Certificate gatewayCertificate) {
        List<WatchedCertificate> watched = new ArrayList<>();
        for (Partner partner : partners.all()) {
            if (partner.enabled()) {
                partner.trustAnchors().forEach(anchor -> watched.add(new WatchedCertificate(partner.id(), anchor)));
            }
        }
        watched.add(new WatchedCertificate(GATEWAY, gatewayCertificate));
        return List.copyOf(watched);
    }

    /** The subject in RFC 4514 form. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** Days until expiry at {@code now}, with a fraction; negative once expired. */
    public double daysToExpiry(Instant now) {
        return Duration.between(now, notAfter()).toSeconds() / 86_400.0;
    }

    /** What an operator reads: "trust anchor CN=... of partner CN-GACC" or "the gateway's signing certificate CN=...". */
    public String describe() {
        return GATEWAY.equals(partner)
                ? "the gateway's signing certificate " + subject()
                : "trust anchor " + subject() + " of partner " + partner;
    }
}
