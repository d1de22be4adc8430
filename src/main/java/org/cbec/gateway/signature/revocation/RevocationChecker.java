package org.cbec.gateway.signature.revocation;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.RevocationPolicy;

/**
 * Checks that no certificate of a signer's chain is revoked, as the partner's {@code revocation} policy says:
 * by CRL (the partner's local {@code crls} files, otherwise the certificates' http distribution points), by OCSP
 * (the responders in the Authority Information Access), or OCSP first and CRL when OCSP gives no status.
 *
 * <p>Built once per gateway and shared by all messages: CRLs are kept until their nextUpdate and OCSP answers
 * within their validity, so a message for which a fresh answer is cached does no network I/O, and messages
 * that need the same missing answer at the same moment share one fetch.
 *
 * <p>Refusals: {@link GatewayError#CERTIFICATE_REVOKED} when a CRL or an OCSP responder says a certificate is
 * revoked; {@link GatewayError#REVOCATION_UNKNOWN} when no usable status can be had (every policy but
 * {@code none} fails closed). The detail names the certificate and what was tried.
 */
public final class RevocationChecker {
    private final OcspChecker ocsp;
    private final CrlChecker crls;

    /**
     * @param http           the client for CRL downloads and OCSP requests; give it a connect timeout
     * @param clock          the gateway's clock, for freshness of answers
     * @param networkTimeout how long one download or OCSP exchange may take; other settings keep their defaults
     */
    public RevocationChecker(HttpClient http, Clock clock, Duration networkTimeout) {
        this(http, clock, RevocationSettings.withNetworkTimeout(networkTimeout));
    }

    /** As above, with every setting given (see {@link RevocationSettings}). */
    public RevocationChecker(HttpClient http, Clock clock, RevocationSettings settings) {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(settings, "settings");
        HttpFetcher fetcher = new HttpFetcher(http, settings.networkTimeout());
        this.ocsp = new OcspChecker(fetcher, clock, settings);
        this.crls = new CrlChecker(fetcher, clock, settings);
    }

    /**
     * Checks every certificate of the chain against its issuer: the next certificate of the chain, or the trust
     * anchor for the last one. The anchor itself is not checked.
     *
     * @param chain       the signer first, then the intermediates, the last one issued by the trust anchor;
     *                    already validated as a path (signatures, validity) by the caller
     * @param trustAnchor the partner's CA certificate that issued the chain's last certificate
     * @param policy      the partner's {@code revocation} policy
     * @param localCrls   the partner's {@code crls} files (may be empty)
     * @throws GatewayException CERTIFICATE_REVOKED or REVOCATION_UNKNOWN
     */
    public void check(
            List<X509Certificate> chain, X509Certificate trustAnchor, RevocationPolicy policy, List<Path> localCrls) {
        if (policy == RevocationPolicy.NONE) {
            return;
        }
        Objects.requireNonNull(trustAnchor, "trustAnchor");
        List<Path> files = localCrls == null ? List.of() : localCrls;
        for (int index = 0; index < chain.size(); index++) {
            X509Certificate certificate = chain.get(index);
            // Callers may pass the anchor along; it is trusted as configured, not checked.
            if (certificate.equals(trustAnchor)) {
                continue;
            }
            X509Certificate issuer = index + 1 < chain.size() ? chain.get(index + 1) : trustAnchor;
            RevocationStatus status = statusOf(certificate, issuer, policy, files);
            if (status.state() == RevocationStatus.State.REVOKED) {
                throw new GatewayException(
                        GatewayError.CERTIFICATE_REVOKED,
                        "the certificate "
                                + CertificateSources.describe(certificate) + " was revoked at " + status.revokedAt()
                                + " (reason " + status.reason() + ") according to " + status.source());
            }
            if (status.state() == RevocationStatus.State.UNKNOWN) {
                throw new GatewayException(
                        GatewayError.REVOCATION_UNKNOWN,
                        "no revocation status for the certificate " + CertificateSources.describe(certificate)
                                + " under policy " + policy.value() + ": " + status.problem());
            }
        }
    }

    private RevocationStatus statusOf(
            X509Certificate certificate, X509Certificate issuer, RevocationPolicy policy, List<Path> files) {
        return switch (policy) {
            case NONE -> RevocationStatus.good("policy none");
            case CRL -> crls.status(certificate, issuer, files);
            case OCSP -> ocsp.status(certificate, issuer);
            case OCSP_THEN_CRL -> {
                RevocationStatus byOcsp = ocsp.status(certificate, issuer);
                if (byOcsp.known()) {
                    yield byOcsp;
                }
                RevocationStatus byCrl = crls.status(certificate, issuer, files);
                yield byCrl.known()
                        ? byCrl
                        : RevocationStatus.unknown("OCSP and CRL", byOcsp.problem() + "; " + byCrl.problem());
            }
        };
    }
}
