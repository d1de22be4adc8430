package org.cbec.gateway.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.junit.jupiter.api.Test;

/** The registry as the rest of the gateway uses it, and properties that hold across formats. */
class TranslatorsTest {

    private static final Translators TRANSLATORS = Translators.standard();

    private static final List<String> VALID_FIXTURES = List.of(
            "aeo-status-csv/valid/formats-sample.csv",
            "aeo-status-csv/valid/non-ascii-and-quoting.csv",
            "aeo-status-json/valid/formats-sample.json",
            "aeo-status-json/valid/full-list-non-ascii.json",
            "ecom-shipment-json/valid/formats-sample.json",
            "ecom-shipment-json/valid/batch-mixed-amount-forms.json");

    @Test
    void the_standard_registry_is_built_once() {
        assertSame(Translators.standard(), Translators.standard());
    }

    @Test
    void supports_every_format_and_refuses_a_format_without_translator() {
        assertTrue(TRANSLATORS.supports(DocumentFormat.AEO_STATUS_CSV));
        assertTrue(TRANSLATORS.supports(DocumentFormat.AEO_STATUS_JSON));
        assertTrue(TRANSLATORS.supports(DocumentFormat.ECOM_SHIPMENT_JSON));
        assertTrue(TRANSLATORS.supports(DocumentFormat.AEO_STATUS_XML));
        assertTrue(TRANSLATORS.supports(DocumentFormat.WCO_DEC_XML));
        assertTrue(TRANSLATORS.supports(DocumentFormat.EDIFACT_CUSCAR));
        byte[] cuscar = Fixtures.bytes("recognise/cuscar.edi");
        assertEquals(
                DocumentFormat.EDIFACT_CUSCAR, TRANSLATORS.recognise(cuscar).orElseThrow());
        GatewayException refused = assertThrows(
                GatewayException.class,
                () -> new Translators(List.of()).translate(DocumentFormat.EDIFACT_CUSCAR, cuscar, Fixtures.CONTEXT));
        assertEquals(GatewayError.UNSUPPORTED_FORMAT, refused.error());
    }

    @Test
    void refuses_two_translators_for_one_format() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Translators(List.of(new AeoStatusCsvTranslator(), new AeoStatusCsvTranslator())));
    }

    @Test
    void gives_the_same_statement_the_same_id_and_version_from_csv_and_from_json() {
        AeoStatusRecord fromCsv = (AeoStatusRecord) Fixtures.records(
                        Fixtures.translate(DocumentFormat.AEO_STATUS_CSV, "aeo-status-csv/valid/formats-sample.csv"))
                .get(0);
        AeoStatusRecord fromJson = (AeoStatusRecord) Fixtures.records(TRANSLATORS.translate(
                        DocumentFormat.AEO_STATUS_JSON,
                        Fixtures.bytes("aeo-status-json/valid/formats-sample.json"),
                        new TranslationContext(Fixtures.PARTNER, "another-message")))
                .get(0);
        assertEquals("CN-GACC:CN1234567890:2019-05-01T00:00:00Z", fromCsv.recordId());
        assertEquals(fromCsv.recordId(), fromJson.recordId());
        assertEquals(fromCsv.recordVersion(), fromJson.recordVersion());
        assertEquals(fromCsv.idempotencyKey(), fromJson.idempotencyKey());
        assertNotEquals(fromCsv.sourceFormat(), fromJson.sourceFormat());
        assertNotEquals(fromCsv.sourceMessageId(), fromJson.sourceMessageId());
    }

    @Test
    void gives_the_same_statement_the_same_version_when_its_instant_has_another_offset() {
        AeoStatusRecord fromCsv = (AeoStatusRecord) Fixtures.records(Fixtures.translate(
                        DocumentFormat.AEO_STATUS_CSV, "aeo-status-csv/valid/non-ascii-and-quoting.csv"))
                .get(1);
        AeoStatusRecord fromJson = (AeoStatusRecord) Fixtures.records(Fixtures.translate(
                        DocumentFormat.AEO_STATUS_JSON, "aeo-status-json/valid/full-list-non-ascii.json"))
                .get(0);
        assertEquals(fromCsv.idempotencyKey(), fromJson.idempotencyKey());
    }

    @Test
    void gives_another_version_when_the_business_content_changes() {
        String csv = new String(Fixtures.bytes("aeo-status-csv/valid/formats-sample.csv"), StandardCharsets.UTF_8);
        CanonicalRecord original = Fixtures.records(TRANSLATORS.translate(
                        DocumentFormat.AEO_STATUS_CSV, csv.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT))
                .get(0);
        CanonicalRecord renamed = Fixtures.records(TRANSLATORS.translate(
                        DocumentFormat.AEO_STATUS_CSV,
                        csv.replace("Co. Ltd", "Co. Limited").getBytes(StandardCharsets.UTF_8),
                        Fixtures.CONTEXT))
                .get(0);
        assertEquals(original.recordId(), renamed.recordId());
        assertNotEquals(original.recordVersion(), renamed.recordVersion());
    }

    @Test
    void translates_concurrently_with_the_same_results_as_one_at_a_time() throws Exception {
        List<Translation> sequential =
                VALID_FIXTURES.stream().map(TranslatorsTest::translateFixture).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Translation>>> runs = new ArrayList<>();
            for (int run = 0; run < 16; run++) {
                runs.add(pool.submit(() -> VALID_FIXTURES.stream()
                        .map(TranslatorsTest::translateFixture)
                        .toList()));
            }
            for (Future<List<Translation>> run : runs) {
                assertEquals(sequential, run.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Translation translateFixture(String fixture) {
        byte[] document = Fixtures.bytes(fixture);
        return TRANSLATORS.translate(TRANSLATORS.recognise(document).orElseThrow(), document, Fixtures.CONTEXT);
    }

    @Test
    void never_throws_on_truncated_or_corrupted_documents() {
        Random random = new Random(20261128L); // fixed seed: the same corruptions on every run
        for (String fixture : VALID_FIXTURES) {
            byte[] valid = Fixtures.bytes(fixture);
            DocumentFormat format = TRANSLATORS.recognise(valid).orElseThrow();
            for (int length = 0; length < valid.length; length++) {
                translateWithoutThrowing(format, Arrays.copyOf(valid, length));
            }
            for (int round = 0; round < 500; round++) {
                byte[] corrupted = valid.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
                }
                translateWithoutThrowing(format, corrupted);
            }
        }
    }

    private static void translateWithoutThrowing(DocumentFormat format, byte[] document) {
        TRANSLATORS.recognise(document);
        AeoStatusList.listType(format, document);
        Translation translation = TRANSLATORS.translate(format, document, Fixtures.CONTEXT);
        if (translation instanceof Translation.Invalid invalid) {
            assertFalse(invalid.errors().isEmpty(), "an invalid translation names its errors");
        }
    }

    /** A reader that recurses past the depth limits ends in an Error; it is the document's refusal, not a bare 500. */
    @Test
    void a_stack_overflow_while_translating_is_an_invalid_document() {
        Translator recursive = new Translator() {
            @Override
            public DocumentFormat format() {
                return DocumentFormat.AEO_STATUS_CSV;
            }

            @Override
            public Translation translate(byte[] document, TranslationContext context) {
                return descend(document, 0);
            }

            private Translation descend(byte[] document, int depth) {
                return descend(document, depth + 1);
            }
        };

        Translation translation = new Translators(List.of(recursive))
                .translate(
                        DocumentFormat.AEO_STATUS_CSV,
                        "aeo_id\r\n".getBytes(StandardCharsets.US_ASCII),
                        new TranslationContext("CN-GACC", "01TEST"));

        assertTrue(
                translation instanceof Translation.Invalid invalid
                        && invalid.errors().get(0).message().contains("nested too deeply"),
                translation.toString());
    }

    /** U+0000 reaches no translator: PostgreSQL refuses it in text, and it failed only when the record was stored. */
    @Test
    void a_nul_byte_is_an_invalid_document_with_its_line_and_column() {
        byte[] csv = "aeo_id,operator_name\r\nCN1,Shen\u0000zhen\r\n".getBytes(StandardCharsets.UTF_8);

        Translation translation = Translators.standard()
                .translate(DocumentFormat.AEO_STATUS_CSV, csv, new TranslationContext("CN-GACC", "01TEST"));

        assertTrue(
                translation instanceof Translation.Invalid invalid
                        && invalid.errors().get(0).location().equals("line 2, column 9 (byte 30)"),
                translation.toString());
    }
}
