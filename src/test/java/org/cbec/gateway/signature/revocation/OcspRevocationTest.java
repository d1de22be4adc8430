package org.cbec.gateway.signature.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.RevocationPolicy;
import org.cbec.gateway.signature.revocation.OcspResponder.Answer;
import org.cbec.gateway.signature.revocation.TestAuthority.Credential;
import org.cbec.gateway.signature.revocation.TestAuthority.Profile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Partner policy {@code ocsp}: the responder named in the certificate's Authority Information Access is asked
 * with a nonce; its answer counts only when signed by the issuer or a delegated responder, fresh, and about
 * our certificate; good and revoked answers are kept within their validity.
 */
class OcspRevocationTest {
    private final RevocationFixture pki = new RevocationFixture();

    @AfterEach
    void stopServers() {
        pki.close();
    }

    @Test
    void refuses_a_signer_the_responder_reports_revoked() {
        Credential signer = pki.signer("Revoked Signer");
        pki.ocsp.answer(signer.serial(), Answer.REVOKED);

        assertThatThrownBy(() -> pki.check(RevocationPolicy.OCSP, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED);
                    assertThat(refusal.detail())
                            .contains(
                                    "CN=Revoked Signer",
                                    "serial " + signer.serial().toString(16),
                                    OcspResponder.REVOKED_AT.toString(),
                                    "keyCompromise",
                                    "OCSP " + pki.ocsp.url());
                });
    }

    @Test
    void accepts_a_good_answer_and_serves_it_from_cache_until_its_next_update() {
        Credential signer = pki.signer("Busy Signer");

        for (int message = 0; message < 25; message++) {
            pki.check(RevocationPolicy.OCSP, signer);
        }
        pki.clock.advance(Duration.ofMinutes(55));
        pki.check(RevocationPolicy.OCSP, signer);
        assertThat(pki.ocsp.requests()).isEqualTo(1);
        assertThat(pki.ocsp.requestsWithNonce()).isEqualTo(1);

        pki.clock.advance(Duration.ofMinutes(10));
        pki.check(RevocationPolicy.OCSP, signer);
        assertThat(pki.ocsp.requests()).isEqualTo(2);
    }

    @Test
    void keeps_a_revoked_answer_without_asking_again() {
        Credential signer = pki.signer("Revoked Signer");
        pki.ocsp.answer(signer.serial(), Answer.REVOKED);

        for (int message = 0; message < 5; message++) {
            assertThatThrownBy(() -> pki.check(RevocationPolicy.OCSP, signer)).isInstanceOf(GatewayException.class);
        }

        assertThat(pki.ocsp.requests()).isEqualTo(1);
    }

    @Test
    void asks_the_responder_only_once_when_many_messages_need_the_same_answer_at_once() {
        Credential signer = pki.signer("Popular Signer");
        pki.ocsp.hold();

        Together.run(
                8, () -> pki.check(RevocationPolicy.OCSP, signer), () -> pki.ocsp.requests() >= 1, pki.ocsp::release);

        assertThat(pki.ocsp.requests()).isEqualTo(1);
    }

    @Test
    void refuses_with_revocation_unknown_when_the_responder_does_not_know_the_certificate() {
        Credential signer = pki.signer("Unknown Signer");
        pki.ocsp.answer(signer.serial(), Answer.UNKNOWN);

        assertRevocationUnknown(signer, "status unknown");
    }

    @Test
    void refuses_with_revocation_unknown_when_the_response_is_stale() {
        Credential signer = pki.signer("Signer");
        pki.ocsp.answer(signer.serial(), Answer.STALE);

        assertRevocationUnknown(signer, "stale");
    }

    @Test
    void refuses_with_revocation_unknown_when_the_response_is_signed_with_the_wrong_key() {
        Credential signer = pki.signer("Signer");
        pki.ocsp.answer(signer.serial(), Answer.WRONG_KEY);

        assertRevocationUnknown(signer, "signature does not verify");
    }

    @Test
    void refuses_with_revocation_unknown_when_the_response_echoes_another_nonce() {
        Credential signer = pki.signer("Signer");
        pki.ocsp.answer(signer.serial(), Answer.WRONG_NONCE);

        assertRevocationUnknown(signer, "nonce does not match");
    }

    @Test
    void accepts_a_fresh_pre_produced_answer_that_echoes_no_nonce() {
        Credential signer = pki.signer("Signer");
        pki.ocsp.answer(signer.serial(), Answer.NO_NONCE);

        assertThatCode(() -> pki.check(RevocationPolicy.OCSP, signer)).doesNotThrowAnyException();
    }

    @Test
    void refuses_with_revocation_unknown_when_the_responder_is_unreachable() {
        Credential signer = pki.issue(
                pki.root,
                "Signer",
                Profile.signer(pki.crls.url(RevocationFixture.ROOT_CRL), RevocationFixture.unreachable("/ocsp")));
        pki.publishRootCrl();

        assertRevocationUnknown(signer, "unreachable");
        assertThat(pki.crls.requests(RevocationFixture.ROOT_CRL)).isZero();
    }

    @Test
    void refuses_with_revocation_unknown_when_the_certificate_names_no_responder() {
        Credential signer =
                pki.issue(pki.root, "Signer", Profile.signer(pki.crls.url(RevocationFixture.ROOT_CRL), null));

        assertRevocationUnknown(signer, "no http OCSP responder");
    }

    @Test
    void accepts_an_answer_from_a_delegated_responder_with_the_ocsp_signing_usage() {
        Credential responderCertificate =
                pki.issue(pki.root, "Test Customs OCSP Responder", Profile.ocspResponder(true));
        try (OcspResponder delegated = new OcspResponder(pki.root, responderCertificate, pki.clock)) {
            Credential signer = pki.issue(pki.root, "Signer", Profile.signer(null, delegated.url()));
            delegated.answer(signer.serial(), Answer.REVOKED);
            Credential goodSigner = pki.issue(pki.root, "Good Signer", Profile.signer(null, delegated.url()));

            assertThatCode(() -> pki.check(RevocationPolicy.OCSP, goodSigner)).doesNotThrowAnyException();
            assertThatThrownBy(() -> pki.check(RevocationPolicy.OCSP, signer))
                    .isInstanceOfSatisfying(
                            GatewayException.class,
                            refusal -> assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED));
        }
    }

    @Test
    void refuses_an_answer_from_a_delegated_responder_without_the_ocsp_signing_usage() {
        Credential responderCertificate =
                pki.issue(pki.root, "Test Customs Ordinary Signer", Profile.ocspResponder(false));
        try (OcspResponder delegated = new OcspResponder(pki.root, responderCertificate, pki.clock)) {
            Credential signer = pki.issue(pki.root, "Signer", Profile.signer(null, delegated.url()));

            assertRevocationUnknown(signer, "not authorised to sign OCSP responses");
        }
    }

    @Test
    void refuses_an_answer_from_a_responder_that_another_ca_authorised() {
        Credential otherCa = TestAuthority.root("C=FR,O=CBEC Test,CN=Another Customs CA", pki.clock.instant());
        Credential foreignResponder = pki.issue(otherCa, "Another OCSP Responder", Profile.ocspResponder(true));
        try (OcspResponder delegated = new OcspResponder(otherCa, foreignResponder, pki.clock)) {
            Credential signer = pki.issue(pki.root, "Signer", Profile.signer(null, delegated.url()));

            assertRevocationUnknown(signer, "not issued by the certificate's issuer");
        }
    }

    @Test
    void does_not_keep_an_answer_that_gave_no_status() {
        Credential signer = pki.signer("Signer");
        pki.ocsp.answer(signer.serial(), Answer.UNKNOWN);
        assertRevocationUnknown(signer, "status unknown");

        pki.ocsp.answer(signer.serial(), Answer.GOOD);

        assertThatCode(() -> pki.check(RevocationPolicy.OCSP, signer)).doesNotThrowAnyException();
        assertThat(pki.ocsp.requests()).isEqualTo(2);
    }

    @Test
    void refuses_a_chain_whose_intermediate_the_responder_reports_revoked() {
        Credential intermediate =
                pki.issue(pki.root, "Test Customs Issuing CA", Profile.intermediate(null, pki.ocsp.url()));
        try (OcspResponder issuingResponder = new OcspResponder(intermediate, intermediate, pki.clock)) {
            Credential signer =
                    pki.issue(intermediate, "Signer Under Revoked CA", Profile.signer(null, issuingResponder.url()));
            pki.ocsp.answer(intermediate.serial(), Answer.REVOKED);

            assertThatThrownBy(() -> pki.checker.check(
                            List.of(signer.certificate(), intermediate.certificate()),
                            pki.root.certificate(),
                            RevocationPolicy.OCSP,
                            List.of()))
                    .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                        assertThat(refusal.error()).isEqualTo(GatewayError.CERTIFICATE_REVOKED);
                        assertThat(refusal.detail()).contains("CN=Test Customs Issuing CA");
                    });
            assertThat(issuingResponder.requests()).isEqualTo(1);
        }
    }

    private void assertRevocationUnknown(Credential signer, String because) {
        assertThatThrownBy(() -> pki.check(RevocationPolicy.OCSP, signer))
                .isInstanceOfSatisfying(GatewayException.class, refusal -> {
                    assertThat(refusal.error()).isEqualTo(GatewayError.REVOCATION_UNKNOWN);
                    assertThat(refusal.error().httpStatus()).isEqualTo(503);
                    assertThat(refusal.detail())
                            .contains(
                                    signer.certificate()
                                            .getSubjectX500Principal()
                                            .getName(),
                                    because);
                });
    }
}
