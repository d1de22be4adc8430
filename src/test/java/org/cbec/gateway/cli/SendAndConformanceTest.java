package org.cbec.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An integrator's {@code send} and {@code conformance} against the real gateway on the real routes,
 * with the partner's key in a PKCS#12 as the integrator would hold it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendAndConformanceTest {
    private static final String SIGNER_PASSWORD = "integrator-test";
    private static final Map<String, String> ENVIRONMENT = Map.of(SignerOptions.PASSWORD_VARIABLE, SIGNER_PASSWORD);

    GatewayUnderTest gateway;
    Path root;
    Path cnKeystore;

    @BeforeAll
    void start(@TempDir Path root) {
        this.root = root;
        gateway = new GatewayUnderTest(root.resolve("gateway")).start();
        cnKeystore = TestPki.writePkcs12(root.resolve("cn-signer.p12"), gateway.cnSigner, SIGNER_PASSWORD);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private String url() {
        return "http://127.0.0.1:" + gateway.port();
    }

    @Test
    void send_signs_a_document_with_the_pkcs12_and_the_gateway_accepts_it() throws Exception {
        Path document = Files.write(
                root.resolve("aeo.csv"),
                Fixtures.load("valid/aeo-status-3-rows.csv").bytes());

        CliRun run = CliRun.of(
                ENVIRONMENT, "send", "--keystore", cnKeystore.toString(), "--url", url(), document.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.out())
                .contains("HTTP 202")
                .contains("\"partner\":\"CN-GACC\"")
                .contains("\"status\":\"ACCEPTED\"");
    }

    @Test
    void send_takes_the_password_from_the_password_option_when_the_environment_has_none() throws Exception {
        Path document = Files.write(
                root.resolve("shipment.json"),
                Fixtures.load("valid/ecom-shipment.json").bytes());

        CliRun run = CliRun.of(
                Map.of(),
                "send",
                "--keystore",
                cnKeystore.toString(),
                "--alias",
                "signer",
                "--password=" + SIGNER_PASSWORD,
                "--url",
                url(),
                document.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.out()).contains("HTTP 202").contains("ecom-shipment-json");
    }

    @Test
    void send_exits_1_with_the_refusal_when_the_gateway_refuses() throws Exception {
        Path stranger = TestPki.writePkcs12(
                root.resolve("stranger.p12"),
                TestPki.signer(TestPki.certificateAuthority("CN=Stranger CA,C=XX"), "CN=Stranger,C=XX"),
                SIGNER_PASSWORD);
        Path document = Files.write(
                root.resolve("refused.csv"),
                Fixtures.load("valid/aeo-status-3-rows.csv").bytes());

        CliRun run =
                CliRun.of(ENVIRONMENT, "send", "--keystore", stranger.toString(), "--url", url(), document.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("HTTP 403").contains("UNKNOWN_SIGNER");
    }

    @Test
    void send_without_a_password_is_bad_usage_with_a_one_line_error() throws Exception {
        Path document = Files.write(
                root.resolve("nopassword.csv"),
                Fixtures.load("valid/aeo-status-3-rows.csv").bytes());

        CliRun run =
                CliRun.of(Map.of(), "send", "--keystore", cnKeystore.toString(), "--url", url(), document.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .contains("GATEWAY_SIGNER_PASSWORD")
                .contains("--password");
    }

    @Test
    void conformance_passes_every_case_for_a_partner_the_gateway_trusts() {
        CliRun run = CliRun.of(
                ENVIRONMENT,
                "conformance",
                "--partner",
                gateway.root().resolve("partners/CN-GACC.yaml").toString(),
                "--url",
                url(),
                "--keystore",
                cnKeystore.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.out()).contains("PASSED: all 12 cases passed").doesNotContain("FAIL");
        assertThat(run.out().lines().filter(line -> line.endsWith("| PASS"))).hasSize(12);
        assertThat(run.out())
                .contains("aeo-status-csv: schema-invalid document")
                .contains("422 SCHEMA_INVALID")
                .contains("ecom-shipment-json: content byte flipped")
                .contains("403 SIGNATURE_INVALID")
                .contains("self-signed unknown signer")
                .contains("403 UNKNOWN_SIGNER")
                .contains("forwarded to the national system");
    }

    @Test
    void conformance_fails_when_the_gateway_trusts_another_anchor_for_the_partner() throws Exception {
        // The integrator's partner file and key come from a CA the gateway was never given.
        TestPki.Credential otherCa =
                TestPki.certificateAuthority("CN=CN-GACC New CA,O=General Administration of Customs,C=CN");
        Path partners = root.resolve("integrator-partners");
        TestPki.writePem(partners.resolve("certs/cn-gacc-ca.pem"), otherCa.certificate());
        Files.writeString(partners.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: General Administration of Customs of China
                country: CN
                trustAnchors: [certs/cn-gacc-ca.pem]
                revocation: none
                messageTypes: [AEO_STATUS]
                """);
        Path keystore = TestPki.writePkcs12(
                root.resolve("new-ca-signer.p12"),
                TestPki.signer(otherCa, "CN=CN-GACC Signer,O=General Administration of Customs,C=CN"),
                SIGNER_PASSWORD);

        CliRun run = CliRun.of(
                ENVIRONMENT,
                "conformance",
                "--partner",
                partners.resolve("CN-GACC.yaml").toString(),
                "--url",
                url(),
                "--keystore",
                keystore.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("valid document +\\| 202 ACCEPTED +\\| 403 UNKNOWN_SIGNER +\\| FAIL")
                .contains("FAILED: ");
    }
}
