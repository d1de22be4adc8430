package org.cbec.gateway.partner;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;

/** The algorithm policy: the defaults of the agreement, and a partner's own settings over the gateway's. */
class AlgorithmPolicyTest {
    private static final TestPki.Credential CA = TestPki.certificateAuthority("CN=Policy Test CA,C=CN");
    private static final TestPki.Credential RSA_2048 = TestPki.signer(CA, "CN=RSA 2048,C=CN");

    @Test
    void accepts_rsa_2048_with_sha256_by_default() {
        assertThatCode(() -> AlgorithmPolicy.DEFAULT.check(
                        "SHA-256", "RSA", "SHA256withRSA", RSA_2048.certificate(), RSA_2048.chain()))
                .doesNotThrowAnyException();
    }

    @Test
    void refuses_md5_and_unknown_schemes() {
        assertRefused(() ->
                AlgorithmPolicy.DEFAULT.check("MD5", "RSA", "MD5withRSA", RSA_2048.certificate(), RSA_2048.chain()));
        assertRefused(() -> AlgorithmPolicy.DEFAULT.check(
                "SHA-256", "1.2.3.4", "1.2.3.4", RSA_2048.certificate(), RSA_2048.chain()));
    }

    @Test
    void a_partner_may_demand_rsa_3072() {
        AlgorithmPolicy strict = AlgorithmPolicy.DEFAULT.with(new AlgorithmPolicy.Overrides(null, null, 3072, null));

        assertRefused(() -> strict.check("SHA-256", "RSA", "SHA256withRSA", RSA_2048.certificate(), RSA_2048.chain()));
    }

    @Test
    void a_partner_may_allow_sha1_for_a_legacy_signer() {
        AlgorithmPolicy legacy = AlgorithmPolicy.DEFAULT.with(
                new AlgorithmPolicy.Overrides(Set.of("SHA-1", "SHA-256"), null, null, null));

        assertThatCode(() -> legacy.check("SHA-1", "RSA", "SHA1withRSA", RSA_2048.certificate(), RSA_2048.chain()))
                .doesNotThrowAnyException();
    }

    @Test
    void refuses_an_ec_key_on_a_curve_not_allowed() {
        Instant now = Instant.now();
        TestPki.Credential ec = TestPki.signer(
                CA, "CN=EC,C=CN", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), TestPki.ecP256());
        AlgorithmPolicy onlyP384 =
                AlgorithmPolicy.DEFAULT.with(new AlgorithmPolicy.Overrides(null, null, null, Set.of("P-384")));

        assertThatCode(() -> AlgorithmPolicy.DEFAULT.check(
                        "SHA-256", "ECDSA", "SHA256withECDSA", ec.certificate(), List.of(ec.certificate())))
                .doesNotThrowAnyException();
        assertRefused(() ->
                onlyP384.check("SHA-256", "ECDSA", "SHA256withECDSA", ec.certificate(), List.of(ec.certificate())));
    }

    /** Judging only the weakest digest let through a Reference digest the partner does not allow but ranks stronger. */
    @Test
    void judges_every_reference_digest_not_only_the_weakest() {
        AlgorithmPolicy onlySha512 =
                AlgorithmPolicy.DEFAULT.with(new AlgorithmPolicy.Overrides(Set.of("SHA-512"), null, null, null));
        org.cbec.gateway.signature.SignatureAlgorithm whirlpoolReference =
                new org.cbec.gateway.signature.SignatureAlgorithm(
                        "SHA-512", "RSA", "rsa-sha512", List.of("SHA-512", "WHIRLPOOL"));

        assertRefused(() -> onlySha512.check(whirlpoolReference, RSA_2048.certificate(), RSA_2048.chain()));
    }

    @Test
    void refuses_an_xml_transform_outside_the_w3c_canonicalisations() {
        assertThatCode(() -> AlgorithmPolicy.checkXmlTransform("http://www.w3.org/2001/10/xml-exc-c14n#", "transform"))
                .doesNotThrowAnyException();
        assertRefused(
                () -> AlgorithmPolicy.checkXmlTransform("http://www.w3.org/TR/1999/REC-xslt-19991116", "transform"));
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(GatewayException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((GatewayException) e).error())
                        .isEqualTo(GatewayError.ALGORITHM_NOT_ALLOWED));
    }
}
