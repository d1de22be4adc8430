package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub.Received;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipment formats through the whole gateway: a WCO declaration and an EDIFACT CUSCAR with three house
 * consignments, signed as CMS, reach the national system as exactly the records their golden files hold
 * (but for the message id the gateway gave them); an EDIFACT syntax error is refused naming its segment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FormatsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root).start();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void a_cuscar_with_three_house_consignments_becomes_three_records_as_its_golden_file_says() throws IOException {
        assertForwardedAsGolden(
                "translate/edifact-cuscar/valid/three-house-consignments.edi",
                "translate/edifact-cuscar/valid/three-house-consignments.expected.json",
                "edifact-cuscar");
    }

    @Test
    void a_wco_declaration_becomes_the_record_its_golden_file_says() throws IOException {
        assertForwardedAsGolden(
                "translate/wco-dec-xml/valid/three-goods-items-non-ascii.xml",
                "translate/wco-dec-xml/valid/three-goods-items-non-ascii.expected.json",
                "wco-dec-xml");
    }

    @Test
    void an_edifact_syntax_error_is_schema_invalid_naming_the_segment() throws IOException {
        HttpResponse<String> response = gateway.postCms(TestPki.signCms(
                resource("translate/edifact-cuscar/invalid/unterminated-segment.edi"), gateway.cnSigner));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        JsonNode problem = GatewayUnderTest.json(response);
        assertThat(problem.path("code").asText()).isEqualTo("SCHEMA_INVALID");
        assertThat(problem.path("errors").toString()).containsPattern("segment \\d+ \\(");
    }

    private void assertForwardedAsGolden(String document, String golden, String format) throws IOException {
        HttpResponse<String> response = gateway.postCms(TestPki.signCms(resource(document), gateway.cnSigner));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode receipt = GatewayUnderTest.json(response);
        assertThat(receipt.path("documentFormat").asText()).isEqualTo(format);
        JsonNode expected = JSON.readTree(resource(golden));
        await().atMost(Duration.ofSeconds(30)).until(() -> received(expected).size() == expected.size());
        for (JsonNode record : expected) {
            Received landed = gateway.national().received().stream()
                    .filter(r -> r.record()
                            .path("recordId")
                            .asText()
                            .equals(record.path("recordId").asText()))
                    .findFirst()
                    .orElseThrow();
            JsonNode actual = landed.record().deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) actual)
                    .remove(java.util.List.of("sourceMessageId", "mutualRecognition"));
            com.fasterxml.jackson.databind.node.ObjectNode want = record.deepCopy();
            want.remove(java.util.List.of("sourceMessageId", "mutualRecognition"));
            assertThat(actual).isEqualTo(want);
            assertThat(landed.record().path("sourceMessageId").asText())
                    .isEqualTo(receipt.path("messageId").asText());
            assertThat(landed.record()
                            .path("mutualRecognition")
                            .path("sellerAeoStatus")
                            .asText())
                    .isNotEmpty();
        }
    }

    private java.util.List<Received> received(JsonNode expected) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        expected.forEach(r -> ids.add(r.path("recordId").asText()));
        return gateway.national().received().stream()
                .filter(r -> ids.contains(r.record().path("recordId").asText()))
                .toList();
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = FormatsEndToEndTest.class.getResourceAsStream("/" + path)) {
            return in.readAllBytes();
        }
    }
}
