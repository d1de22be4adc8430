package org.cbec.gateway.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.cbec.gateway.canonical.CanonicalJson;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every valid fixture {@code translate/<format>/valid/<name>.<ext>} is recognised as its format and
 * translates to exactly the records in {@code <name>.expected.json} (compared as JSON trees).
 * Run with {@code -Dgolden.update=true} to rewrite the expected files from the current output
 * (into {@code src/test/resources}); review the diff before committing it.
 */
class GoldenFileTest {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

    @TestFactory
    Stream<DynamicTest> valid_documents_translate_to_their_expected_records() throws Exception {
        return Stream.of(DocumentFormat.values())
                .flatMap(format -> documents(format)
                        .map(document -> DynamicTest.dynamicTest(
                                format.id() + "/" + document.getFileName(), () -> check(format, document))));
    }

    private static Stream<Path> documents(DocumentFormat format) {
        try {
            Path folder = Path.of(GoldenFileTest.class
                    .getResource("/translate/" + format.id() + "/valid")
                    .toURI());
            List<Path> documents;
            try (Stream<Path> files = Files.list(folder)) {
                documents = files.filter(file -> !file.getFileName().toString().endsWith(".expected.json"))
                        .sorted()
                        .toList();
            }
            assertFalse(documents.isEmpty(), "no valid fixtures for " + format.id());
            return documents.stream();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list fixtures of " + format.id(), e);
        }
    }

    private static void check(DocumentFormat format, Path document) throws IOException {
        byte[] content = Files.readAllBytes(document);
        assertEquals(Optional.of(format), Translators.standard().recognise(content), "recognised format");

        // through the bytes the gateway would forward, so that a number compares by its JSON text
        JsonNode actual = MAPPER.readTree(MAPPER.writeValueAsBytes(
                Fixtures.records(Translators.standard().translate(format, content, Fixtures.CONTEXT))));

        String name = document.getFileName().toString();
        String expectedName = name.substring(0, name.lastIndexOf('.')) + ".expected.json";
        Path expectedFile = document.resolveSibling(expectedName);
        if (UPDATE) {
            expectedFile = Path.of("src/test/resources/translate", format.id(), "valid", expectedName);
            Files.writeString(expectedFile, MAPPER.writer(PRETTY).writeValueAsString(actual) + "\n");
        }
        JsonNode expected = MAPPER.readTree(Files.readAllBytes(expectedFile));
        assertEquals(expected, actual, () -> "records of " + name + " differ from " + expectedName);
    }
}
