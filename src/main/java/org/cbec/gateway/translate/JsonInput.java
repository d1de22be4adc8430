package org.cbec.gateway.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Reads partner JSON defensively: strict UTF-8, bounded nesting, number and string sizes, no duplicate
 * keys, nothing after the value, and numbers kept exact (BigDecimal, scale as sent). Built once; the
 * reader is immutable and shared by every translation.
 */
final class JsonInput {

    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_NUMBER_LENGTH = 100;
    static final int MAX_STRING_LENGTH = 1_000_000;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .build();

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(LIMITS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    // scanning for one field tolerates duplicate keys, so that the translator, not recognition, reports them
    private static final JsonFactory SCAN_FACTORY =
            JsonFactory.builder().streamReadConstraints(LIMITS).build();

    private static final ObjectReader TREE_READER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build()
            .readerFor(JsonNode.class);

    private JsonInput() {}

    /**
     * The document as a tree, or empty with the reasons added to {@code errors}: every malformed UTF-8
     * sequence, else the first syntax or limit violation (a parser cannot go on after one).
     */
    /** Parses a document that must be one JSON object: anything else is an error at "document". */
    static Optional<JsonNode> readObject(byte[] document, List<LocatedError> errors) {
        Optional<JsonNode> parsed = readTree(document, errors);
        if (parsed.isPresent() && !parsed.get().isObject()) {
            errors.add(new LocatedError("document", "must be a JSON object"));
            return Optional.empty();
        }
        return parsed;
    }

    static Optional<JsonNode> readTree(byte[] document, List<LocatedError> errors) {
        int start = Utf8.bomLength(document);
        List<LocatedError> encoding = Utf8.malformedSequences(document, start);
        if (!encoding.isEmpty()) {
            errors.addAll(encoding);
            return Optional.empty();
        }
        // Jackson guesses UTF-16/32 from zero bytes among the first four; valid UTF-8 JSON has none there
        for (int i = start; i < Math.min(document.length, start + 4); i++) {
            if (document[i] == 0) {
                errors.add(new LocatedError("byte " + i, "NUL byte: a JSON document must be UTF-8 text"));
                return Optional.empty();
            }
        }
        try (JsonParser parser = FACTORY.createParser(document, start, document.length - start)) {
            try {
                JsonNode root = TREE_READER.readTree(parser);
                if (root == null || root.isMissingNode()) {
                    errors.add(new LocatedError("document", "is empty"));
                    return Optional.empty();
                }
                return Optional.of(root);
            } catch (StreamConstraintsException e) {
                errors.add(located(e, parser, limitMessage(e)));
            } catch (DatabindException e) {
                // reading a tree binds nothing, so the one databind failure left is FAIL_ON_TRAILING_TOKENS
                errors.add(located(e, parser, "unexpected content after the end of the JSON value"));
            } catch (JsonProcessingException e) {
                errors.add(located(e, parser, "invalid JSON: " + e.getOriginalMessage()));
            } catch (NumberFormatException e) {
                // Short enough for the number-length limit, yet no decimal: an exponent beyond what BigDecimal holds
                // (1e99999990001, 1e-99999990001). Jackson lets this one through unwrapped.
                errors.add(located(
                        parser.currentLocation(),
                        "a number out of range (its exponent is beyond what a decimal can hold)"));
            }
            return Optional.empty();
        } catch (IOException e) {
            // reading or closing a byte array cannot fail; kept apart so that it is not mistaken for bad input
            throw new IllegalStateException("reading JSON from memory failed", e);
        }
    }

    /**
     * The string value of a top-level field, read by streaming only as far as that field; empty when the
     * document is not a JSON object, has no such string field, or breaks off before it.
     */
    static Optional<String> topLevelString(byte[] document, String field) {
        return topLevelString(document, 0, document.length, field);
    }

    /** The same for the document in {@code document[from, end)}. */
    static Optional<String> topLevelString(byte[] document, int from, int end, String field) {
        int start = from + Utf8.bomLength(document, from, end);
        try (JsonParser parser = SCAN_FACTORY.createParser(document, start, end - start)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = field.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (wanted) {
                    return value == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            // not readable as JSON up to the field: the caller treats that as "not this format"
            return Optional.empty();
        }
    }

    private static String limitMessage(StreamConstraintsException e) {
        // drop the pointer to Jackson's settings: "... allowed (64, from `StreamReadConstraints...`)"
        return e.getOriginalMessage().replaceAll(", from `[^`]*`\\)", ")");
    }

    /** Where the parser stopped; limit violations carry no location of their own. */
    private static LocatedError located(JsonProcessingException e, JsonParser parser, String message) {
        return located(e.getLocation() != null ? e.getLocation() : parser.currentLocation(), message);
    }

    private static LocatedError located(JsonLocation where, String message) {
        String location = where == null || where.getLineNr() < 1
                ? "document"
                : "line " + where.getLineNr() + ", column " + where.getColumnNr();
        return new LocatedError(location, message);
    }
}
