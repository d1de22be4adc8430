package org.cbec.gateway.partner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partner files as CONTRACT.md §2 defines them; an invalid one names its file and field. */
class PartnerRegistryTest {
    @TempDir
    Path dir;

    @BeforeEach
    void ca() {
        TestPki.writePem(
                dir.resolve("certs/ca.pem"),
                TestPki.certificateAuthority("CN=Test CA,C=CN").certificate());
    }

    @Test
    void loads_a_valid_partner_file() throws IOException {
        Files.writeString(dir.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: General Administration of Customs of China
                country: CN
                trustAnchors: [certs/ca.pem]
                signerSubjects: ["CN=Signer,O=GACC,C=CN"]
                revocation: none
                messageTypes: [AEO_STATUS]
                enabled: true
                """);

        PartnerRegistry registry = PartnerRegistry.load(dir);

        Partner partner = registry.byId("CN-GACC").orElseThrow();
        assertThat(partner.country()).isEqualTo("CN");
        assertThat(partner.trustAnchors()).hasSize(1);
        assertThat(partner.maySend(RecordType.AEO_STATUS)).isTrue();
        assertThat(partner.maySend(RecordType.ECOM_SHIPMENT)).isFalse();
        assertThat(partner.revocation()).isEqualTo(RevocationPolicy.NONE);
    }

    @Test
    void signer_extended_key_usages_default_to_the_document_signing_purposes_and_may_be_set() throws IOException {
        Files.writeString(dir.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                """);
        Files.writeString(dir.resolve("CN-EPORT.yaml"), """
                id: CN-EPORT
                name: y
                country: CN
                trustAnchors: [certs/eport-ca.pem]
                messageTypes: [AEO_STATUS]
                signerExtendedKeyUsages: [1.3.6.1.5.5.7.3.1, 1.3.6.1.5.5.7.3.4]
                """);
        TestPki.writePem(
                dir.resolve("certs/eport-ca.pem"),
                TestPki.certificateAuthority("CN=E-Port CA,C=CN").certificate());

        PartnerRegistry registry = PartnerRegistry.load(dir);

        assertThat(registry.byId("CN-GACC").orElseThrow().signerExtendedKeyUsages())
                .containsExactlyInAnyOrder(
                        "1.3.6.1.5.5.7.3.4", "1.3.6.1.4.1.311.10.3.12", "1.3.6.1.5.5.7.3.36", "2.5.29.37.0");
        assertThat(registry.byId("CN-EPORT").orElseThrow().signerExtendedKeyUsages())
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.4");
    }

    @Test
    void refuses_a_signer_extended_key_usage_that_is_not_an_object_identifier_naming_file_and_field()
            throws IOException {
        Files.writeString(dir.resolve("bad-eku.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                signerExtendedKeyUsages: [serverAuth]
                """);

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("bad-eku.yaml")
                .hasMessageContaining("'signerExtendedKeyUsages'")
                .hasMessageContaining("serverAuth");
    }

    @Test
    void refuses_an_empty_signer_extended_key_usage_list() throws IOException {
        Files.writeString(dir.resolve("empty-eku.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                signerExtendedKeyUsages: []
                """);

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .hasMessageContaining("empty-eku.yaml")
                .hasMessageContaining("'signerExtendedKeyUsages'");
    }

    @Test
    void refuses_a_partner_id_that_breaks_the_pattern_naming_file_and_field() throws IOException {
        Files.writeString(dir.resolve("bad-id.yaml"), """
                id: cn gacc
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                """);

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("bad-id.yaml")
                .hasMessageContaining("'id'");
    }

    @Test
    void refuses_an_unknown_field_naming_it() throws IOException {
        Files.writeString(dir.resolve("typo.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchor: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                """);

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .hasMessageContaining("typo.yaml")
                .hasMessageContaining("'trustAnchor'");
    }

    @Test
    void refuses_a_missing_trust_anchor_file() throws IOException {
        Files.writeString(dir.resolve("missing-anchor.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/nowhere.pem]
                messageTypes: [AEO_STATUS]
                """);

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .hasMessageContaining("missing-anchor.yaml")
                .hasMessageContaining("'trustAnchors'")
                .hasMessageContaining("nowhere.pem");
    }

    @Test
    void refuses_an_unknown_message_type_and_revocation_policy() throws IOException {
        Files.writeString(dir.resolve("bad-type.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [CARGO]
                """);
        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .hasMessageContaining("'messageTypes'")
                .hasMessageContaining("CARGO");

        Files.writeString(dir.resolve("bad-type.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                revocation: sometimes
                messageTypes: [AEO_STATUS]
                """);
        assertThatThrownBy(() -> PartnerRegistry.load(dir)).hasMessageContaining("'revocation'");
    }

    @Test
    void refuses_two_partners_sharing_a_trust_anchor() throws IOException {
        for (String id : new String[] {"CN-GACC", "CN-OTHER"}) {
            Files.writeString(dir.resolve(id + ".yaml"), """
                    id: %s
                    name: x
                    country: CN
                    trustAnchors: [certs/ca.pem]
                    messageTypes: [AEO_STATUS]
                    """.formatted(id));
        }

        assertThatThrownBy(() -> PartnerRegistry.load(dir)).hasMessageContaining("share the trust anchor");
    }

    @Test
    void refuses_a_partner_whose_trust_anchor_another_partner_issued() throws IOException {
        TestPki.Credential root = TestPki.certificateAuthority("CN=Bridge Root,C=CN");
        TestPki.writePem(dir.resolve("certs/ca.pem"), root.certificate());
        TestPki.writePem(
                dir.resolve("certs/nested.pem"),
                TestPki.signer(root, "CN=Nested Customs CA,C=SG").certificate());
        partnerFile("CN-GACC", "certs/ca.pem");
        partnerFile("SG-CUSTOMS", "certs/nested.pem");

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .hasMessageContaining("SG-CUSTOMS")
                .hasMessageContaining("CN-GACC")
                .hasMessageContaining("is issued by the trust anchor");
    }

    @Test
    void a_trust_anchor_that_only_names_another_partners_anchor_as_issuer_is_not_refused() throws IOException {
        // Same issuer name, another key: no certificate under it chains to the first partner.
        TestPki.writePem(
                dir.resolve("certs/ca.pem"),
                TestPki.certificateAuthority("CN=Bridge Root,C=CN").certificate());
        TestPki.Credential namesake = TestPki.certificateAuthority("CN=Bridge Root,C=CN");
        TestPki.writePem(
                dir.resolve("certs/nested.pem"),
                TestPki.signer(namesake, "CN=Nested Customs CA,C=SG").certificate());
        partnerFile("CN-GACC", "certs/ca.pem");
        partnerFile("SG-CUSTOMS", "certs/nested.pem");

        assertThat(PartnerRegistry.load(dir).byId("SG-CUSTOMS")).isPresent();
    }

    private void partnerFile(String id, String anchor) throws IOException {
        Files.writeString(dir.resolve(id + ".yaml"), """
                id: %s
                name: x
                country: CN
                trustAnchors: [%s]
                messageTypes: [AEO_STATUS]
                """.formatted(id, anchor));
    }

    @Test
    void the_shipped_demo_partners_load() {
        PartnerRegistry registry = PartnerRegistry.load(Path.of("config/partners"));

        assertThat(registry.byId("CN-GACC")).isPresent();
        assertThat(registry.byId("SG-CUSTOMS")).isPresent();
    }

    @Test
    void reads_an_optional_expected_interval_as_a_duration() throws IOException {
        Files.writeString(dir.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                expectedInterval: PT1H
                """);
        Files.writeString(dir.resolve("SG-CUSTOMS.yaml"), """
                id: SG-CUSTOMS
                name: y
                country: SG
                trustAnchors: [certs/sg-ca.pem]
                messageTypes: [AEO_STATUS]
                expectedInterval: P2D
                """);
        TestPki.writePem(
                dir.resolve("certs/sg-ca.pem"),
                TestPki.certificateAuthority("CN=SG Test CA,C=SG").certificate());

        PartnerRegistry registry = PartnerRegistry.load(dir);

        assertThat(registry.byId("CN-GACC").orElseThrow().expectedInterval()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(registry.byId("SG-CUSTOMS").orElseThrow().expectedInterval())
                .isEqualTo(java.time.Duration.ofDays(2));
    }

    @Test
    void a_partner_without_expected_interval_is_never_silent() throws IOException {
        Files.writeString(dir.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                """);

        assertThat(PartnerRegistry.load(dir).byId("CN-GACC").orElseThrow().expectedInterval())
                .isNull();
    }

    @Test
    void refuses_an_expected_interval_that_is_no_duration_naming_file_and_field() throws IOException {
        Files.writeString(dir.resolve("bad-interval.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                expectedInterval: hourly
                """);

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("bad-interval.yaml")
                .hasMessageContaining("'expectedInterval'")
                .hasMessageContaining("hourly");
    }

    @Test
    void refuses_a_zero_expected_interval() throws IOException {
        Files.writeString(dir.resolve("zero-interval.yaml"), """
                id: CN-GACC
                name: x
                country: CN
                trustAnchors: [certs/ca.pem]
                messageTypes: [AEO_STATUS]
                expectedInterval: PT0S
                """);

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .hasMessageContaining("zero-interval.yaml")
                .hasMessageContaining("'expectedInterval'");
    }
}
