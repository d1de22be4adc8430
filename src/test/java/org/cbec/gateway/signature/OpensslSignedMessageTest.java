package org.cbec.gateway.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.Openssl;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner that signs with the OpenSSL command line, as the README shows: {@code openssl cms -sign
 * -nodetach -binary -outform DER}. The gateway accepts it and forwards every row.
 */
class OpensslSignedMessageTest {
    @TempDir
    Path root;

    @Test
    void accepts_a_csv_signed_with_openssl_cms_and_forwards_its_three_records() throws Exception {
        Openssl.require();
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway")).start()) {
            Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
            Path document = Files.write(root.resolve("aeo.csv"), csv.bytes());
            Path signer = root.resolve("signer.pem");
            Path key = root.resolve("signer.key");
            TestPki.writePem(signer, gateway.cnSigner.certificate());
            TestPki.writePem(key, gateway.cnSigner.key());
            Path signed = root.resolve("aeo.p7m");

            Process openssl = new ProcessBuilder(List.of(
                            "openssl",
                            "cms",
                            "-sign",
                            "-nodetach",
                            "-binary",
                            "-outform",
                            "DER",
                            "-in",
                            document.toString(),
                            "-signer",
                            signer.toString(),
                            "-inkey",
                            key.toString(),
                            "-out",
                            signed.toString()))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(openssl.getInputStream().readAllBytes());
            assertThat(openssl.waitFor()).as(output).isZero();

            HttpResponse<String> response = gateway.postCms(Files.readAllBytes(signed));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            JsonNode receipt = GatewayUnderTest.json(response);
            assertThat(receipt.path("records").asInt()).isEqualTo(3);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.national()
                                    .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                    .size()
                            == 3);
            assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:CN" + csv.number()))
                    .allSatisfy(r -> assertThat(r.idempotencyKey())
                            .isEqualTo(r.record().path("recordId").asText() + ":"
                                    + r.record().path("recordVersion").asText()));
        }
    }
}
