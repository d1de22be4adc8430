package org.cbec.gateway.signature.revocation;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLReason;
import org.cbec.gateway.partner.RevocationPolicy;
import org.cbec.gateway.signature.revocation.TestAuthority.Credential;
import org.cbec.gateway.signature.revocation.TestAuthority.Profile;
import org.cbec.gateway.signature.revocation.TestAuthority.Revoked;

/**
 * One partner CA with its CRL publication point and OCSP responder running on loopback, a clock the test
 * controls, and the checker under test built the way the gateway builds it.
 */
final class RevocationFixture implements AutoCloseable {
    static final String ROOT_CRL = "root";
    static final Duration CRL_VALIDITY = Duration.ofHours(24);
    static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(5);

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final CrlServer crls = new CrlServer();
    /** Written country first, so that the RFC 4514 form Java prints reads CN first. */
    static final String ROOT_SUBJECT = "C=CN,O=CBEC Test,CN=Test Customs Root CA";

    final Credential root = TestAuthority.root(ROOT_SUBJECT, clock.instant());
    final OcspResponder ocsp = new OcspResponder(root, root, clock);
    final RevocationChecker checker = newChecker();

    RevocationChecker newChecker() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(NETWORK_TIMEOUT).build();
        return new RevocationChecker(http, clock, NETWORK_TIMEOUT);
    }

    /** A signer issued by the root, with the root's CRL distribution point and OCSP responder in it. */
    Credential signer(String commonName) {
        return issue(root, commonName, Profile.signer(crls.url(ROOT_CRL), ocsp.url()));
    }

    Credential issue(Credential issuer, String commonName, Profile profile) {
        return TestAuthority.issue(issuer, "C=CN,O=CBEC Test,CN=" + commonName, clock.instant(), profile);
    }

    /** Publishes the root's CRL, valid from a minute ago for {@link #CRL_VALIDITY}, listing the given certificates as key compromises. */
    void publishRootCrl(Credential... revoked) {
        crls.publish(ROOT_CRL, rootCrl(revoked));
    }

    X509CRL rootCrl(Credential... revoked) {
        return crl(root, revoked);
    }

    X509CRL crl(Credential issuer, Credential... revoked) {
        Instant thisUpdate = clock.instant().minus(Duration.ofMinutes(1));
        Revoked[] entries = Arrays.stream(revoked)
                .map(credential ->
                        new Revoked(credential.serial(), thisUpdate.minus(Duration.ofDays(2)), CRLReason.keyCompromise))
                .toArray(Revoked[]::new);
        return TestAuthority.crl(issuer, thisUpdate, thisUpdate.plus(CRL_VALIDITY), entries);
    }

    void check(RevocationPolicy policy, Credential signer) {
        checker.check(List.of(signer.certificate()), root.certificate(), policy, List.of());
    }

    void check(RevocationPolicy policy, Credential signer, List<Path> localCrls) {
        checker.check(List.of(signer.certificate()), root.certificate(), policy, localCrls);
    }

    static URI unreachable(String path) {
        return TestAuthority.closedPortUrl(path);
    }

    @Override
    public void close() {
        crls.close();
        ocsp.close();
    }
}
