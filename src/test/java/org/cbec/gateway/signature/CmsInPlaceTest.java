package org.cbec.gateway.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Arrays;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CMS SignedData read where the HTTP server put it, in part of a larger buffer: it verifies exactly as the
 * same bytes on their own, and the bytes around it count for nothing.
 */
class CmsInPlaceTest {
    private static final TestPki.Credential SIGNER =
            TestPki.signer(TestPki.certificateAuthority("CN=In Place CA"), "CN=In Place Signer");
    private static final byte[] CONTENT =
            "aeo_id,operator_name\nCN0000000001,Acme\n".getBytes(StandardCharsets.US_ASCII);
    private final CmsSignedDataVerifier verifier = new CmsSignedDataVerifier();

    @Test
    void der_in_part_of_a_buffer_verifies_like_the_same_bytes_alone() {
        byte[] der = TestPki.signCms(CONTENT, SIGNER);

        SignedDocument inPlace = verifier.open(inBuffer(der), "application/pkcs7-mime");
        SignedDocument alone = verifier.open(der, "application/pkcs7-mime");

        assertThat(inPlace.content()).isEqualTo(CONTENT).isEqualTo(alone.content());
        // Read in place: the content is the body's own bytes, not an array of its own (a copy).
        assertThat(inPlace.signedContent().fillsItsArray()).isFalse();
        assertThat(inPlace.signer()).isEqualTo(SIGNER.certificate()).isEqualTo(alone.signer());
        assertThat(inPlace.signingTime()).isEqualTo(alone.signingTime());
    }

    @Test
    void two_signers_and_a_signer_without_its_certificate_are_refused_as_when_read_whole() {
        TestPki.Credential other = TestPki.signer(TestPki.certificateAuthority("CN=Other CA"), "CN=Other Signer");

        assertThatThrownBy(() -> verifier.open(
                        inBuffer(TestPki.signCmsBy(CONTENT, java.util.List.of(SIGNER, other), true)),
                        "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
        assertThatThrownBy(() -> verifier.open(
                        inBuffer(TestPki.signCmsBy(CONTENT, java.util.List.of(SIGNER), false)),
                        "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.UNKNOWN_SIGNER));
        assertThatThrownBy(() -> verifier.open(
                        inBuffer(TestPki.signCmsBy(CONTENT, java.util.List.of(), true)), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
    }

    @Test
    void ber_as_bouncy_castle_writes_it_by_default_is_read_whole_and_verifies() {
        byte[] ber = TestPki.signCmsBy(CONTENT, java.util.List.of(SIGNER), true);

        SignedDocument read = verifier.open(inBuffer(ber), "application/pkcs7-mime");

        assertThat(read.content()).isEqualTo(CONTENT);
        assertThat(read.signedContent().fillsItsArray()).isTrue();
    }

    /**
     * The archive keeps the body as the signed message: bytes after the ContentInfo would be kept as if they were
     * part of it, unsigned. Bouncy Castle's readers stop at the end of the structure and would take them silently.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DER", "BER", "DER in PEM"})
    void bytes_after_the_end_of_the_cms_structure_are_refused_however_it_is_read(String encoding) {
        byte[] cms = encoding.equals("BER")
                ? TestPki.signCmsBy(CONTENT, java.util.List.of(SIGNER), true)
                : TestPki.signCms(CONTENT, SIGNER);
        byte[] followed = Arrays.concatenate(cms, "\nappended,unsigned\n".getBytes(StandardCharsets.US_ASCII));
        byte[] body = encoding.equals("DER in PEM")
                ? ("-----BEGIN CMS-----\n" + Base64.getMimeEncoder().encodeToString(followed) + "\n-----END CMS-----\n")
                        .getBytes(StandardCharsets.US_ASCII)
                : followed;

        for (ThrowingCallable reading : java.util.List.<ThrowingCallable>of(
                () -> verifier.open(inBuffer(body), "application/pkcs7-mime"), () -> verifier.verify(body))) {
            assertThatThrownBy(reading).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
                assertThat(e.getMessage()).contains("19 bytes after the end of the CMS structure");
            });
        }
    }

    @Test
    void one_byte_after_the_end_is_refused_too() {
        byte[] followed = Arrays.append(TestPki.signCms(CONTENT, SIGNER), (byte) '\n');

        assertThatThrownBy(() -> verifier.open(inBuffer(followed), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.getMessage())
                                .isEqualTo("1 byte after the end of the CMS structure; nothing may follow it"));
    }

    @Test
    void pem_in_part_of_a_buffer_verifies_too() {
        String pem = "-----BEGIN CMS-----\n" + Base64.getMimeEncoder().encodeToString(TestPki.signCms(CONTENT, SIGNER))
                + "\n-----END CMS-----\n";

        SignedDocument inPlace =
                verifier.open(inBuffer(pem.getBytes(StandardCharsets.US_ASCII)), "application/pkcs7-mime");

        assertThat(inPlace.content()).isEqualTo(CONTENT);
    }

    @Test
    void a_changed_byte_inside_the_part_is_found() {
        byte[] der = TestPki.signCms(CONTENT, SIGNER);
        ReceivedBody body = inBuffer(der);
        byte[] buffer = body.bytes();
        int at = new String(buffer, StandardCharsets.ISO_8859_1).indexOf("Acme");
        buffer[at] = 'a';

        assertThatThrownBy(() -> verifier.open(ReceivedBody.of(buffer), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.SIGNATURE_INVALID));
    }

    @Test
    void a_part_cut_short_is_malformed_even_when_the_buffer_goes_on() {
        byte[] der = TestPki.signCms(CONTENT, SIGNER);
        byte[] buffer = new byte[der.length + 64];
        System.arraycopy(der, 0, buffer, 5, der.length);

        assertThatThrownBy(() -> verifier.open(ReceivedBody.of(buffer, 5, der.length - 40), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
    }

    // A signature over empty content, its SignedData rebuilt with other content and without its digest algorithm
    // in digestAlgorithms: Bouncy Castle's stream parser then has no digest of the content for the signer, and
    // checks the signature against the digest of nothing. It must be refused, as it is when read whole.
    @Test
    void other_content_under_a_signature_whose_digest_algorithm_is_not_listed_is_refused() throws Exception {
        byte[] forged = TestPki.signCmsCarryingOtherContent(
                new byte[0], "forged,content\n".getBytes(StandardCharsets.US_ASCII), SIGNER);

        assertThatThrownBy(() -> verifier.open(inBuffer(forged), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.SIGNATURE_INVALID));
    }

    @Test
    void a_genuine_signature_whose_digest_algorithm_is_not_listed_is_read_whole_and_verifies() throws Exception {
        byte[] unlisted = TestPki.signCmsCarryingOtherContent(CONTENT, CONTENT, SIGNER);

        SignedDocument read = verifier.open(inBuffer(unlisted), "application/pkcs7-mime");

        assertThat(read.content()).isEqualTo(CONTENT);
        assertThat(read.signedContent().fillsItsArray()).isTrue();
    }

    // Without signed attributes, Bouncy Castle's Ed25519 verifier is given the content itself, which the stream
    // parser does not keep: it would check the signature over nothing.
    @Test
    void other_content_under_an_ed25519_signature_without_signed_attributes_is_refused() throws Exception {
        TestPki.Credential ed25519 = ed25519Signer();
        byte[] forged =
                rebuilt(signDirectly(new byte[0], ed25519), "forged,content\n".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> verifier.open(inBuffer(forged), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.SIGNATURE_INVALID));
    }

    @Test
    void a_genuine_signature_without_signed_attributes_is_read_whole_and_verifies() throws Exception {
        SignedDocument read = verifier.open(
                inBuffer(rebuilt(signDirectly(CONTENT, ed25519Signer()), CONTENT)), "application/pkcs7-mime");

        assertThat(read.content()).isEqualTo(CONTENT);
        assertThat(read.signedContent().fillsItsArray()).isTrue();
    }

    private static TestPki.Credential ed25519Signer() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        return TestPki.signer(
                TestPki.certificateAuthority("CN=Ed25519 CA"),
                "CN=Ed25519 Signer",
                now.minusSeconds(86_400),
                now.plusSeconds(86_400),
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    }

    /** Ed25519 straight over the content: no signed attributes. */
    private static CMSSignedData signDirectly(byte[] content, TestPki.Credential signer) throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(
                new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                        .setDirectSignature(true)
                        .build(new JcaContentSignerBuilder("Ed25519").build(signer.key()), signer.certificate()));
        generator.addCertificates(new JcaCertStore(signer.chain()));
        return generator.generate(new CMSProcessableByteArray(content), true);
    }

    /** The same SignedData carrying other content; DER. */
    private static byte[] rebuilt(CMSSignedData signed, byte[] content) throws Exception {
        SignedData original = SignedData.getInstance(signed.toASN1Structure().getContent());
        SignedData changed = new SignedData(
                original.getDigestAlgorithms(),
                new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(content)),
                original.getCertificates(),
                original.getCRLs(),
                original.getSignerInfos());
        return new ContentInfo(CMSObjectIdentifiers.signedData, changed).getEncoded(ASN1Encoding.DER);
    }

    /** The bytes at offset 11 of a buffer with other bytes before and after them. */
    private static ReceivedBody inBuffer(byte[] bytes) {
        byte[] buffer = new byte[bytes.length + 11 + 29];
        java.util.Arrays.fill(buffer, (byte) 0x30);
        System.arraycopy(bytes, 0, buffer, 11, bytes.length);
        return ReceivedBody.of(buffer, 11, bytes.length);
    }
}
