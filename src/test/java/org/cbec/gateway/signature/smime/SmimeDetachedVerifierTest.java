package org.cbec.gateway.signature.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.smime.SmimeTestPki.Credential;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partner sends an S/MIME {@code multipart/signed} body whose detached CMS signature is made here with Bouncy
 * Castle. Each test either expects the CSV back exactly, with its signer, or the exact refusal code for what is
 * wrong with the message. (OpenSSL-made messages: {@link OpensslSmimeSignedMessageTest}.)
 */
class SmimeDetachedVerifierTest {
    private static final String BOUNDARY = "----=_Part_0_CBEC.1764324930";
    private static final String CONTENT_TYPE =
            "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=\"sha-256\"; " + "boundary=\""
                    + BOUNDARY + "\"";
    private static final String CSV = "aeo_id,operator_name,status,valid_from\r\n"
            + "CN0001,Shenzhen Bright Export Co. Ltd,ACTIVE,2019-05-01\r\n"
            + "CN0002,\"Ningbo Harbour Trading, Ltd\",SUSPENDED,2020-01-15\r\n";
    private static final byte[] CSV_BYTES = CSV.getBytes(StandardCharsets.UTF_8);
    private static final Instant SIGNED_AT = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static Credential signer;

    private final SmimeDetachedVerifier verifier = new SmimeDetachedVerifier();

    @BeforeAll
    static void makeKeys() {
        signer = SmimeTestPki.signer(
                SmimeTestPki.certificateAuthority("CN=Test Customs CA,O=GACC,C=CN"), "CN=S/MIME signer,O=GACC,C=CN");
    }

    @Test
    void accepts_signed_csv_part_and_yields_its_body_exactly_with_signer_algorithm_and_signing_time() {
        byte[] body = signedMessage(textCsvPart(CSV_BYTES));

        SignedDocument document = verifier.open(body, CONTENT_TYPE);

        assertThat(document.content()).isEqualTo(CSV_BYTES);
        assertThat(document.signer()).isEqualTo(signer.certificate());
        assertThat(document.carriedCertificates()).containsExactlyElementsOf(signer.chain());
        assertThat(document.signingTime()).contains(SIGNED_AT);
        assertThat(document.algorithm()).isEqualTo(new SignatureAlgorithm("SHA-256", "RSA", "SHA256withRSA"));
    }

    @Test
    void accepts_unquoted_boundary_and_the_x_pkcs7_signature_protocol() {
        String boundary = "CBEC-boundary-42";
        byte[] signedPart = textCsvPart(CSV_BYTES);
        byte[] body = multipart(
                boundary,
                "\r\n",
                signedPart,
                signaturePart(SmimeTestPki.signDetached(signedPart, signer, SIGNED_AT, true, false)));

        SignedDocument document = verifier.open(
                body, "Multipart/Signed; protocol=application/x-pkcs7-signature; micalg=sha-256; boundary=" + boundary);

        assertThat(document.content()).isEqualTo(CSV_BYTES);
    }

    @Test
    void accepts_base64_encoded_signed_part_and_decodes_its_body() {
        byte[] encoded = Base64.getMimeEncoder().encode(CSV_BYTES);
        byte[] body = signedMessage(
                part("Content-Type: text/csv; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n", encoded));

        assertThat(verifier.open(body, CONTENT_TYPE).content()).isEqualTo(CSV_BYTES);
    }

    @Test
    void accepts_quoted_printable_signed_part_and_decodes_its_body() {
        String expected =
                "aeo_id,operator_name,status\r\nCN0003,Ningbo Caf\u00e9 Import-Export Trading Company Limited of Zhejiang,ACTIVE\r\n";
        String encoded =
                "aeo_id,operator_name,status\r\nCN0003,Ningbo Caf=C3=A9 Import-Export Trading Company Limited =\r\nof Zhejiang,ACTIVE\r\n";
        byte[] body = signedMessage(part(
                "Content-Type: text/csv; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
                encoded.getBytes(StandardCharsets.US_ASCII)));

        assertThat(verifier.open(body, CONTENT_TYPE).content()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void accepts_text_part_whose_crlf_line_ends_became_lf_on_the_way_and_yields_the_signed_crlf_form() {
        byte[] body = lfOnly(signedMessage(textCsvPart(CSV_BYTES)));

        assertThat(verifier.open(body, CONTENT_TYPE).content()).isEqualTo(CSV_BYTES);
    }

    @Test
    void rejects_binary_part_whose_crlf_line_ends_became_lf_on_the_way() {
        byte[] body = lfOnly(signedMessage(part("Content-Type: application/octet-stream\r\n", CSV_BYTES)));

        assertRefused(body, CONTENT_TYPE, GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void rejects_signed_part_with_one_byte_changed() {
        byte[] body = signedMessage(textCsvPart(CSV_BYTES));
        int status = indexOf(body, "ACTIVE");
        body[status] = 'I';

        assertRefused(body, CONTENT_TYPE, GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void rejects_signed_part_with_one_mime_header_byte_changed() {
        byte[] body = signedMessage(textCsvPart(CSV_BYTES));
        body[indexOf(body, "text/csv") + 5] = 'C';

        assertRefused(body, CONTENT_TYPE, GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void rejects_signature_that_does_not_carry_the_signer_certificate_as_unknown_signer() {
        byte[] signedPart = textCsvPart(CSV_BYTES);
        byte[] body = multipart(
                BOUNDARY,
                "\r\n",
                signedPart,
                signaturePart(SmimeTestPki.signDetached(signedPart, signer, SIGNED_AT, false, false)));

        assertRefused(body, CONTENT_TYPE, GatewayError.UNKNOWN_SIGNER);
    }

    @Test
    void rejects_content_type_without_boundary() {
        byte[] body = signedMessage(textCsvPart(CSV_BYTES));

        assertRefused(
                body,
                "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256",
                GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_content_type_with_another_protocol() {
        byte[] body = signedMessage(textCsvPart(CSV_BYTES));

        assertRefused(
                body,
                "multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"" + BOUNDARY + "\"",
                GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_truncated_body_without_close_delimiter() {
        byte[] body = signedMessage(textCsvPart(CSV_BYTES));
        String text = new String(body, StandardCharsets.ISO_8859_1);
        byte[] truncated =
                text.substring(0, text.indexOf("--" + BOUNDARY + "--")).getBytes(StandardCharsets.ISO_8859_1);

        assertRefused(truncated, CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_signature_part_that_is_not_base64() {
        byte[] signaturePart =
                ("Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                                + "this is *not* base64!\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        byte[] body = multipart(BOUNDARY, "\r\n", textCsvPart(CSV_BYTES), signaturePart);

        assertRefused(body, CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_signature_part_that_is_base64_of_something_other_than_cms() {
        byte[] body = multipart(BOUNDARY, "\r\n", textCsvPart(CSV_BYTES), signaturePart(CSV_BYTES));

        assertRefused(body, CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_signature_that_encapsulates_the_content_instead_of_being_detached() {
        byte[] signedPart = textCsvPart(CSV_BYTES);
        byte[] body = multipart(
                BOUNDARY,
                "\r\n",
                signedPart,
                signaturePart(SmimeTestPki.signDetached(signedPart, signer, SIGNED_AT, true, true)));

        assertRefused(body, CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_body_with_three_parts() {
        byte[] signedPart = textCsvPart(CSV_BYTES);
        byte[] signaturePart = signaturePart(SmimeTestPki.signDetached(signedPart, signer, SIGNED_AT, true, false));
        byte[] body = multipart(BOUNDARY, "\r\n", signedPart, signaturePart, signaturePart);

        assertRefused(body, CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_body_with_the_signed_part_only() {
        assertRefused(
                multipart(BOUNDARY, "\r\n", textCsvPart(CSV_BYTES)), CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_body_without_any_delimiter() {
        assertRefused(CSV_BYTES, CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_nested_multipart_signed_part() {
        String inner = "inner-boundary";
        byte[] nested = part(
                "Content-Type: multipart/mixed; boundary=" + inner + "\r\n",
                ("--" + inner + "\r\nContent-Type: text/csv\r\n\r\n" + CSV + "\r\n--" + inner + "--\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        byte[] body = signedMessage(nested);

        assertThatThrownBy(() -> verifier.open(body, CONTENT_TYPE))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
                    assertThat(e.detail()).contains("multipart/mixed");
                });
    }

    @Test
    void rejects_signed_part_with_unknown_transfer_encoding() {
        byte[] body =
                signedMessage(part("Content-Type: text/csv\r\nContent-Transfer-Encoding: x-uuencode\r\n", CSV_BYTES));

        assertRefused(body, CONTENT_TYPE, GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void rejects_signature_whose_digest_algorithm_is_unknown_as_signature_invalid() {
        // Found by fuzzing: Bouncy Castle refused the digest OID unchecked while verifying, and the gateway answered
        // 500.
        byte[] signedPart = textCsvPart(CSV_BYTES);
        // As OpenSSL writes it: signature algorithm rsaEncryption, so the verifier names it "<digest>withRSA".
        byte[] der = replaceLast(
                SmimeTestPki.signDetached(signedPart, signer, SIGNED_AT, true, false), SHA256_WITH_RSA_OID, RSA_OID);
        der = replaceAfterFirst(der, SHA256_OID, UNKNOWN_DIGEST_OID);
        byte[] body = multipart(BOUNDARY, "\r\n", signedPart, signaturePart(der));

        assertRefused(body, CONTENT_TYPE, GatewayError.SIGNATURE_INVALID);
    }

    private void assertRefused(byte[] body, String contentType, GatewayError expected) {
        assertThatThrownBy(() -> verifier.open(body, contentType))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.error()).as(e.detail()).isEqualTo(expected));
    }

    /** A two-part message signed over {@code signedPart}, CRLF throughout, as an RFC 8551 mail agent writes it. */
    private static byte[] signedMessage(byte[] signedPart) {
        return multipart(
                BOUNDARY,
                "\r\n",
                signedPart,
                signaturePart(SmimeTestPki.signDetached(signedPart, signer, SIGNED_AT, true, false)));
    }

    private static byte[] textCsvPart(byte[] csv) {
        return part("Content-Type: text/csv; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n", csv);
    }

    private static byte[] part(String headers, byte[] body) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes((headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        part.writeBytes(body);
        return part.toByteArray();
    }

    private static byte[] signaturePart(byte[] der) {
        return part(
                "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n"
                        + "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n",
                Base64.getMimeEncoder().encode(der));
    }

    private static byte[] multipart(String boundary, String lineEnd, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("This is an S/MIME signed message" + lineEnd + lineEnd).getBytes(StandardCharsets.US_ASCII));
        for (byte[] part : parts) {
            body.writeBytes(("--" + boundary + lineEnd).getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(part);
            body.writeBytes(lineEnd.getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + boundary + "--" + lineEnd).getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] lfOnly(byte[] body) {
        return new String(body, StandardCharsets.ISO_8859_1)
                .replace("\r\n", "\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] body, String text) {
        int index = new String(body, StandardCharsets.ISO_8859_1).indexOf(text);
        assertThat(index).as("'%s' in the body", text).isNotNegative();
        return index;
    }

    /** SHA-256's OID in DER, and an unassigned OID of the same length (2.16.840.3.5.3.4.2.1). */
    private static final byte[] SHA256_OID = {0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};

    private static final byte[] UNKNOWN_DIGEST_OID = {
        0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x03, 0x05, 0x03, 0x04, 0x02, 0x01
    };

    /** Every occurrence but the first (the SignedData's digestAlgorithms), so the signer's own digest algorithm. */
    private static final byte[] SHA256_WITH_RSA_OID = {
        0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x0b
    };

    private static final byte[] RSA_OID = {
        0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
    };

    /** The last occurrence only: the signer info's signature algorithm, after the certificates'. */
    private static byte[] replaceLast(byte[] der, byte[] from, byte[] to) {
        byte[] result = der.clone();
        for (int i = result.length - from.length; i >= 0; i--) {
            if (java.util.Arrays.equals(result, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, result, i, to.length);
                return result;
            }
        }
        throw new AssertionError("no signature algorithm to replace");
    }

    private static byte[] replaceAfterFirst(byte[] der, byte[] from, byte[] to) {
        byte[] result = der.clone();
        int found = 0;
        for (int i = 0; i + from.length <= result.length; i++) {
            if (java.util.Arrays.equals(result, i, i + from.length, from, 0, from.length) && found++ > 0) {
                System.arraycopy(to, 0, result, i, to.length);
            }
        }
        assertThat(found).as("occurrences of the digest OID").isGreaterThan(1);
        return result;
    }
}
