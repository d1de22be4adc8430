package org.cbec.gateway.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;

/**
 * CMS SignedData read where the HTTP server put it, in part of a larger buffer: it verifies exactly as the
 * same bytes on their own, and the bytes around it count for nothing.
 */
class CmsInPlaceTest {
    private static final TestPki.Credential SIGNER = TestPki.signer(TestPki.certificateAuthority("CN=In Place CA"), "CN=In Place Signer");
    private static final byte[] CONTENT = "aeo_id,operator_name\nCN0000000001,Acme\n".getBytes(StandardCharsets.US_ASCII);
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

        assertThatThrownBy(() -> verifier.open(inBuffer(TestPki.signCmsBy(CONTENT, java.util.List.of(SIGNER, other), true)), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
        assertThatThrownBy(() -> verifier.open(inBuffer(TestPki.signCmsBy(CONTENT, java.util.List.of(SIGNER), false)), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.UNKNOWN_SIGNER));
        assertThatThrownBy(() -> verifier.open(inBuffer(TestPki.signCmsBy(CONTENT, java.util.List.of(), true)), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
    }

    @Test
    void ber_as_bouncy_castle_writes_it_by_default_is_read_whole_and_verifies() {
        byte[] ber = TestPki.signCmsBy(CONTENT, java.util.List.of(SIGNER), true);

        SignedDocument read = verifier.open(inBuffer(ber), "application/pkcs7-mime");

        assertThat(read.content()).isEqualTo(CONTENT);
        assertThat(read.signedContent().fillsItsArray()).isTrue();
    }

    @Test
    void pem_in_part_of_a_buffer_verifies_too() {
        String pem = "-----BEGIN CMS-----\n" + Base64.getMimeEncoder().encodeToString(TestPki.signCms(CONTENT, SIGNER)) + "\n-----END CMS-----\n";

        SignedDocument inPlace = verifier.open(inBuffer(pem.getBytes(StandardCharsets.US_ASCII)), "application/pkcs7-mime");

        assertThat(inPlace.content()).isEqualTo(CONTENT);
    }

    @Test
    void a_changed_byte_inside_the_part_is_found() {
        byte[] der = TestPki.signCms(CONTENT, SIGNER);
        ReceivedBody body = inBuffer(der);
        byte[] buffer = body.bytes();
        int at = indexOf(buffer, "Acme".getBytes(StandardCharsets.US_ASCII));
        buffer[at] = 'a';

        assertThatThrownBy(() -> verifier.open(ReceivedBody.of(buffer), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.SIGNATURE_INVALID));
    }

    @Test
    void a_part_cut_short_is_malformed_even_when_the_buffer_goes_on() {
        byte[] der = TestPki.signCms(CONTENT, SIGNER);
        byte[] buffer = new byte[der.length + 64];
        System.arraycopy(der, 0, buffer, 5, der.length);

        assertThatThrownBy(() -> verifier.open(ReceivedBody.of(buffer, 5, der.length - 40), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
    }

    /** The bytes at offset 11 of a buffer with other bytes before and after them. */
    private static ReceivedBody inBuffer(byte[] bytes) {
        byte[] buffer = new byte[bytes.length + 11 + 29];
        java.util.Arrays.fill(buffer, (byte) 0x30);
        System.arraycopy(bytes, 0, buffer, 11, bytes.length);
        return ReceivedBody.of(buffer, 11, bytes.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
