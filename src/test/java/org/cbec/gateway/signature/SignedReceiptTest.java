package org.cbec.gateway.signature;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.Openssl;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Non-repudiation of receipt: a partner that sends {@code Accept: application/pkcs7-mime} gets its receipt
 * as CMS SignedData by the gateway's key, naming the sha256 of the exact body it sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedReceiptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    GatewayUnderTest gateway;
    Path root;

    @BeforeAll
    void start(@TempDir Path root) {
        this.root = root;
        gateway = new GatewayUnderTest(root.resolve("gateway")).start();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void the_receipt_is_cms_signed_by_the_gateway_and_names_the_sha256_of_the_body() throws Exception {
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner);

        HttpResponse<byte[]> response = gateway.postCmsForSignedReceipt(signed);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/pkcs7-mime");
        CMSSignedData receipt = new CMSSignedData(response.body());
        SignerInformation signer =
                receipt.getSignerInfos().getSigners().iterator().next();
        @SuppressWarnings("unchecked")
        X509CertificateHolder certificate = (X509CertificateHolder)
                receipt.getCertificates().getMatches(signer.getSID()).iterator().next();
        assertThat(signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate)))
                .isTrue();
        assertThat(certificate.getSubject().toString()).contains("Gateway Receipts");
        JsonNode content = JSON.readTree((byte[]) receipt.getSignedContent().getContent());
        assertThat(content.path("sha256").asText())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(signed)));
        assertThat(content.path("status").asText()).isEqualTo("ACCEPTED");
    }

    @Test
    void a_duplicate_gets_a_signed_receipt_too() throws Exception {
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner);
        gateway.postCms(signed);

        HttpResponse<byte[]> response = gateway.postCmsForSignedReceipt(signed);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode content = JSON.readTree(
                (byte[]) new CMSSignedData(response.body()).getSignedContent().getContent());
        assertThat(content.path("status").asText()).isEqualTo("DUPLICATE");
    }

    @Test
    void openssl_cms_verify_accepts_the_receipt_with_the_gateway_ca() throws Exception {
        Openssl.require();
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);
        Path receipt = Files.write(
                root.resolve("receipt.p7m"),
                gateway.postCmsForSignedReceipt(signed).body());
        Path ca = root.resolve("gateway-ca.pem");
        TestPki.writePem(ca, gateway.gatewayCa.certificate());

        Process openssl = new ProcessBuilder(List.of(
                        "openssl",
                        "cms",
                        "-verify",
                        "-inform",
                        "DER",
                        "-in",
                        receipt.toString(),
                        "-CAfile",
                        ca.toString()))
                .start();
        String content = new String(openssl.getInputStream().readAllBytes());
        String errors = new String(openssl.getErrorStream().readAllBytes());

        assertThat(openssl.waitFor()).as(errors).isZero();
        assertThat(errors).contains("Verification successful");
        assertThat(JSON.readTree(content).path("status").asText()).isEqualTo("ACCEPTED");
    }

    @Test
    void refusals_stay_problem_json_even_when_a_signed_receipt_is_asked_for() {
        HttpResponse<byte[]> response = gateway.postCmsForSignedReceipt(new byte[] {1, 2, 3});

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
}
