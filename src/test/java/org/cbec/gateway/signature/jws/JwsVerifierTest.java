package org.cbec.gateway.signature.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.jws.JwsTestPki.Credential;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A partner sends a JWS in compact serialisation with its certificate chain in {@code x5c}. Each test signs a
 * business document with keys made here, then either expects the document back with its signer, algorithm and
 * signing time, or expects the exact refusal code for what is wrong with the token.
 */
class JwsVerifierTest {
    private static final String CONTENT_TYPE = "application/jose";
    private static final byte[] DOCUMENT =
            ("aeo_id,operator_name,status\r\nCN0001,\"Shenzhen Bright Export, Ltd\",ACTIVE\r\n"
                            + "CN0002,Ningbo Café,SUSPENDED\r\n")
                    .getBytes(StandardCharsets.UTF_8);

    private static Credential authority;
    private static Credential rsaSigner;
    private static Credential ecSigner;
    private static Credential ed25519Signer;
    private static Credential otherRsaSigner;

    private final JwsVerifier verifier = new JwsVerifier();

    @BeforeAll
    static void makeKeys() {
        authority = JwsTestPki.certificateAuthority("CN=Test Customs CA,O=GACC,C=CN");
        rsaSigner = JwsTestPki.signer(authority, "CN=RSA signer,O=GACC,C=CN", "RSA");
        ecSigner = JwsTestPki.signer(authority, "CN=EC signer,O=GACC,C=CN", "EC");
        ed25519Signer = JwsTestPki.signer(authority, "CN=Ed25519 signer,O=GACC,C=CN", "Ed25519");
        otherRsaSigner = JwsTestPki.signer(authority, "CN=Another RSA signer,O=GACC,C=CN", "RSA");
    }

    @Test
    void accepts_rs256_token_and_yields_the_x5c_signer_and_the_exact_payload() throws Exception {
        String token = sign(header(JWSAlgorithm.RS256, rsaSigner).build(), DOCUMENT, new RSASSASigner(rsaSigner.key()));

        SignedDocument document = verifier.open(ascii(token), CONTENT_TYPE);

        assertThat(document.content()).isEqualTo(DOCUMENT);
        assertThat(document.signer()).isEqualTo(rsaSigner.certificate());
        assertThat(document.carriedCertificates()).containsExactlyElementsOf(rsaSigner.chain());
        assertThat(document.algorithm()).isEqualTo(new SignatureAlgorithm("SHA-256", "RSA", "RS256"));
        assertThat(document.signingTime()).isEmpty();
    }

    @Test
    void accepts_ps256_token_as_rsassa_pss() throws Exception {
        String token = sign(header(JWSAlgorithm.PS256, rsaSigner).build(), DOCUMENT, new RSASSASigner(rsaSigner.key()));

        SignedDocument document = verifier.open(ascii(token), CONTENT_TYPE);

        assertThat(document.content()).isEqualTo(DOCUMENT);
        assertThat(document.signer()).isEqualTo(rsaSigner.certificate());
        assertThat(document.algorithm()).isEqualTo(new SignatureAlgorithm("SHA-256", "RSASSA-PSS", "PS256"));
    }

    @Test
    void accepts_es256_token_signed_with_a_p256_key() throws Exception {
        String token = sign(
                header(JWSAlgorithm.ES256, ecSigner).build(), DOCUMENT, new ECDSASigner((ECPrivateKey) ecSigner.key()));

        SignedDocument document = verifier.open(ascii(token), CONTENT_TYPE);

        assertThat(document.content()).isEqualTo(DOCUMENT);
        assertThat(document.signer()).isEqualTo(ecSigner.certificate());
        assertThat(document.algorithm()).isEqualTo(new SignatureAlgorithm("SHA-256", "ECDSA", "ES256"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EdDSA", "Ed25519"})
    void accepts_ed25519_token_under_either_alg_name(String alg) throws Exception {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        String token = sign(
                header(algorithm, ed25519Signer).build(), DOCUMENT, new Ed25519Signer(ed25519Signer.key(), algorithm));

        SignedDocument document = verifier.open(ascii(token), CONTENT_TYPE);

        assertThat(document.content()).isEqualTo(DOCUMENT);
        assertThat(document.signer()).isEqualTo(ed25519Signer.certificate());
        assertThat(document.algorithm()).isEqualTo(new SignatureAlgorithm("SHA-512", "Ed25519", alg));
    }

    @Test
    void accepts_token_followed_by_a_newline_as_a_file_on_disk_would_be() throws Exception {
        String token = sign(header(JWSAlgorithm.RS256, rsaSigner).build(), DOCUMENT, new RSASSASigner(rsaSigner.key()));

        assertThat(verifier.open(ascii(token + "\n"), CONTENT_TYPE).content()).isEqualTo(DOCUMENT);
    }

    @Test
    void reads_the_jades_sigT_header_as_the_signing_time() throws Exception {
        Instant signedAt = Instant.parse("2026-11-28T10:15:30Z");
        JWSHeader header = header(JWSAlgorithm.RS256, rsaSigner)
                .customParam("sigT", signedAt.toString())
                .customParam("iat", signedAt.minusSeconds(3600).getEpochSecond())
                .criticalParams(Set.of("sigT"))
                .build();
        String token = sign(header, DOCUMENT, new RSASSASigner(rsaSigner.key()));

        assertThat(verifier.open(ascii(token), CONTENT_TYPE).signingTime()).contains(signedAt);
    }

    @Test
    void reads_the_iat_header_as_the_signing_time_when_there_is_no_sigT() throws Exception {
        Instant signedAt = Instant.parse("2026-11-28T10:15:30Z");
        JWSHeader header = header(JWSAlgorithm.ES256, ecSigner)
                .customParam("iat", signedAt.getEpochSecond())
                .build();
        String token = sign(header, DOCUMENT, new ECDSASigner((ECPrivateKey) ecSigner.key()));

        assertThat(verifier.open(ascii(token), CONTENT_TYPE).signingTime()).contains(signedAt);
    }

    @Test
    void rejects_sigT_that_is_not_an_instant_as_malformed() throws Exception {
        JWSHeader header = header(JWSAlgorithm.RS256, rsaSigner)
                .customParam("sigT", "yesterday")
                .build();
        String token = sign(header, DOCUMENT, new RSASSASigner(rsaSigner.key()));

        assertRefused(token, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_token_whose_payload_was_changed_after_signing() throws Exception {
        String token = sign(header(JWSAlgorithm.RS256, rsaSigner).build(), DOCUMENT, new RSASSASigner(rsaSigner.key()));
        byte[] changed = DOCUMENT.clone();
        changed[changed.length - 3] ^= 1;
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + Base64URL.encode(changed) + "." + parts[2];

        assertRefused(tampered, GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void rejects_ed25519_token_whose_payload_was_changed_after_signing() throws Exception {
        String token = sign(
                header(JWSAlgorithm.EdDSA, ed25519Signer).build(),
                DOCUMENT,
                new Ed25519Signer(ed25519Signer.key(), JWSAlgorithm.EdDSA));
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + Base64URL.encode("CN0003,Other,ACTIVE\r\n") + "." + parts[2];

        assertRefused(tampered, GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void rejects_token_signed_by_a_key_other_than_the_x5c_signers() throws Exception {
        String token =
                sign(header(JWSAlgorithm.RS256, rsaSigner).build(), DOCUMENT, new RSASSASigner(otherRsaSigner.key()));

        assertRefused(token, GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void rejects_unsecured_alg_none_token_even_when_it_carries_a_signer_certificate() throws Exception {
        String header = "{\"alg\":\"none\",\"x5c\":[\""
                + Base64.encode(rsaSigner.certificate().getEncoded()) + "\"]}";
        String token = Base64URL.encode(header) + "." + Base64URL.encode(DOCUMENT) + ".";

        assertRefused(token, GatewayError.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejects_hs256_token_signed_with_a_shared_secret() throws Exception {
        byte[] secret = "a shared secret of at least 256 bits for HS256".getBytes(StandardCharsets.US_ASCII);
        String token = sign(header(JWSAlgorithm.HS256, rsaSigner).build(), DOCUMENT, new MACSigner(secret));

        assertRefused(token, GatewayError.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejects_rs256_header_over_an_ec_signer_key() throws Exception {
        String signingInput = Base64URL.encode(
                        header(JWSAlgorithm.RS256, ecSigner).build().toString()) + "." + Base64URL.encode(DOCUMENT);
        String token = signingInput + "." + Base64URL.encode(new byte[256]);

        assertRefused(token, GatewayError.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejects_es384_header_over_a_p256_signer_key() throws Exception {
        String signingInput = Base64URL.encode(
                        header(JWSAlgorithm.ES384, ecSigner).build().toString()) + "." + Base64URL.encode(DOCUMENT);
        String token = signingInput + "." + Base64URL.encode(new byte[96]);

        assertRefused(token, GatewayError.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejects_token_without_x5c_as_unknown_signer() throws Exception {
        String token = sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("gacc-2026").build(),
                DOCUMENT,
                new RSASSASigner(rsaSigner.key()));

        assertRefused(token, GatewayError.UNKNOWN_SIGNER);
    }

    @Test
    void rejects_unknown_critical_header_as_malformed() throws Exception {
        JWSHeader header = header(JWSAlgorithm.RS256, rsaSigner)
                .customParam("urn:example:policy", "strict")
                .criticalParams(Set.of("urn:example:policy"))
                .build();
        String token = sign(header, DOCUMENT, new RSASSASigner(rsaSigner.key()));

        assertRefused(token, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_unencoded_payload_b64_false_as_malformed() throws Exception {
        String header = "{\"alg\":\"RS256\",\"b64\":false,\"crit\":[\"b64\"],\"x5c\":[\""
                + Base64.encode(rsaSigner.certificate().getEncoded()) + "\"]}";
        String token = Base64URL.encode(header) + ".CN0001,ACTIVE." + Base64URL.encode(new byte[256]);

        assertThatThrownBy(() -> verifier.open(ascii(token), CONTENT_TYPE))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
                    assertThat(e.detail()).contains("b64:false");
                });
    }

    @Test
    void rejects_garbage_as_malformed() {
        assertRefused("this is not a JWS at all", GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_token_with_two_parts_only_as_malformed() throws Exception {
        String token = sign(header(JWSAlgorithm.RS256, rsaSigner).build(), DOCUMENT, new RSASSASigner(rsaSigner.key()));

        assertRefused(token.substring(0, token.lastIndexOf('.')), GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_header_that_is_not_json_as_malformed() {
        String token =
                Base64URL.encode("not json") + "." + Base64URL.encode(DOCUMENT) + "." + Base64URL.encode(new byte[256]);

        assertRefused(token, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_json_serialisation_as_malformed_and_says_so() throws Exception {
        String token = sign(header(JWSAlgorithm.RS256, rsaSigner).build(), DOCUMENT, new RSASSASigner(rsaSigner.key()));
        String[] parts = token.split("\\.");
        String json = "{\"payload\":\"" + parts[1] + "\",\"protected\":\"" + parts[0] + "\",\"signature\":\"" + parts[2]
                + "\"}";

        assertThatThrownBy(() -> verifier.open(ascii(json), CONTENT_TYPE))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
                    assertThat(e.detail()).contains("JSON serialisation");
                });
    }

    @Test
    void rejects_jwe_with_five_parts_as_malformed() {
        assertRefused("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_x5c_that_is_not_a_certificate_as_malformed() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .x509CertChain(List.of(Base64.encode("not a certificate")))
                .build();
        String token = sign(header, DOCUMENT, new RSASSASigner(rsaSigner.key()));

        assertRefused(token, GatewayError.MALFORMED_MESSAGE);
    }

    /**
     * Found by fuzzing: Bouncy Castle reads a certificate's key only when it is asked for it, and refused this one
     * (one coordinate changed) with an unchecked exception, which the intake answered with a 500.
     */
    @Test
    void rejects_signer_certificate_whose_ec_point_is_off_its_curve_as_signature_invalid() throws Exception {
        SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(
                ecSigner.certificate().getPublicKey().getEncoded());
        byte[] point = key.getPublicKeyData().getBytes();
        point[point.length - 1] ^= 1;
        byte[] offCurve = JwsTestPki.certificateOver(
                authority, "CN=EC signer,O=GACC,C=CN", new SubjectPublicKeyInfo(key.getAlgorithm(), point));
        String token = sign(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .x509CertChain(List.of(Base64.encode(offCurve)))
                        .build(),
                DOCUMENT,
                new ECDSASigner((ECPrivateKey) ecSigner.key()));

        assertRefusedForTheSignersKey(token);
    }

    /** Found beside the one above: for a key algorithm it does not know, Bouncy Castle gives no key at all (null). */
    @Test
    void rejects_signer_certificate_with_a_key_of_an_unknown_algorithm_as_signature_invalid() throws Exception {
        // 1.3.6.1.4.1.32473 is the enterprise number set aside for documentation (RFC 5612)
        SubjectPublicKeyInfo unknown = new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.6.1.4.1.32473.1")), new byte[32]);
        byte[] certificate = JwsTestPki.certificateOver(authority, "CN=Unknown key signer,O=GACC,C=CN", unknown);
        String token = sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .x509CertChain(List.of(Base64.encode(certificate)))
                        .build(),
                DOCUMENT,
                new RSASSASigner(rsaSigner.key()));

        assertRefusedForTheSignersKey(token);
    }

    private void assertRefusedForTheSignersKey(String token) {
        assertThatThrownBy(() -> verifier.open(ascii(token), CONTENT_TYPE))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error()).as(e.detail()).isEqualTo(GatewayError.SIGNATURE_INVALID);
                    assertThat(e.detail()).contains("key of the x5c signer certificate");
                });
    }

    private void assertRefused(String token, GatewayError expected) {
        assertThatThrownBy(() -> verifier.open(ascii(token), CONTENT_TYPE))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.error()).as(e.detail()).isEqualTo(expected));
    }

    private static JWSHeader.Builder header(JWSAlgorithm algorithm, Credential signer)
            throws CertificateEncodingException {
        List<Base64> x5c = new ArrayList<>();
        for (X509Certificate certificate : signer.chain()) {
            x5c.add(Base64.encode(certificate.getEncoded()));
        }
        return new JWSHeader.Builder(algorithm).x509CertChain(x5c);
    }

    private static String sign(JWSHeader header, byte[] payload, JWSSigner signer) throws JOSEException {
        JWSObject jws = new JWSObject(header, new Payload(payload));
        jws.sign(signer);
        return jws.serialize();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Nimbus signs Ed25519 only with Google Tink; the JDK (15+) signs it without. */
    private static final class Ed25519Signer implements JWSSigner {
        private final PrivateKey key;
        private final JWSAlgorithm algorithm;
        private final JCAContext context = new JCAContext();

        Ed25519Signer(PrivateKey key, JWSAlgorithm algorithm) {
            this.key = key;
            this.algorithm = algorithm;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(key);
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException(e.getMessage(), e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(algorithm);
        }

        @Override
        public JCAContext getJCAContext() {
            return context;
        }
    }
}
