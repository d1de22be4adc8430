package org.cbec.gateway.partner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbec.gateway.agreement.Agreement;
import org.cbec.gateway.agreement.FieldPaths;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A partner file's {@code agreement} section (CONTRACT.md §9): each defect has its fixture and names the field at fault. */
class AgreementSectionTest {
    @TempDir
    Path dir;

    @BeforeEach
    void ca() {
        TestPki.writePem(
                dir.resolve("certs/ca.pem"),
                TestPki.certificateAuthority("CN=Test CA,C=CN").certificate());
    }

    @ParameterizedTest
    @CsvSource({
        "agreement-field-not-in-canonical-model, agreement.inbound.ECOM_SHIPMENT, 'waybillNo' is not a field of the canonical ECOM_SHIPMENT record",
        "agreement-unknown-record-type, agreement.outbound.AEO_LIST, is not a record type",
        "agreement-without-reference, agreement.reference, is required",
        "agreement-inbound-misses-a-message-type, agreement.inbound, ECOM_SHIPMENT is missing",
        "agreement-fields-not-a-list, agreement.inbound.AEO_STATUS, must be a list of field paths"
    })
    void refuses_a_partner_file_whose_agreement_is_wrong(String fixture, String field, String problem)
            throws IOException {
        Path file = dir.resolve("CN-GACC.yaml");
        try (InputStream in = getClass().getResourceAsStream("/partners/agreement/" + fixture + ".yaml")) {
            Files.write(file, in.readAllBytes());
        }

        assertThatThrownBy(() -> PartnerRegistry.load(dir))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.error()).isEqualTo(GatewayError.CONFIGURATION_INVALID))
                .hasMessageContaining("field '" + field + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void the_shipped_demo_partners_carry_an_agreement_that_withholds_the_buyers_identity() {
        Agreement agreement = PartnerRegistry.load(Path.of("config/partners"))
                .byId("CN-GACC")
                .orElseThrow()
                .agreement();

        assertThat(agreement.reference()).contains("DEMO");
        assertThat(agreement.inboundFields(RecordType.AEO_STATUS).all()).isTrue();
        assertThat(agreement.outboundFields(RecordType.AEO_STATUS)).isPresent();
        assertThat(agreement.outboundFields(RecordType.ECOM_SHIPMENT)).isEmpty();
        ObjectNode buyer = new ObjectMapper().createObjectNode();
        buyer.putObject("buyer")
                .put("name", "Anna Schmidt")
                .putObject("address")
                .put("country", "DE")
                .put("line", "Hauptstr. 5");
        FieldPaths.Filtered filtered =
                agreement.inboundFields(RecordType.ECOM_SHIPMENT).filter(buyer);
        assertThat(filtered.withheld()).containsExactly("buyer.name", "buyer.address.line");
        assertThat(filtered.record().toString()).isEqualTo("{\"buyer\":{\"address\":{\"country\":\"DE\"}}}");
    }
}
