package org.cbec.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
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
 * TLS on the one port (CONTRACT.md §7), with client certificates wanted: real OpenSSL sees TLS 1.2 and 1.3 only, plain
 * HTTP gets no answer, the operators' API works over it, and a partner's client certificate binds the connection to
 * that partner: another partner's signature on it is refused TRANSPORT_PARTNER_MISMATCH. PKI made here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private static final String PASSWORD = "tls-test";
    GatewayUnderTest gateway;
    TestPki.Credential cnClient;
    TestPki.Credential sgClient;
    String base;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root);
        TestPki.Credential server = TestPki.issue(
                gateway.gatewayCa,
                "CN=localhost,O=National Customs,C=DE",
                TestPki.extension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)),
                TestPki.extension(
                        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)),
                TestPki.extension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")
                })));
        cnClient = client(gateway.cnCa, "CN=CN-GACC Access Point,O=General Administration of Customs,C=CN");
        sgClient = client(gateway.sgCa, "CN=SG-CUSTOMS Access Point,O=Singapore Customs,C=SG");
        gateway.with(
                        "gateway.tls.keystore",
                        TestPki.writePkcs12(root.resolve("tls-server.p12"), server, PASSWORD)
                                .toString())
                .with("gateway.tls.keystore-password", PASSWORD)
                .with("gateway.tls.client-auth", "want")
                .start();
        base = "https://127.0.0.1:" + gateway.runtime().httpPort();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private static TestPki.Credential client(TestPki.Credential ca, String subject) {
        return TestPki.issue(
                ca,
                subject,
                TestPki.extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature)),
                TestPki.extension(
                        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
    }

    @Test
    void openssl_negotiates_tls_1_2_and_1_3_and_is_refused_tls_1_1() throws Exception {
        Openssl.require();

        assertThat(sClient("-tls1_2")).contains("Protocol  : TLSv1.2").doesNotContain("Cipher is (NONE)");
        assertThat(sClient("-tls1_3")).contains("TLSv1.3").doesNotContain("Cipher is (NONE)");
        // the client is made able to speak TLS 1.1 (security level 0), so the refusal is the gateway's
        assertThat(sClient("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"))
                .contains("alert protocol version")
                .contains("Cipher is (NONE)");
    }

    @Test
    void openssl_cannot_get_a_weak_cipher_suite() throws Exception {
        Openssl.require();

        assertThat(sClient("-tls1_2", "-cipher", "AES128-SHA:DES-CBC3-SHA:RC4-SHA@SECLEVEL=0"))
                .contains("Cipher is (NONE)");
    }

    @Test
    void plain_http_on_the_tls_port_gets_no_http_answer() {
        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.runtime().httpPort() + "/health"))
                .timeout(Duration.ofSeconds(10))
                .build();

        assertThatThrownBy(() -> plain.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void the_operators_api_works_over_tls_without_a_client_certificate() throws Exception {
        HttpResponse<String> health = https(null)
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/health"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void a_partner_with_its_client_certificate_sends_its_own_signed_message() throws Exception {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        HttpResponse<String> answer = post(cnClient, TestPki.signCms(csv.bytes(), gateway.cnSigner));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    @Test
    void another_partners_signature_on_a_connection_bound_to_a_partner_is_refused_transport_partner_mismatch()
            throws Exception {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        HttpResponse<String> answer = post(sgClient, TestPki.signCms(csv.bytes(), gateway.cnSigner));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        JsonNode problem = GatewayUnderTest.json(answer);
        assertThat(problem.path("code").asText()).isEqualTo("TRANSPORT_PARTNER_MISMATCH");
        HttpResponse<String> archived = https(null)
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/messages/"
                                        + problem.path("messageId").asText()))
                                .header(
                                        "Authorization",
                                        GatewayUnderTest.basic(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(GatewayUnderTest.json(archived).path("refusal").path("code").asText())
                .as("the refusal is archived")
                .isEqualTo("TRANSPORT_PARTNER_MISMATCH");
    }

    @Test
    void the_same_bytes_again_on_another_partners_connection_are_refused_not_answered_as_a_duplicate()
            throws Exception {
        byte[] cms =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);
        assertThat(post(cnClient, cms).statusCode()).isEqualTo(202);

        HttpResponse<String> again = post(sgClient, cms);

        assertThat(again.statusCode()).as(again.body()).isEqualTo(403);
        assertThat(GatewayUnderTest.json(again).path("code").asText()).isEqualTo("TRANSPORT_PARTNER_MISMATCH");
    }

    @Test
    void an_as4_message_on_another_partners_connection_gets_an_ebms_error_with_transport_partner_mismatch()
            throws Exception {
        if (!com.helger.scope.mgr.ScopeManager.isGlobalScopePresent()) {
            com.helger.scope.mgr.ScopeManager.onGlobalBegin("as4-partner");
        }
        String endpoint = base + "/as4";
        org.cbec.gateway.testing.As4Partner cn = new org.cbec.gateway.testing.As4Partner(
                gateway.cnSigner, "CN-GACC", gateway.gatewayKey, gateway.gatewayCa);

        org.cbec.gateway.testing.As4Partner.Sent own = cn.tls(sslContext(cnClient))
                .send(
                        endpoint,
                        java.util.List.of(
                                Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));
        org.cbec.gateway.testing.As4Partner.Sent other = cn.tls(sslContext(sgClient))
                .send(
                        endpoint,
                        java.util.List.of(
                                Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        assertThat(own.result())
                .as("%s %s", own.errorCode(), own.errorDescription())
                .isEqualTo(com.helger.phase4.sender.EAS4UserMessageSendResult.SUCCESS);
        assertThat(other.errorCode()).isEqualTo("EBMS:0101");
        assertThat(other.errorDescription()).startsWith("TRANSPORT_PARTNER_MISMATCH:");
    }

    @Test
    void a_soap_message_on_another_partners_connection_is_a_fault_with_transport_partner_mismatch() throws Exception {
        byte[] envelope = new org.cbec.gateway.testing.WsSecurityEnvelope(
                        gateway.cnSigner,
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes())
                .signedTimestamp(java.time.Instant.now(), 300)
                .bytes();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/soap/v1/exchange"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/soap+xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                .build();

        HttpResponse<String> answer = https(sgClient).send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("ex:TRANSPORT_PARTNER_MISMATCH");
    }

    @Test
    void a_partner_header_sent_by_the_client_binds_nothing() throws Exception {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/inbound"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/pkcs7-mime")
                .header(TransportSecurity.PARTNER_HEADER, "SG-CUSTOMS")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestPki.signCms(csv.bytes(), gateway.cnSigner)))
                .build();

        HttpResponse<String> answer = https(null).send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    private HttpResponse<String> post(TestPki.Credential clientCertificate, byte[] cms) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/inbound"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/pkcs7-mime")
                .POST(HttpRequest.BodyPublishers.ofByteArray(cms))
                .build();
        return https(clientCertificate).send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A client trusting the gateway CA, with a client certificate when one is given. */
    private HttpClient https(TestPki.Credential clientCertificate) throws Exception {
        return HttpClient.newBuilder()
                .sslContext(sslContext(clientCertificate))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private SSLContext sslContext(TestPki.Credential clientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gateway-ca", gateway.gatewayCa.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManagerFactory keyManagers = null;
        if (clientCertificate != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(
                    "client",
                    clientCertificate.key(),
                    PASSWORD.toCharArray(),
                    clientCertificate.chain().toArray(new X509Certificate[0]));
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, PASSWORD.toCharArray());
        }
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    /** {@code openssl s_client} against the gateway; its whole output. */
    private String sClient(String... options) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + gateway.runtime().httpPort(),
                "-servername",
                "localhost"));
        command.addAll(java.util.List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as("openssl s_client finished")
                .isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
