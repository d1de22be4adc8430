package org.cbec.gateway.signature.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.RevocationPolicy;
import org.cbec.gateway.signature.revocation.TestAuthority.Credential;
import org.cbec.gateway.signature.revocation.TestAuthority.Profile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partner policy {@code crl}: CRLs from the partner's local files or from the certificates' http distribution
 * points, signed by the issuer, kept until their nextUpdate.
 */
class CrlRevocationTest {
    private final RevocationFixture pki = new RevocationFixture();

    @TempDir
    Path files;

    @AfterEach
    void stopServers() {
        pki.close();
    }

    @Test
    void refuses_a_signer_revoked_in_the_crl_at_its_distribution_point() {
        Credential signer = pki.signer("Revoked Signer");
        pki.publishRootCrl(signer);

        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED);
                    assertThat(refusal.detail())
                            .contains(
                                    "CN=Revoked Signer",
                                    "serial " + signer.serial().toString(16),
                                    "revoked at",
                                    "keyCompromise",
                                    pki.crls.url(RevocationFixture.ROOT_CRL).toString());
                });
    }

    @Test
    void accepts_a_signer_that_a_valid_crl_does_not_list() {
        Credential signer = pki.signer("Good Signer");
        pki.publishRootCrl(pki.signer("Someone Else"));

        assertThatCode(() -> pki.check(RevocationPolicy.CRL, signer)).doesNotThrowAnyException();
    }

    @Test
    void refuses_a_signer_revoked_in_a_local_crl_file_without_asking_the_distribution_point() throws Exception {
        Credential signer = pki.signer("Locally Revoked Signer");
        Path crl = Files.write(files.resolve("root.crl"), pki.rootCrl(signer).getEncoded());

        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer, List.of(crl)))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED);
                    assertThat(refusal.detail()).contains("local CRL file " + crl, "CN=Locally Revoked Signer");
                });
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isZero();
    }

    @Test
    void reads_a_local_crl_file_again_when_it_changes() throws Exception {
        Credential signer = pki.signer("Signer Revoked Later");
        Path crl = Files.write(files.resolve("root.crl"), pki.rootCrl().getEncoded());
        pki.check(RevocationPolicy.CRL, signer, List.of(crl));

        FileTime before = Files.getLastModifiedTime(crl);
        Files.write(crl, pki.rootCrl(signer).getEncoded());
        Files.setLastModifiedTime(crl, FileTime.from(before.toInstant().plusSeconds(60)));

        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer, List.of(crl)))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        refusal -> assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED));
    }

    @Test
    void uses_the_distribution_point_when_no_local_crl_file_is_from_the_issuer() throws Exception {
        Credential otherCa = TestAuthority.root("C=FR,O=CBEC Test,CN=Another Customs CA", pki.clock.instant());
        Path foreign = Files.write(files.resolve("other.crl"), pki.crl(otherCa).getEncoded());
        Credential signer = pki.signer("Good Signer");
        pki.publishRootCrl();

        pki.check(RevocationPolicy.CRL, signer, List.of(foreign));

        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isEqualTo(1);
    }

    @Test
    void fetches_a_crl_once_and_serves_it_from_cache_until_its_next_update() {
        Credential signer = pki.signer("Busy Signer");
        pki.publishRootCrl();

        for (int message = 0; message < 25; message++) {
            pki.check(RevocationPolicy.CRL, signer);
        }
        pki.clock.advance(RevocationFixture.CRL_VALIDITY.minus(Duration.ofMinutes(2)));
        pki.check(RevocationPolicy.CRL, signer);
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isEqualTo(1);

        pki.clock.advance(Duration.ofMinutes(2));
        pki.publishRootCrl(signer);
        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        refusal -> assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED));
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isEqualTo(2);
    }

    @Test
    void fetches_a_crl_only_once_when_many_messages_need_it_at_the_same_moment() {
        Credential signer = pki.signer("Popular Signer");
        pki.publishRootCrl();
        pki.crls.hold();

        Together.run(
                8,
                () -> pki.check(RevocationPolicy.CRL, signer),
                () -> pki.crls.requests(RevocationFixture.ROOT_CRL) >= 1,
                pki.crls::release);

        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isEqualTo(1);
    }

    @Test
    void refuses_with_revocation_unknown_when_an_expired_crl_cannot_be_refreshed() {
        Credential signer = pki.signer("Signer");
        pki.publishRootCrl();
        pki.check(RevocationPolicy.CRL, signer);

        pki.crls.withdraw(RevocationFixture.ROOT_CRL);
        pki.clock.advance(RevocationFixture.CRL_VALIDITY);

        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.REVOCATION_UNKNOWN);
                    assertThat(refusal.detail()).contains("CN=Signer", "cannot be fetched", "HTTP 404");
                });
    }

    @Test
    void refuses_with_revocation_unknown_when_the_distribution_point_still_serves_an_expired_crl() {
        Credential signer = pki.signer("Signer");
        pki.publishRootCrl();
        pki.check(RevocationPolicy.CRL, signer);

        pki.clock.advance(RevocationFixture.CRL_VALIDITY);

        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.REVOCATION_UNKNOWN);
                    assertThat(refusal.detail()).contains("past its nextUpdate");
                });
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isEqualTo(2);
    }

    @Test
    void refuses_with_revocation_unknown_when_the_crl_is_signed_by_an_impostor_with_the_issuer_name() {
        Credential impostor = TestAuthority.root(RevocationFixture.ROOT_SUBJECT, pki.clock.instant());
        Credential signer = pki.signer("Signer");
        pki.crls.publish(RevocationFixture.ROOT_CRL, pki.crl(impostor));

        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.REVOCATION_UNKNOWN);
                    assertThat(refusal.detail()).contains("signature does not verify");
                });
    }

    @Test
    void refuses_with_revocation_unknown_when_the_certificate_names_no_distribution_point() {
        Credential signer = pki.issue(pki.root, "Signer Without CRL", Profile.signer(null, pki.ocsp.url()));

        assertThatThrownBy(() -> pki.check(RevocationPolicy.CRL, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.REVOCATION_UNKNOWN);
                    assertThat(refusal.detail()).contains("no http CRL distribution point");
                });
    }

    @Test
    void skips_ldap_distribution_points_and_uses_the_http_one() {
        Credential signer = pki.issue(
                pki.root,
                "Signer With Two Points",
                new Profile(
                        false,
                        List.of(
                                URI.create(
                                        "ldap://directory.example/cn=Test%20Customs%20Root%20CA?certificateRevocationList"),
                                pki.crls.url(RevocationFixture.ROOT_CRL)),
                        List.of(),
                        false));
        pki.publishRootCrl();

        assertThatCode(() -> pki.check(RevocationPolicy.CRL, signer)).doesNotThrowAnyException();
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isEqualTo(1);
    }

    @Test
    void refuses_a_chain_whose_intermediate_the_root_has_revoked() {
        Credential intermediate = pki.issue(
                pki.root,
                "Test Customs Issuing CA",
                Profile.intermediate(pki.crls.url(RevocationFixture.ROOT_CRL), null));
        Credential signer =
                pki.issue(intermediate, "Signer Under Revoked CA", Profile.signer(pki.crls.url("issuing"), null));
        pki.crls.publish("issuing", pki.crl(intermediate));
        pki.publishRootCrl(intermediate);

        assertThatThrownBy(() -> pki.checker.check(
                        List.of(signer.certificate(), intermediate.certificate()),
                        pki.root.certificate(),
                        RevocationPolicy.CRL,
                        List.of()))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED);
                    assertThat(refusal.detail())
                            .contains("CN=Test Customs Issuing CA")
                            .doesNotContain("CN=Signer Under Revoked CA");
                });
        assertThat(pki.crls.requests("issuing")).isEqualTo(1);
    }

    @Test
    void accepts_a_chain_whose_certificates_are_all_unrevoked() throws Exception {
        Credential intermediate = pki.issue(
                pki.root,
                "Test Customs Issuing CA",
                Profile.intermediate(pki.crls.url(RevocationFixture.ROOT_CRL), null));
        Credential signer = pki.issue(intermediate, "Signer", Profile.signer(pki.crls.url("issuing"), null));
        X509CRL issuing = pki.crl(intermediate, pki.signer("Unrelated"));
        pki.crls.publish("issuing", issuing);
        pki.publishRootCrl();

        assertThatCode(() -> pki.checker.check(
                        List.of(signer.certificate(), intermediate.certificate()),
                        pki.root.certificate(),
                        RevocationPolicy.CRL,
                        List.of()))
                .doesNotThrowAnyException();
    }
}
