package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.Openssl;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.Xmlsec1;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every container through the whole gateway: S/MIME detached as {@code openssl cms -sign} writes it, and
 * JWS compact with x5c as a JOSE library makes it, yield the same receipt and records as CMS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainersEndToEndTest {
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
    void accepts_smime_detached_signed_with_openssl_cms() throws Exception {
        Openssl.require();
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        Path document = Files.write(root.resolve("smime.csv"), csv.bytes());
        Path signer = root.resolve("smime-signer.pem");
        Path key = root.resolve("smime-signer.key");
        TestPki.writePem(signer, gateway.cnSigner.certificate());
        TestPki.writePem(key, gateway.cnSigner.key());
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "cms",
                        "-sign",
                        "-in",
                        document.toString(),
                        "-signer",
                        signer.toString(),
                        "-inkey",
                        key.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] mime = openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        String text = new String(mime, StandardCharsets.ISO_8859_1);
        String contentType = text.lines()
                .filter(l -> l.startsWith("Content-Type: multipart/signed"))
                .findFirst()
                .orElseThrow()
                .substring("Content-Type: ".length());
        byte[] body = text.substring(text.indexOf("\n\n") + 2).getBytes(StandardCharsets.ISO_8859_1);

        HttpResponse<String> response = gateway.post("/api/v1/inbound", body, contentType);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(GatewayUnderTest.json(response).path("records").asInt()).isEqualTo(3);
    }

    @Test
    void accepts_an_aeo_status_xml_signed_with_xmlsec1() throws Exception {
        Xmlsec1.require();
        String id = "CN" + Fixtures.load("valid/ecom-shipment.json").number() + "9";
        byte[] signed = Xmlsec1.sign(
                Files.createDirectories(root.resolve("xmlsec1")),
                Xmlsec1.AEO_STATUS_LIST_TEMPLATE.replace("{{ID}}", id),
                gateway.cnSigner);

        HttpResponse<String> response = gateway.post("/api/v1/inbound", signed, "application/xml");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(GatewayUnderTest.json(response).path("documentFormat").asText())
                .isEqualTo("aeo-status-xml");
        await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:" + id)
                                .size()
                        == 1);
        assertThat(gateway.national()
                        .receivedWithKeyPrefix("CN-GACC:" + id)
                        .get(0)
                        .record()
                        .path("operatorName")
                        .asText())
                .isEqualTo("深圳光明出口有限公司");
    }

    @Test
    void accepts_a_jws_with_its_signer_chain_in_x5c() throws Exception {
        byte[] shipment = Fixtures.load("valid/ecom-shipment.json").bytes();
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JOSE)
                        .x509CertChain(x5c(gateway.cnSigner.chain()))
                        .build(),
                new Payload(shipment));
        jws.sign(new RSASSASigner(gateway.cnSigner.key()));

        HttpResponse<String> response = gateway.post(
                "/api/v1/inbound", jws.serialize().getBytes(StandardCharsets.US_ASCII), "application/jose");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(GatewayUnderTest.json(response).path("documentFormat").asText())
                .isEqualTo("ecom-shipment-json");
    }

    @Test
    void a_jws_with_alg_none_is_algorithm_not_allowed_and_archived() {
        String header = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Fixtures.load("valid/ecom-shipment.json").bytes());

        HttpResponse<String> response = gateway.post(
                "/api/v1/inbound",
                (header + "." + payload + ".").getBytes(StandardCharsets.US_ASCII),
                "application/jose");

        assertThat(response.statusCode()).isEqualTo(403);
        String messageId = GatewayUnderTest.json(response).path("messageId").asText();
        assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                        .path("refusal")
                        .path("code")
                        .asText())
                .isEqualTo("ALGORITHM_NOT_ALLOWED");
    }

    private static List<Base64> x5c(List<X509Certificate> chain) throws CertificateEncodingException {
        List<Base64> encoded = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            encoded.add(Base64.encode(certificate.getEncoded()));
        }
        return encoded;
    }
}
