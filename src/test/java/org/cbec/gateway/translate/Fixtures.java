package org.cbec.gateway.translate;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.cbec.gateway.canonical.CanonicalRecord;

/** Test fixtures under {@code src/test/resources/translate/} and the context they are translated in. */
final class Fixtures {

    static final String PARTNER = "CN-GACC";
    static final String MESSAGE_ID = "01JDTESTMESSAGE00000000000";
    static final TranslationContext CONTEXT = new TranslationContext(PARTNER, MESSAGE_ID);

    private Fixtures() {}

    /** The bytes of {@code translate/<path>} on the test classpath. */
    static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/translate/" + path)) {
            assertNotNull(in, "no fixture translate/" + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Translation translate(DocumentFormat format, String path) {
        return Translators.standard().translate(format, bytes(path), CONTEXT);
    }

    static List<LocatedError> errors(Translation translation) {
        return assertInstanceOf(Translation.Invalid.class, translation, () -> "expected errors, got " + translation)
                .errors();
    }

    static List<CanonicalRecord> records(Translation translation) {
        return assertInstanceOf(Translation.Records.class, translation, () -> "expected records, got " + translation)
                .records();
    }

    static LocatedError error(String location, String message) {
        return new LocatedError(location, message);
    }
}
