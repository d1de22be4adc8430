package org.cbec.gateway.signature.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.smime.SmimeTestPki.Credential;
import org.cbec.gateway.testing.Openssl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A partner signs a CSV with the OpenSSL command line, {@code openssl cms -sign} (detached S/MIME, the default),
 * and posts the output file as it is, with the Content-Type from the file's own header. Without {@code -binary}
 * OpenSSL signs the content with CRLF line ends; with it, the bytes as they are. Skipped without openssl.
 */
class OpensslSmimeSignedMessageTest {
    /** RFC 4180 CSV: CRLF line ends, so text mode and binary mode sign the same bytes. */
    private static final String CRLF_CSV = "aeo_id,operator_name,status,valid_from\r\n"
            + "CN0001,Shenzhen Bright Export Co. Ltd,ACTIVE,2019-05-01\r\n"
            + "CN0002,\"Ningbo Harbour Trading, Ltd\",SUSPENDED,2020-01-15\r\n";

    private static final String LF_CSV = CRLF_CSV.replace("\r\n", "\n");

    private static Credential signer;

    @TempDir
    Path directory;

    private final SmimeDetachedVerifier verifier = new SmimeDetachedVerifier();

    @BeforeAll
    static void makeKeysIfOpensslIsThere() {
        Openssl.require();
        signer = SmimeTestPki.signer(
                SmimeTestPki.certificateAuthority("CN=Test Customs CA,O=GACC,C=CN"), "CN=OpenSSL signer,O=GACC,C=CN");
    }

    @ParameterizedTest(name = "openssl cms -sign {0} over a CSV with {1} line ends")
    @CsvSource({"'', CRLF", "-binary, CRLF", "-binary, LF", "-text, CRLF", "'-binary -text', LF"})
    void accepts_openssl_signed_csv_and_yields_it_exactly(String options, String lineEnds) throws Exception {
        String csv = lineEnds.equals("LF") ? LF_CSV : CRLF_CSV;
        Signed signed = opensslSign(csv, options);

        SignedDocument document = verifier.open(signed.body(), signed.contentType());

        assertThat(new String(document.content(), StandardCharsets.UTF_8)).isEqualTo(csv);
        assertThat(document.signer()).isEqualTo(signer.certificate());
        assertThat(document.signingTime()).isPresent();
        assertThat(document.algorithm().digest()).isEqualTo("SHA-256");
        assertThat(document.algorithm().scheme()).isEqualTo("RSA");
    }

    @Test
    void openssl_text_mode_signs_lf_csv_with_crlf_line_ends_and_that_is_the_content() throws Exception {
        Signed signed = opensslSign(LF_CSV, "");

        assertThat(new String(verifier.open(signed.body(), signed.contentType()).content(), StandardCharsets.UTF_8))
                .isEqualTo(CRLF_CSV);
    }

    @ParameterizedTest(name = "openssl cms -sign {0}")
    @CsvSource({"''", "-binary"})
    void rejects_openssl_signed_message_with_one_byte_of_the_signed_part_changed(String options) throws Exception {
        Signed signed = opensslSign(CRLF_CSV, options);
        byte[] body = signed.body();
        body[new String(body, StandardCharsets.ISO_8859_1).indexOf("SUSPENDED")] = 'X';

        assertThatThrownBy(() -> verifier.open(body, signed.contentType()))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.error()).as(e.detail()).isEqualTo(GatewayError.SIGNATURE_INVALID));
    }

    @Test
    void rejects_openssl_signed_message_cut_before_its_close_delimiter() throws Exception {
        Signed signed = opensslSign(CRLF_CSV, "-binary");
        String text = new String(signed.body(), StandardCharsets.ISO_8859_1);
        byte[] truncated = text.substring(0, text.lastIndexOf("\n------")).getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> verifier.open(truncated, signed.contentType()))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.error()).as(e.detail()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
    }

    /** The file openssl wrote and the Content-Type from its header. */
    private record Signed(byte[] body, String contentType) {}

    private Signed opensslSign(String csv, String options) throws Exception {
        Path document = Files.write(directory.resolve("aeo.csv"), csv.getBytes(StandardCharsets.UTF_8));
        Path certificate = directory.resolve("signer.pem");
        Path key = directory.resolve("signer.key");
        Path output = directory.resolve("aeo.smime");
        SmimeTestPki.writePem(certificate, signer.certificate());
        SmimeTestPki.writePem(key, signer.key());
        List<String> command = new ArrayList<>(List.of("openssl", "cms", "-sign"));
        for (String option : options.split(" ")) {
            if (!option.isBlank()) {
                command.add(option);
            }
        }
        command.addAll(List.of(
                "-in",
                document.toString(),
                "-signer",
                certificate.toString(),
                "-inkey",
                key.toString(),
                "-out",
                output.toString()));
        Process openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String messages = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor()).as(messages).isZero();
        byte[] body = Files.readAllBytes(output);
        return new Signed(body, contentTypeHeader(body));
    }

    private static String contentTypeHeader(byte[] body) {
        for (String line : new String(body, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                return line.substring(13).strip();
            }
        }
        throw new AssertionError("openssl wrote no Content-Type header");
    }
}
