package org.cbec.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Typed access to the fields of a partner JSON document that records every problem as a
 * {@link LocatedError} at its JSON pointer ({@code /operators/2/status}) and goes on, so that one pass
 * reports every error. One instance per translation; not shared.
 */
final class JsonFields {

    private final List<LocatedError> errors = new ArrayList<>();

    List<LocatedError> errors() {
        return errors;
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    int errorCount() {
        return errors.size();
    }

    void error(String pointer, String message) {
        errors.add(new LocatedError(pointer.isEmpty() ? "document" : pointer, message));
    }

    /**
     * The root object of a JSON business document whose {@code documentType} is one of {@code documentTypes}; empty,
     * with its errors here, when the bytes are no JSON object or the document is another one (whose fields mean
     * nothing here).
     */
    Optional<JsonNode> document(byte[] document, String... documentTypes) {
        Optional<JsonNode> parsed = JsonInput.readObject(document, errors);
        if (parsed.isEmpty()) {
            return parsed;
        }
        String documentType = requiredText(parsed.get(), "", "documentType");
        if (documentType != null && !List.of(documentTypes).contains(documentType)) {
            error("/documentType", "must be " + String.join(" or ", documentTypes));
        }
        return hasErrors() ? Optional.empty() : parsed;
    }

    /** RFC 6901: {@code ~} and {@code /} in a name are escaped. */
    static String pointer(String parent, String name) {
        return parent + "/" + name.replace("~", "~0").replace("/", "~1");
    }

    static String pointer(String parent, int index) {
        return parent + "/" + index;
    }

    /** The field's JSON value, or null when it is absent or JSON null. */
    private static JsonNode value(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** The field's JSON value; null, with an error, when it is absent or JSON null. */
    private JsonNode requiredValue(JsonNode object, String parent, String name) {
        JsonNode value = value(object, name);
        if (value == null) {
            error(pointer(parent, name), Rules.REQUIRED);
        }
        return value;
    }

    /** A string that must be present and not empty; null (with an error) otherwise. */
    String requiredText(JsonNode object, String parent, String name) {
        String text = optionalText(object, parent, name);
        if (text == null && isTextOrAbsent(object, name)) {
            error(pointer(parent, name), Rules.REQUIRED);
        }
        return text;
    }

    /** A string, or null when absent, JSON null or empty (as an empty CSV cell is). */
    String optionalText(JsonNode object, String parent, String name) {
        return optionalText(object, parent, name, "must be a string");
    }

    private String optionalText(JsonNode object, String parent, String name, String notText) {
        JsonNode value = value(object, name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            error(pointer(parent, name), notText);
            return null;
        }
        if (value.textValue().indexOf('\0') >= 0) {
            error(pointer(parent, name), NulCharacters.MESSAGE);
            return null;
        }
        return value.textValue().isEmpty() ? null : value.textValue();
    }

    private static boolean isTextOrAbsent(JsonNode object, String name) {
        JsonNode value = value(object, name);
        return value == null || value.isTextual();
    }

    /** A required string turned into a value by {@code parse}; {@code rule} is the message when that fails. */
    <T> T required(JsonNode object, String parent, String name, Function<String, Optional<T>> parse, String rule) {
        if (value(object, name) == null || isEmptyText(object, name)) {
            error(pointer(parent, name), Rules.REQUIRED);
            return null;
        }
        return optional(object, parent, name, parse, rule);
    }

    /** As {@link #required}, but absent, null or empty is allowed and gives null. */
    <T> T optional(JsonNode object, String parent, String name, Function<String, Optional<T>> parse, String rule) {
        // a value of the wrong JSON type breaks the same rule as a badly written string
        String text = optionalText(object, parent, name, rule);
        return text == null ? null : Rules.parsedOrRefused(text, parse, () -> error(pointer(parent, name), rule));
    }

    private static boolean isEmptyText(JsonNode object, String name) {
        JsonNode value = value(object, name);
        return value != null && value.isTextual() && value.textValue().isEmpty();
    }

    /** A required string that must satisfy a rule, e.g. an ISO country code. */
    String requiredChecked(JsonNode object, String parent, String name, Predicate<String> rule, String message) {
        return required(object, parent, name, Rules.matching(rule), message);
    }

    /** An optional string that must satisfy a rule when present. */
    String optionalChecked(JsonNode object, String parent, String name, Predicate<String> rule, String message) {
        return optional(object, parent, name, Rules.matching(rule), message);
    }

    /** A JSON object that must be present; null (with an error) otherwise. */
    JsonNode requiredObject(JsonNode object, String parent, String name) {
        return requiredOfKind(object, parent, name, JsonNode::isObject, "must be a JSON object");
    }

    /** A JSON object, or null when absent or JSON null. */
    JsonNode optionalObject(JsonNode object, String parent, String name) {
        JsonNode value = value(object, name);
        if (value != null && !value.isObject()) {
            error(pointer(parent, name), "must be a JSON object");
            return null;
        }
        return value;
    }

    /** A JSON array with at least one element; null (with an error) otherwise. */
    JsonNode requiredNonEmptyArray(JsonNode object, String parent, String name, String whatItHolds) {
        JsonNode value = requiredOfKind(object, parent, name, JsonNode::isArray, "must be a JSON array");
        if (value != null && value.isEmpty()) {
            error(pointer(parent, name), "must hold at least one " + whatItHolds);
            return null;
        }
        return value;
    }

    /** The object and array rules share this: absent is null with requiredValue's error, another kind null with its own. */
    private JsonNode requiredOfKind(
            JsonNode object, String parent, String name, Predicate<JsonNode> kind, String wrongKind) {
        JsonNode value = requiredValue(object, parent, name);
        if (value != null && !kind.test(value)) {
            error(pointer(parent, name), wrongKind);
            return null;
        }
        return value;
    }

    /**
     * A required decimal amount, given as a JSON number or a plain numeric string, exact as sent;
     * null (with an error) when absent, not a decimal, out of range or negative.
     */
    BigDecimal requiredAmount(JsonNode object, String parent, String name) {
        return requiredValue(object, parent, name) == null ? null : optionalAmount(object, parent, name);
    }

    /** As {@link #requiredAmount}, but absent or JSON null is allowed and gives null. */
    BigDecimal optionalAmount(JsonNode object, String parent, String name) {
        JsonNode value = value(object, name);
        if (value == null) {
            return null;
        }
        String where = pointer(parent, name);
        BigDecimal amount;
        if (value.isNumber()) {
            amount = value.decimalValue();
        } else if (value.isTextual()) {
            amount = Rules.decimalText(value.textValue()).orElse(null);
        } else {
            amount = null;
        }
        if (amount == null) {
            error(where, Rules.DECIMAL);
            return null;
        }
        return withinRange(amount, where, 0, "must not be negative");
    }

    /** A number within the decimal range and of at least {@code minSignum}'s sign; else null with an error. */
    private BigDecimal withinRange(BigDecimal number, String where, int minSignum, String signRule) {
        if (!Rules.inDecimalRange(number)) {
            error(where, Rules.DECIMAL_RANGE);
            return null;
        }
        if (number.signum() < minSignum) {
            error(where, signRule);
            return null;
        }
        return number;
    }

    /** A required JSON number greater than zero, exact as sent. */
    BigDecimal requiredPositiveNumber(JsonNode object, String parent, String name) {
        JsonNode value = requiredValue(object, parent, name);
        String where = pointer(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            error(where, "must be a JSON number");
            return null;
        }
        return withinRange(value.decimalValue(), where, 1, "must be greater than zero");
    }

    /** A required JSON integer of at least 1; null (with an error) otherwise. */
    Integer requiredPositiveInt(JsonNode object, String parent, String name) {
        JsonNode value = requiredValue(object, parent, name);
        String where = pointer(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            error(where, "must be a whole number of at least 1");
            return null;
        }
        return value.intValue();
    }
}
