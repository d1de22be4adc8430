package org.cbec.gateway.canonical;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON for the canonical model: the shared {@link ObjectMapper} that reads and writes canonical records,
 * and RFC 8785 (JSON Canonicalization Scheme) serialisation of a JSON tree, on which
 * {@link RecordVersion} hashes.
 *
 * <p>Numbers: RFC 8785 writes IEEE 754 doubles in ECMAScript shortest form, and so does this for every value a
 * double holds exactly; a decimal that no double holds (more than 17 significant digits, say) is written with all
 * its digits instead of rounded, so that two different values never canonicalise alike. Integer nodes are written
 * in full (JavaScript would round beyond 2^53).
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // 59.80 stays 59.80, and 1E+2 is written 100: decimals keep their scale, never exponent notation
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private CanonicalJson() {}

    /**
     * The mapper for canonical records: thread-safe and shared, so do not reconfigure it; derive a
     * writer ({@code mapper().writerWithDefaultPrettyPrinter()}) or {@code mapper().copy()} instead.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** RFC 8785 canonical form of a value that the {@link #mapper()} can turn into a JSON tree. */
    public static String serialize(Object value) {
        JsonNode tree = value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
        StringBuilder out = new StringBuilder(256);
        write(tree, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not JSON data: " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, StringBuilder out) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        // String.compareTo compares UTF-16 code units, which is the order RFC 8785 prescribes
        fields.sort(Map.Entry.comparingByKey());
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : fields) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(field.getKey(), out);
            out.append(':');
            write(field.getValue(), out);
        }
        out.append('}');
    }

    /** As ECMAScript JSON.stringify writes a string, lone surrogates escaped (well-formed JSON.stringify). */
    static void writeString(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        appendUnicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        appendUnicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void appendUnicodeEscape(char c, StringBuilder out) {
        out.append("\\u")
                .append(HEX_DIGITS[(c >> 12) & 0xF])
                .append(HEX_DIGITS[(c >> 8) & 0xF])
                .append(HEX_DIGITS[(c >> 4) & 0xF])
                .append(HEX_DIGITS[c & 0xF]);
    }

    private static String number(JsonNode node) {
        // integers are exact beyond 2^53 (ECMAScript would round)
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isBigDecimal()) {
            return exactDecimal(node.decimalValue());
        }
        return ecmaScriptNumber(node.doubleValue());
    }

    /**
     * A decimal, never through a double: a value a double holds exactly is written as RFC 8785 writes it (so record
     * versions of ordinary values do not change), any other in all its digits. As a double, a quantity of 20
     * significant digits was written like its rounded neighbour, and a changed value kept its record version.
     */
    static String exactDecimal(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.precision() <= 17) {
            double nearest = stripped.doubleValue();
            if (Double.isFinite(nearest) && new BigDecimal(ecmaScriptNumber(nearest)).compareTo(stripped) == 0) {
                return ecmaScriptNumber(nearest);
            }
        }
        // plain digits where ECMAScript would write them plain, else scientific; either way every digit is kept
        int exponent = stripped.precision() - stripped.scale() - 1;
        return exponent >= -6 && exponent < 21
                ? stripped.toPlainString()
                : stripped.toString().replace("E", "e");
    }

    /** ECMAScript Number::toString(x) (ECMA-262 §6.1.6.1.20) for a finite double. */
    static String ecmaScriptNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("RFC 8785 has no representation for " + value);
        }
        if (value == 0) {
            return "0"; // also for -0, as ECMAScript does
        }
        BigDecimal shortest = shortestRoundTrip(value).stripTrailingZeros();
        String sign = shortest.signum() < 0 ? "-" : "";
        String digits = shortest.unscaledValue().abs().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // value = digits x 10^(n-k)
        StringBuilder out = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int exponent = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        }
        return out.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code value}; of two such, the
     * closer one, and of two equally close, the one with the even last digit (ECMA-262 note 2).
     */
    private static BigDecimal shortestRoundTrip(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean downFits = down.doubleValue() == value;
            boolean upFits = up.doubleValue() == value;
            if (downFits && upFits) {
                int closer = exact.subtract(down).compareTo(up.subtract(exact));
                if (closer != 0) {
                    return closer < 0 ? down : up;
                }
                return down.unscaledValue().testBit(0) ? up : down;
            }
            if (downFits) {
                return down;
            }
            if (upFits) {
                return up;
            }
        }
        // 17 significant digits always round-trip a double
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
}
