package org.cbec.gateway.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;

/** Where the signed content of CMS SignedData lies in the body, found from the headers in front of it. */
class EncapsulatedContentTest {
    private static final TestPki.Credential SIGNER =
            TestPki.signer(TestPki.certificateAuthority("CN=Locator CA"), "CN=Locator Signer");
    private static final byte[] CONTENT =
            "aeo_id,operator_name\nCN0000000001,Acme\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void der_signed_data_has_its_content_found_in_place() {
        byte[] der = TestPki.signCms(CONTENT, SIGNER);

        ReceivedBody content = EncapsulatedContent.in(ReceivedBody.of(der)).orElseThrow();

        assertThat(content.bytes()).isEqualTo(CONTENT);
        assertThat(content.fillsItsArray()).isFalse();
    }

    @Test
    void a_large_content_with_a_four_byte_length_is_found_too() {
        byte[] large = new byte[17_000_000];
        Arrays.fill(large, (byte) 'x');

        ReceivedBody content = EncapsulatedContent.in(ReceivedBody.of(TestPki.signCms(large, SIGNER)))
                .orElseThrow();

        assertThat(content.length()).isEqualTo(large.length);
    }

    @Test
    void ber_with_indefinite_lengths_is_left_to_the_ordinary_reading() throws Exception {
        ByteArrayOutputStream ber = new ByteArrayOutputStream();
        CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
        generator.addSignerInfoGenerator(
                new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(SIGNER.key()), SIGNER.certificate()));
        generator.addCertificates(new JcaCertStore(SIGNER.chain()));
        try (OutputStream content = generator.open(ber, true)) {
            content.write(CONTENT);
        }

        assertThat(EncapsulatedContent.in(ReceivedBody.of(ber.toByteArray()))).isEmpty();
    }

    @Test
    void a_detached_signature_has_no_content_to_find() throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(
                new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(SIGNER.key()), SIGNER.certificate()));
        byte[] detached =
                generator.generate(new CMSProcessableByteArray(CONTENT), false).getEncoded();

        assertThat(EncapsulatedContent.in(ReceivedBody.of(detached))).isEmpty();
    }

    @Test
    void a_body_cut_short_or_not_cms_at_all_has_none() {
        byte[] der = TestPki.signCms(CONTENT, SIGNER);

        assertThat(EncapsulatedContent.in(ReceivedBody.of(der, 0, 60))).isEmpty();
        assertThat(EncapsulatedContent.in(ReceivedBody.of(der, 0, 0))).isEmpty();
        assertThat(EncapsulatedContent.in(ReceivedBody.of("not cms".getBytes(StandardCharsets.US_ASCII))))
                .isEmpty();
        assertThat(EncapsulatedContent.in(ReceivedBody.of(new byte[] {0x30, (byte) 0x85, 1, 1, 1, 1, 1})))
                .isEmpty();
        assertThat(EncapsulatedContent.in(ReceivedBody.of(
                        new byte[] {0x30, (byte) 0x84, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})))
                .isEmpty();
    }
}
