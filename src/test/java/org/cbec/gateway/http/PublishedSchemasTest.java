package org.cbec.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.cbec.gateway.http.api.PublishedSchemas;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.translate.JsonSchemas;
import org.cbec.gateway.translate.LocatedError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

/**
 * The published schemas of {@code schemas/}: every file is served at {@code /api/v1/schemas/} exactly as in the
 * repository; every sample under {@code samples/} and every valid translator fixture validates against its schema
 * (with validators of their own: networknt for JSON Schema, the JDK's for XSD); the records the translators make
 * (their golden files) validate against the canonical record schemas; a broken document is located by JSON pointer.
 */
class PublishedSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMAS = Path.of("schemas");
    private static final Path FIXTURES = Path.of("src/test/resources/translate");

    @TempDir
    static Path root;

    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = new GatewayUnderTest(root).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void every_schema_file_is_listed_and_served_as_it_is_in_the_repository() throws IOException {
        List<String> files;
        try (Stream<Path> walk = Files.walk(SCHEMAS)) {
            files = walk.filter(Files::isRegularFile)
                    .map(f -> SCHEMAS.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
        JsonNode list = gateway.getJson("/api/v1/schemas");
        List<String> listed = new ArrayList<>();
        list.path("schemas").forEach(s -> listed.add(s.path("name").asText()));

        assertThat(files).hasSizeGreaterThanOrEqualTo(6);
        assertThat(PublishedSchemas.FILES.keySet())
                .as("PublishedSchemas.FILES lists every file of schemas/")
                .containsExactlyInAnyOrderElementsOf(files);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(files);
        for (String file : files) {
            HttpResponse<String> served = gateway.getAs("/api/v1/schemas/" + file, null, null);
            assertThat(served.statusCode()).as(file).isEqualTo(200);
            assertThat(served.body())
                    .as(file)
                    .isEqualTo(Files.readString(SCHEMAS.resolve(file), StandardCharsets.UTF_8));
        }
        HttpResponse<String> unknown = gateway.getAs("/api/v1/schemas/json/nothing.schema.json", null, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("NOT_FOUND");
    }

    @Test
    void every_sample_validates_against_its_schema() throws Exception {
        assertValidJson(Path.of("samples/aeo-status.json"), "json/aeo-status-list.schema.json");
        assertValidJson(Path.of("samples/ecom-shipment.json"), "json/ecom-shipment.schema.json");
        assertValidXml(Path.of("samples/aeo-status.xml"), "xml/aeo-status-1.xsd");
        assertValidXml(Path.of("samples/wco-declaration.xml"), "xml/wco-dec-ecommerce.xsd");
        try (Stream<Path> samples = Files.list(Path.of("samples"))) {
            assertThat(samples.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".json") || n.endsWith(".xml")))
                    .as("a new JSON or XML sample gets its line above")
                    .containsExactlyInAnyOrder(
                            "aeo-status.json", "ecom-shipment.json", "aeo-status.xml", "wco-declaration.xml");
        }
    }

    @Test
    void every_valid_fixture_validates_and_its_records_fit_the_canonical_schemas() throws Exception {
        int documents = 0;
        documents += forEachValid(
                "aeo-status-json", ".json", doc -> assertValidJson(doc, "json/aeo-status-list.schema.json"));
        documents += forEachValid(
                "ecom-shipment-json", ".json", doc -> assertValidJson(doc, "json/ecom-shipment.schema.json"));
        documents += forEachValid("aeo-status-xml", ".xml", doc -> assertValidXml(doc, "xml/aeo-status-1.xsd"));
        documents += forEachValid("wco-dec-xml", ".xml", doc -> assertValidXml(doc, "xml/wco-dec-ecommerce.xsd"));
        int records = 0;
        try (Stream<Path> expected = Files.walk(FIXTURES)) {
            for (Path file : expected.filter(f -> f.getFileName().toString().endsWith(".expected.json"))
                    .toList()) {
                for (JsonNode record : JSON.readTree(file.toFile())) {
                    String schema =
                            "AEO_STATUS".equals(record.path("recordType").asText())
                                    ? "canonical/aeo-status-record.schema.json"
                                    : "canonical/ecom-shipment-record.schema.json";
                    assertThat(schema(schema).validate(record))
                            .as(file + " against " + schema)
                            .isEmpty();
                    records++;
                }
            }
        }
        assertThat(documents).isGreaterThanOrEqualTo(10);
        assertThat(records).isGreaterThanOrEqualTo(20);
    }

    @Test
    void the_wco_schema_checks_the_values_read_wherever_they_stand() throws Exception {
        String sample = Files.readString(Path.of("samples/wco-declaration.xml"));

        assertThat(xmlErrors(
                        sample.replace(
                                "<ItemChargeAmount currencyID=\"EUR\">59.80<",
                                "<ItemChargeAmount currencyID=\"EUR\">59,80<"),
                        "xml/wco-dec-ecommerce.xsd"))
                .isNotEmpty();
        assertThat(xmlErrors(
                        sample.replace("<CountryCode>DE</CountryCode>", "<CountryCode>Germany</CountryCode>"),
                        "xml/wco-dec-ecommerce.xsd"))
                .isNotEmpty();
        assertThat(xmlErrors(
                        sample.replace(
                                "<UCR>",
                                "<AdditionalInformation><StatementCode>AAA</StatementCode></AdditionalInformation><UCR>"),
                        "xml/wco-dec-ecommerce.xsd"))
                .as("other WCO content is skipped")
                .isEmpty();
    }

    @Test
    void the_gateways_schema_check_locates_each_error_by_json_pointer() throws IOException {
        JsonNode broken = JSON.readTree(Files.readString(Path.of("samples/ecom-shipment.json"))
                .replace("\"851830\"", "851830")
                .replace("\"exportCountry\":\"CN\"", "\"exportCountry\":\"china\""));

        List<LocatedError> errors = JsonSchemas.ECOM_SHIPMENT.validate(broken);

        assertThat(errors).extracting(LocatedError::location).contains("/goods/0/hsCode");
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).contains("(schema "));
    }

    @Test
    void a_broken_document_gets_the_located_errors_of_its_rules_as_before() throws IOException {
        String broken = Files.readString(Path.of("samples/ecom-shipment.json"))
                .replace("\"851830\"", "851830")
                .replace("\"exportCountry\":\"CN\"", "\"exportCountry\":\"XX\"");

        JsonNode problem = gateway.refusedAndArchived(
                gateway.postCms(org.cbec.gateway.testing.TestPki.signCms(
                        broken.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");

        // the translator's words, not the schema validator's: the schema only sees what the rules accept
        assertThat(problem.path("errors").toString())
                .isEqualTo(
                        "[{\"location\":\"/goods/0/hsCode\",\"message\":\"must be a string of 6 to 10 digits\"},"
                                + "{\"location\":\"/exportCountry\",\"message\":\"must be an ISO 3166-1 alpha-2 country code\"}]");
    }

    private interface Check {
        void on(Path document) throws Exception;
    }

    private static int forEachValid(String format, String extension, Check check) throws Exception {
        List<Path> documents;
        try (Stream<Path> files = Files.list(FIXTURES.resolve(format).resolve("valid"))) {
            documents = files.filter(f ->
                            f.toString().endsWith(extension) && !f.toString().endsWith(".expected.json"))
                    .toList();
        }
        for (Path document : documents) {
            check.on(document);
        }
        return documents.size();
    }

    private static JsonSchema schema(String name) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SCHEMAS.resolve(name).toUri());
    }

    private static void assertValidJson(Path document, String schema) throws IOException {
        String text = Files.readString(document, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "");
        assertThat(schema(schema).validate(JSON.readTree(text)))
                .as(document + " against " + schema)
                .isEmpty();
    }

    private static void assertValidXml(Path document, String schema) throws Exception {
        assertThat(xmlErrors(Files.readString(document, StandardCharsets.UTF_8), schema))
                .as(document + " against " + schema)
                .isEmpty();
    }

    private static List<String> xmlErrors(String document, String schema) throws IOException {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            Validator validator =
                    factory.newSchema(SCHEMAS.resolve(schema).toFile()).newValidator();
            validator.validate(new StreamSource(new java.io.StringReader(document)));
            return List.of();
        } catch (SAXException e) {
            return List.of(e.getMessage());
        }
    }
}
