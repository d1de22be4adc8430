package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.cbec.gateway.testing.ContainerSigning;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.TestPki.Credential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who under a partner's trust anchor may sign (issue 18): each case is a certificate the partner's CA issued that
 * is not fit to sign documents, sent in every signature container, and answered 403 SIGNER_NOT_PERMITTED with the
 * constraint it broke, archived as evidence; the gateway stays healthy. A signer fit for the role passes, and so
 * does a TLS-only signer of a partner whose file allows serverAuth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignerProfileCatalogueTest {
    private static final String CN = ",O=General Administration of Customs,C=CN";
    private static final String EPORT_CA_SUBJECT = "CN=CN-EPORT Test CA,O=China E-Port,C=CN";

    /** The containers a partner may sign in (CONTRACT.md §3), each signing a valid AEO status list. */
    enum Container {
        CMS((gateway, signer) -> ContainerSigning.cms(csv(), signer)),
        SMIME((gateway, signer) -> ContainerSigning.smime(csv(), signer)),
        XMLDSIG((gateway, signer) -> ContainerSigning.xml(aeoXml(), signer)),
        JWS((gateway, signer) -> ContainerSigning.jws(csv(), signer)),
        SOAP((gateway, signer) -> ContainerSigning.soap(csv(), signer));

        final BiFunction<GatewayUnderTest, Credential, ContainerSigning.Signed> sign;

        Container(BiFunction<GatewayUnderTest, Credential, ContainerSigning.Signed> sign) {
            this.sign = sign;
        }
    }

    GatewayUnderTest gateway;
    Credential eportCa;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root);
        // A third partner whose signers are TLS certificates, and says so in its file.
        eportCa = TestPki.certificateAuthority(EPORT_CA_SUBJECT);
        TestPki.writePem(root.resolve("partners/certs/cn-eport-ca.pem"), eportCa.certificate());
        GatewayUnderTest.write(root.resolve("partners/CN-EPORT.yaml"), """
                id: CN-EPORT
                name: China E-Port
                country: CN
                trustAnchors:
                  - certs/cn-eport-ca.pem
                revocation: none
                messageTypes: [AEO_STATUS]
                signerExtendedKeyUsages: [1.3.6.1.5.5.7.3.1]
                """);
        gateway.start();
    }

    @AfterAll
    void healthyAfterTheCatalogue() {
        try {
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        } finally {
            gateway.close();
        }
    }

    // --- the signer itself ---

    /** The partner's CA key signing documents itself. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void the_partner_ca_itself_as_signer(Container container) {
        refused(container, gateway.cnCa, "is a certificate authority (basicConstraints CA:true)");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void signer_with_basic_constraints_ca_true(Container container) {
        Credential subCa = TestPki.issue(
                gateway.cnCa,
                "CN=CN-GACC Signing Sub-CA" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(true)),
                TestPki.extension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)));
        refused(container, subCa, "is a certificate authority (basicConstraints CA:true)");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void signer_whose_key_usage_lacks_digital_signature_and_non_repudiation(Container container) {
        Credential encipherer = TestPki.issue(
                gateway.cnCa,
                "CN=CN-GACC Key Encipherment" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                TestPki.extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment)));
        refused(container, encipherer, "has a keyUsage without digitalSignature or nonRepudiation");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void signer_whose_extended_key_usage_is_tls_server_auth_only(Container container) {
        refused(
                container,
                tlsServer(gateway.cnCa, "CN=gateway.customs.gov.cn" + CN),
                "has an extendedKeyUsage [1.3.6.1.5.5.7.3.1] with none of the purposes its partner allows");
    }

    // --- the CAs between the signer and the anchor ---

    @ParameterizedTest
    @EnumSource(Container.class)
    void signer_under_an_intermediate_that_is_not_a_ca(Container container) {
        Credential notCa = TestPki.issue(
                gateway.cnCa,
                "CN=CN-GACC End Entity As Issuer" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                TestPki.extension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)));
        refused(
                container,
                documentSigner(notCa, "CN=CN-GACC Signer Under End Entity" + CN),
                "may not issue certificates: it is not a certificate authority");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void signer_under_an_intermediate_ca_without_key_cert_sign(Container container) {
        Credential noCertSign = TestPki.issue(
                gateway.cnCa,
                "CN=CN-GACC CA Without keyCertSign" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(true)),
                TestPki.extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.cRLSign)));
        refused(
                container,
                documentSigner(noCertSign, "CN=CN-GACC Signer Under CRL-only CA" + CN),
                "may not issue certificates: its keyUsage lacks keyCertSign");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void signer_beyond_an_intermediate_path_length_constraint(Container container) {
        Credential pathLenZero = TestPki.issue(
                gateway.cnCa,
                "CN=CN-GACC CA pathLen 0" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(0)),
                TestPki.extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
        Credential tooDeep = TestPki.issue(
                pathLenZero,
                "CN=CN-GACC CA Below pathLen 0" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(true)),
                TestPki.extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
        refused(
                container,
                documentSigner(tooDeep, "CN=CN-GACC Signer Too Deep" + CN),
                "the path is longer than a pathLenConstraint above the signer allows");
    }

    /**
     * The same shape forged: an intermediate that is no CA, under an impostor with the partner CA's name but not its
     * key. PKIX reports the missing CA flag before the signature; the gateway names no constraint of a forgery.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void signer_under_a_forged_intermediate_that_is_not_a_ca(Container container) {
        Credential impostor = TestPki.certificateAuthority(GatewayUnderTest.CN_CA_SUBJECT);
        Credential forged = TestPki.issue(
                impostor,
                "CN=CN-GACC Forged Intermediate" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                TestPki.extension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)));
        Credential signer = documentSigner(forged, "CN=CN-GACC Signer Under Forgery" + CN);
        refused(
                container,
                new Credential(
                        signer.certificate(), signer.key(), signer.chain().subList(0, 2)),
                "UNKNOWN_SIGNER",
                "does not validate");
    }

    // --- signers fit for the role ---

    @ParameterizedTest
    @EnumSource(Container.class)
    void a_document_signer_under_an_intermediate_ca_is_accepted(Container container) {
        Credential issuing = TestPki.issue(
                gateway.cnCa,
                "CN=CN-GACC Issuing CA" + CN,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(0)),
                TestPki.extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
        accepted(container, documentSigner(issuing, "CN=CN-GACC Document Signer" + CN), "CN-GACC");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void a_non_repudiation_only_signer_without_extended_key_usage_is_accepted(Container container) {
        accepted(
                container,
                TestPki.issue(
                        gateway.cnCa,
                        "CN=CN-GACC Non-Repudiation Signer" + CN,
                        TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                        TestPki.extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.nonRepudiation))),
                "CN-GACC");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void a_tls_server_auth_signer_is_accepted_when_its_partner_file_allows_server_auth(Container container) {
        accepted(container, tlsServer(eportCa, "CN=exchange.chinaport.gov.cn,O=China E-Port,C=CN"), "CN-EPORT");
    }

    private static Credential documentSigner(Credential issuer, String subject) {
        return TestPki.issue(
                issuer,
                subject,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                TestPki.extension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)),
                TestPki.extension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                    KeyPurposeId.id_kp_emailProtection,
                    KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36"))
                })));
    }

    private static Credential tlsServer(Credential issuer, String subject) {
        return TestPki.issue(
                issuer,
                subject,
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                TestPki.extension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)),
                TestPki.extension(
                        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)));
    }

    private static byte[] csv() {
        return Fixtures.load("valid/aeo-status-3-rows.csv").bytes();
    }

    private static String aeoXml() {
        String template = org.cbec.gateway.testing.Xmlsec1.AEO_STATUS_LIST_TEMPLATE;
        String unsigned = template.substring(0, template.indexOf("  <Signature")) + "</AEOStatusList>\n";
        return unsigned.replace(
                "{{ID}}", "CN" + Fixtures.load("valid/aeo-status-3-rows.csv").number() + "7");
    }

    private void refused(Container container, Credential signer, String detail) {
        refused(container, signer, "SIGNER_NOT_PERMITTED", detail);
    }

    private void refused(Container container, Credential signer, String code, String detail) {
        ContainerSigning.Signed signed = container.sign.apply(gateway, signer);
        HttpResponse<String> response = gateway.post(signed.path(), signed.body(), signed.contentType());
        String messageId;
        if (signed.soap()) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
            assertThat(response.body()).contains("ex:" + code).contains(detail);
            messageId = response.body().replaceAll("(?s).*<ex:MessageId>([0-9A-Z]+)</ex:MessageId>.*", "$1");
        } else {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
            JsonNode problem = GatewayUnderTest.json(response);
            assertThat(problem.path("code").asText()).isEqualTo(code);
            assertThat(problem.path("detail").asText()).contains(detail);
            messageId = problem.path("messageId").asText();
        }
        JsonNode archived = gateway.getJson("/api/v1/messages/" + messageId);
        assertThat(archived.path("verdict").asText())
                .as("the refusal is archived")
                .isEqualTo("REJECTED");
        assertThat(archived.path("refusal").path("code").asText()).isEqualTo(code);
        assertThat(archived.path("refusal").path("detail").asText()).contains(detail);
    }

    private void accepted(Container container, Credential signer, String partner) {
        ContainerSigning.Signed signed = container.sign.apply(gateway, signer);
        HttpResponse<String> response = gateway.post(signed.path(), signed.body(), signed.contentType());
        if (signed.soap()) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains(partner).doesNotContain("Fault");
            return;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(GatewayUnderTest.json(response).path("partner").asText()).isEqualTo(partner);
    }
}
