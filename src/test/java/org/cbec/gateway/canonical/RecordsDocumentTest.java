package org.cbec.gateway.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A streamed records document is character for character the document the canonical mapper writes for the
 * same list: the evidence chain hashes what was stored, and dispatch, export and tracking read it back.
 */
class RecordsDocumentTest {

    static Stream<Path> validFixtures() throws IOException {
        return Files.walk(Path.of("src/test/resources/translate"))
                .filter(path -> path.getParent().getFileName().toString().equals("valid"))
                .filter(path -> !path.getFileName().toString().endsWith(".expected.json"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("validFixtures")
    void a_streamed_document_is_what_the_mapper_writes_for_the_same_records(Path fixture) throws Exception {
        List<CanonicalRecord> records = manyRecordsOf(fixture);
        String whole = CanonicalJson.mapper().writeValueAsString(records);

        RecordsDocument document = RecordsDocument.of(records);

        assertThat(document.streamed()).isTrue();
        assertThat(readInPieces(document.reader(), 7)).isEqualTo(whole);
        assertThat(readInPieces(document.reader(), 64 * 1024)).isEqualTo(whole);
        assertThat(document.text()).isEqualTo(whole);
    }

    @ParameterizedTest
    @MethodSource("validFixtures")
    void a_small_document_is_serialised_once_before_it_is_stored(Path fixture) throws Exception {
        List<CanonicalRecord> records = recordsOf(fixture);

        RecordsDocument document = RecordsDocument.of(records);

        assertThat(document.streamed()).isFalse();
        assertThat(document.text()).isEqualTo(CanonicalJson.mapper().writeValueAsString(records));
        assertThat(readInPieces(document.reader(), 5)).isEqualTo(document.text());
    }

    /** The fixture's records, repeated until the document is large enough to be streamed. */
    private static List<CanonicalRecord> manyRecordsOf(Path fixture) {
        List<CanonicalRecord> once = recordsOf(fixture);
        List<CanonicalRecord> many = new ArrayList<>();
        while (many.size() < RecordsDocument.STREAMED_FROM_RECORDS) {
            many.addAll(once);
        }
        return many;
    }

    private static List<CanonicalRecord> recordsOf(Path fixture) {
        try {
            byte[] document = Files.readAllBytes(fixture);
            Translators translators = Translators.standard();
            DocumentFormat format = translators.recognise(document).orElseThrow();
            Translation translation = translators.translate(
                    format, document, new TranslationContext("CN-GACC", "01KB0000000000000000000000"));
            List<CanonicalRecord> records = ((Translation.Records) translation).records();
            assertThat(records).as(fixture.toString()).isNotEmpty();
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readInPieces(Reader reader, int pieceSize) throws IOException {
        StringBuilder read = new StringBuilder();
        char[] piece = new char[pieceSize];
        for (int n; (n = reader.read(piece, 0, pieceSize)) != -1; ) {
            assertThat(n).isPositive();
            read.append(piece, 0, n);
        }
        assertThat(reader.read(piece, 0, pieceSize)).isEqualTo(-1);
        return read.toString();
    }
}
