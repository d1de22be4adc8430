package org.cbec.gateway.signature.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.RevocationPolicy;
import org.cbec.gateway.signature.revocation.OcspResponder.Answer;
import org.cbec.gateway.signature.revocation.TestAuthority.Credential;
import org.cbec.gateway.signature.revocation.TestAuthority.Profile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Partner policies {@code none} and {@code ocsp-then-crl}: which sources are asked, and in what order. */
class RevocationPolicyTest {
    private final RevocationFixture pki = new RevocationFixture();

    @AfterEach
    void stopServers() {
        pki.close();
    }

    @Test
    void checks_nothing_when_the_policy_is_none() {
        Credential signer = pki.issue(
                pki.root,
                "Signer",
                Profile.signer(RevocationFixture.unreachable("/root.crl"), RevocationFixture.unreachable("/ocsp")));

        assertThatCode(() -> pki.check(RevocationPolicy.NONE, signer)).doesNotThrowAnyException();
    }

    @Test
    void uses_the_ocsp_answer_without_fetching_the_crl_when_the_responder_answers() {
        Credential signer = pki.signer("Signer");
        pki.publishRootCrl();

        pki.check(RevocationPolicy.OCSP_THEN_CRL, signer);

        assertThat(pki.ocsp.requests()).isEqualTo(1);
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isZero();
    }

    @Test
    void accepts_a_signer_by_its_crl_when_the_ocsp_responder_is_down() {
        Credential signer = pki.issue(
                pki.root,
                "Signer",
                Profile.signer(pki.crls.url(RevocationFixture.ROOT_CRL), RevocationFixture.unreachable("/ocsp")));
        pki.publishRootCrl();

        assertThatCode(() -> pki.check(RevocationPolicy.OCSP_THEN_CRL, signer)).doesNotThrowAnyException();
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isEqualTo(1);
    }

    @Test
    void falls_back_to_the_crl_when_the_responder_gives_no_status() {
        Credential signer = pki.signer("Signer");
        pki.ocsp.answer(signer.serial(), Answer.STALE);
        pki.publishRootCrl(signer);

        assertThatThrownBy(() -> pki.check(RevocationPolicy.OCSP_THEN_CRL, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED);
                    assertThat(refusal.detail()).contains("CRL " + pki.crls.url(RevocationFixture.ROOT_CRL));
                });
    }

    @Test
    void refuses_with_revocation_unknown_naming_both_sources_when_neither_answers() {
        Credential signer = pki.issue(
                pki.root,
                "Signer",
                Profile.signer(RevocationFixture.unreachable("/root.crl"), RevocationFixture.unreachable("/ocsp")));

        assertThatThrownBy(() -> pki.check(RevocationPolicy.OCSP_THEN_CRL, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.REVOCATION_UNKNOWN);
                    assertThat(refusal.detail())
                            .contains(
                                    "CN=Signer",
                                    "ocsp-then-crl",
                                    "OCSP http://",
                                    "responder is unreachable",
                                    "CRL http://",
                                    "cannot be fetched");
                });
    }
}
