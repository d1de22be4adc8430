package org.cbec.gateway.translate;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * The registry of translators: recognises a document's format and translates it with the translator for
 * that format. Translators are stateless and built once, so one registry serves every message and thread.
 * A registry built from fewer translators recognises formats it cannot translate ({@link #supports}).
 */
public final class Translators {

    private static final Translators STANDARD = new Translators(List.of(
            new AeoStatusCsvTranslator(),
            new AeoStatusJsonTranslator(),
            new AeoStatusXmlTranslator(),
            new EcomShipmentJsonTranslator(),
            new EdifactCuscarTranslator(),
            new WcoDeclarationXmlTranslator()));

    private final Map<DocumentFormat, Translator> byFormat;

    /** A registry of the given translators, at most one per format. */
    public Translators(List<? extends Translator> translators) {
        Map<DocumentFormat, Translator> map = new EnumMap<>(DocumentFormat.class);
        for (Translator translator : translators) {
            if (map.putIfAbsent(translator.format(), translator) != null) {
                throw new IllegalArgumentException(
                        "two translators for " + translator.format().id());
            }
        }
        this.byFormat = Collections.unmodifiableMap(map);
    }

    /** Every translator the gateway has. */
    public static Translators standard() {
        return STANDARD;
    }

    /** The document's format from its content alone; empty when it is no format the gateway knows. */
    public Optional<DocumentFormat> recognise(byte[] document) {
        return recognise(ReceivedBody.of(Objects.requireNonNull(document, "document")));
    }

    /** The same for a document read in place. */
    public Optional<DocumentFormat> recognise(ReceivedBody document) {
        try {
            return document.read((array, offset, length) -> FormatRecognizer.recognise(array, offset, offset + length));
        } catch (StackOverflowError e) {
            throw new GatewayException(GatewayError.SCHEMA_INVALID, "the document is nested too deeply to be read", e);
        }
    }

    /** Whether documents of this format can be translated (recognised formats may have no translator yet). */
    public boolean supports(DocumentFormat format) {
        return byFormat.containsKey(format);
    }

    /** The translator for a format, if there is one. */
    public Optional<Translator> translator(DocumentFormat format) {
        return Optional.ofNullable(byFormat.get(format));
    }

    /**
     * Translates a document of a known format. Bad content never throws: it gives
     * {@link Translation.Invalid} with every located error.
     *
     * @throws GatewayException {@link GatewayError#UNSUPPORTED_FORMAT} when the format has no translator
     *     (check {@link #supports} first)
     */
    public Translation translate(DocumentFormat format, byte[] document, TranslationContext context) {
        return translate(format, ReceivedBody.of(Objects.requireNonNull(document, "document")), context);
    }

    /** The same for a document read in place. */
    public Translation translate(DocumentFormat format, ReceivedBody document, TranslationContext context) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(context, "context");
        Translator translator = byFormat.get(Objects.requireNonNull(format, "format"));
        if (translator == null) {
            throw new GatewayException(
                    GatewayError.UNSUPPORTED_FORMAT, "no translator for business document format " + format.id());
        }
        List<LocatedError> nul = NulCharacters.in(document);
        if (!nul.isEmpty()) {
            return new Translation.Invalid(format, nul);
        }
        try {
            return translator.translate(document, context);
        } catch (StackOverflowError e) {
            // a reader that recursed past the shared depth limits: the document is refused, and archived, like any
            // other
            return new Translation.Invalid(
                    format, List.of(new LocatedError("document", "nested too deeply to be read")));
        } catch (OutOfMemoryError e) {
            // this one document's records, dropped as the Error unwound; the gateway goes on with the next message
            return new Translation.Invalid(
                    format,
                    List.of(new LocatedError("document", "needs more memory to translate than one message may use")));
        }
    }
}
