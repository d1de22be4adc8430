package org.cbec.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify}: a signed file judged offline, against one partner file, with the gateway's own classes. */
class VerifyCommandTest {
    static final TestPki.Credential CA = TestPki.certificateAuthority("CN=KR-KCS Test CA,O=Korea Customs Service,C=KR");
    static final TestPki.Credential SIGNER = TestPki.signer(CA, "CN=KR-KCS Signer,O=Korea Customs Service,C=KR");

    @TempDir
    Path root;

    Path partnerFile;

    @BeforeEach
    void partner() throws Exception {
        TestPki.writePem(root.resolve("partners/certs/kr-kcs-ca.pem"), CA.certificate());
        partnerFile = Files.writeString(root.resolve("partners/KR-KCS.yaml"), """
                id: KR-KCS
                name: Korea Customs Service
                country: KR
                trustAnchors: [certs/kr-kcs-ca.pem]
                revocation: ocsp
                messageTypes: [AEO_STATUS]
                """);
    }

    private CliRun verify(byte[] signed) throws Exception {
        Path file = Files.write(root.resolve("message.p7m"), signed);
        return CliRun.of("verify", "--partner", partnerFile.toString(), "--config", "config", file.toString());
    }

    @Test
    void accepts_a_well_signed_document_and_says_revocation_was_not_checked() throws Exception {
        CliRun run = verify(TestPki.signCms(koreanOperators(), SIGNER));

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.out())
                .contains("signer:        ")
                .contains("CN=KR-KCS Signer")
                .contains("partner:       KR-KCS (Korea Customs Service)")
                .contains("algorithm:     RSA with SHA-256")
                .contains("format:        aeo-status-csv")
                .contains("records:       3")
                .contains("revocation:    NOT CHECKED offline (the partner's policy is 'ocsp'")
                .contains("ACCEPTABLE");
    }

    @Test
    void refuses_a_tampered_document_with_signature_invalid() throws Exception {
        byte[] content = Fixtures.load("valid/aeo-status-3-rows.csv").bytes();

        CliRun run = verify(ConformanceSuite.flipContentByte(TestPki.signCms(content, SIGNER), content));

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("REFUSED: SIGNATURE_INVALID (HTTP 403)");
    }

    @Test
    void refuses_a_document_type_the_partner_may_not_send() throws Exception {
        CliRun run =
                verify(TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), SIGNER));

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .contains("format:        ecom-shipment-json")
                .contains("REFUSED: MESSAGE_TYPE_NOT_ALLOWED");
    }

    @Test
    void lists_each_located_error_of_a_schema_invalid_document() throws Exception {
        String csv =
                new String(koreanOperators(), java.nio.charset.StandardCharsets.UTF_8).replace("SUSPENDED", "ASLEEP");

        CliRun run = verify(TestPki.signCms(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8), SIGNER));

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("errors:        1").contains("REFUSED: SCHEMA_INVALID (HTTP 422)");
    }

    @Test
    void refuses_a_signer_of_another_ca_as_unknown_signer() throws Exception {
        TestPki.Credential stranger =
                TestPki.signer(TestPki.certificateAuthority("CN=Other CA,C=KR"), "CN=Other Signer,C=KR");

        CliRun run = verify(
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), stranger));

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("REFUSED: UNKNOWN_SIGNER");
    }

    @Test
    void refuses_the_partner_ca_signing_itself_as_signer_not_permitted_like_the_gateway() throws Exception {
        CliRun run = verify(TestPki.signCms(koreanOperators(), CA));

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .contains("REFUSED: SIGNER_NOT_PERMITTED (HTTP 403)")
                .contains("basicConstraints CA:true");
    }

    /** The valid AEO list with KR ids: a partner publishes the status of its own country's operators only. */
    private static byte[] koreanOperators() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        return csv.text()
                .replace("\nCN" + csv.number(), "\nKR" + csv.number())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
