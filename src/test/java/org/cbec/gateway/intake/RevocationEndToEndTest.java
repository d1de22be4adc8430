package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation through the whole gateway: a partner whose policy is {@code crl} with a local CRL that lists
 * the signer, and a partner whose policy is {@code ocsp} while its responder is down.
 */
class RevocationEndToEndTest {
    private static final java.util.concurrent.atomic.AtomicLong SERIALS = new java.util.concurrent.atomic.AtomicLong();

    @TempDir
    Path root;

    @Test
    void a_signer_revoked_in_the_partners_crl_is_certificate_revoked() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            TestPki.Credential revoked =
                    TestPki.signer(gateway.cnCa, "CN=CN-GACC Revoked Signer,O=General Administration of Customs,C=CN");
            writeCrl(gateway.root().resolve("partners/certs/cn-gacc.crl"), gateway.cnCa, revoked);
            rewritePartner(gateway, "revocation: crl\ncrls: [certs/cn-gacc.crl]");
            gateway.start();

            HttpResponse<String> refused = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), revoked));
            HttpResponse<String> accepted = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner));

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(GatewayUnderTest.json(refused).path("code").asText()).isEqualTo("CERTIFICATE_REVOKED");
            String messageId = GatewayUnderTest.json(refused).path("messageId").asText();
            assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                            .path("refusal")
                            .path("code")
                            .asText())
                    .isEqualTo("CERTIFICATE_REVOKED");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }
    }

    @Test
    void a_signer_revoked_in_the_crl_at_its_distribution_point_is_certificate_revoked() throws Exception {
        com.sun.net.httpserver.HttpServer crlServer =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            String url = "http://127.0.0.1:" + crlServer.getAddress().getPort() + "/cn-gacc.crl";
            TestPki.Credential revoked = signerWith(
                    gateway.cnCa,
                    Extension.cRLDistributionPoints,
                    new org.bouncycastle.asn1.x509.CRLDistPoint(new org.bouncycastle.asn1.x509.DistributionPoint[] {
                        new org.bouncycastle.asn1.x509.DistributionPoint(
                                new org.bouncycastle.asn1.x509.DistributionPointName(
                                        new org.bouncycastle.asn1.x509.GeneralNames(
                                                new GeneralName(GeneralName.uniformResourceIdentifier, url))),
                                null,
                                null)
                    }));
            byte[] crl = crl(gateway.cnCa, revoked).getEncoded();
            crlServer.createContext("/cn-gacc.crl", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/pkix-crl");
                exchange.sendResponseHeaders(200, crl.length);
                exchange.getResponseBody().write(crl);
                exchange.close();
            });
            crlServer.start();
            rewritePartner(gateway, "revocation: crl");
            gateway.start();

            HttpResponse<String> refused = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), revoked));

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(GatewayUnderTest.json(refused).path("code").asText()).isEqualTo("CERTIFICATE_REVOKED");
        } finally {
            crlServer.stop(0);
        }
    }

    @Test
    void with_the_ocsp_responder_down_and_policy_ocsp_the_answer_is_revocation_unknown() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            TestPki.Credential signer = signerWithOcspAt(gateway.cnCa, "http://127.0.0.1:" + closedPort() + "/ocsp");
            rewritePartner(gateway, "revocation: ocsp");
            gateway.start();

            HttpResponse<String> response = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), signer));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(GatewayUnderTest.json(response).path("code").asText()).isEqualTo("REVOCATION_UNKNOWN");
            String messageId = GatewayUnderTest.json(response).path("messageId").asText();
            assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                            .path("verdict")
                            .asText())
                    .isEqualTo("REJECTED");
        }
    }

    @Test
    void a_signer_revoked_at_an_openssl_ocsp_responder_is_certificate_revoked() throws Exception {
        org.cbec.gateway.testing.Openssl.require();
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            int port = closedPort();
            TestPki.Credential revoked = signerWithOcspAt(gateway.cnCa, "http://127.0.0.1:" + port);
            TestPki.Credential good = signerWithOcspAt(gateway.cnCa, "http://127.0.0.1:" + port);
            Path ocsp = Files.createDirectories(root.resolve("ocsp"));
            TestPki.writePem(ocsp.resolve("ca.pem"), gateway.cnCa.certificate());
            TestPki.writePem(ocsp.resolve("ca.key"), gateway.cnCa.key());
            Files.writeString(ocsp.resolve("index.txt"), indexLine('R', revoked) + indexLine('V', good));
            Process responder = new ProcessBuilder(
                            "openssl",
                            "ocsp",
                            "-index",
                            "index.txt",
                            "-port",
                            String.valueOf(port),
                            "-rsigner",
                            "ca.pem",
                            "-rkey",
                            "ca.key",
                            "-CA",
                            "ca.pem",
                            "-ndays",
                            "1",
                            "-ignore_err")
                    .directory(ocsp.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ocsp.resolve("responder.log").toFile())
                    .start();
            try {
                Path log = ocsp.resolve("responder.log");
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> Files.exists(log)
                                && Files.readString(log).contains("waiting for OCSP client connections"));
                rewritePartner(gateway, "revocation: ocsp");
                gateway.start();

                HttpResponse<String> refused = gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), revoked));
                HttpResponse<String> accepted = gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), good));

                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
                assertThat(GatewayUnderTest.json(refused).path("code").asText()).isEqualTo("CERTIFICATE_REVOKED");
                assertThat(accepted.statusCode())
                        .as(accepted.body() + Files.readString(ocsp.resolve("responder.log")))
                        .isEqualTo(202);
            } finally {
                responder.destroy();
            }
        }
    }

    /** A line of an OpenSSL CA database: status, expiry, revocation time, serial, file, subject. */
    private static String indexLine(char status, TestPki.Credential credential) {
        java.time.format.DateTimeFormatter format =
                java.time.format.DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(java.time.ZoneOffset.UTC);
        String expiry = format.format(credential.certificate().getNotAfter().toInstant());
        String revokedAt = status == 'R' ? format.format(Instant.now().minus(Duration.ofMinutes(1))) : "";
        return status + "\t" + expiry + "\t" + revokedAt + "\t"
                + credential.certificate().getSerialNumber().toString(16).toUpperCase() + "\tunknown\t/CN="
                + credential.certificate().getSerialNumber() + "\n";
    }

    private static void rewritePartner(GatewayUnderTest gateway, String revocation) throws IOException {
        Path file = gateway.root().resolve("partners/CN-GACC.yaml");
        Files.writeString(file, Files.readString(file).replace("revocation: none", revocation));
    }

    private static void writeCrl(Path file, TestPki.Credential ca, TestPki.Credential revoked) throws Exception {
        TestPki.writePem(file, crl(ca, revoked));
    }

    private static java.security.cert.X509CRL crl(TestPki.Credential ca, TestPki.Credential revoked) throws Exception {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        builder.addCRLEntry(
                revoked.certificate().getSerialNumber(),
                Date.from(now.minus(Duration.ofMinutes(1))),
                CRLReason.keyCompromise);
        return new JcaX509CRLConverter()
                .getCRL(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
    }

    private static TestPki.Credential signerWithOcspAt(TestPki.Credential ca, String ocspUrl) throws Exception {
        return signerWith(
                ca,
                Extension.authorityInfoAccess,
                new AuthorityInformationAccess(new AccessDescription(
                        AccessDescription.id_ad_ocsp,
                        new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
    }

    /** A signer certificate issued by the CA with one extra extension: where its revocation status is found. */
    private static TestPki.Credential signerWith(
            TestPki.Credential ca,
            org.bouncycastle.asn1.ASN1ObjectIdentifier extension,
            org.bouncycastle.asn1.ASN1Encodable value)
            throws Exception {
        var keys = TestPki.rsa(2048);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(now.toEpochMilli() * 1000 + SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))),
                new X500Name("CN=CN-GACC Signer " + SERIALS.get() + ",O=General Administration of Customs,C=CN"),
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(extension, false, value);
        var certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
        return new TestPki.Credential(certificate, keys.getPrivate(), java.util.List.of(certificate, ca.certificate()));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
