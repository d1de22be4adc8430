package org.cbec.gateway.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8785 serialisation, checked against the examples and number table of the RFC itself. */
class CanonicalJsonTest {

    private static JsonNode parse(String json) throws Exception {
        return CanonicalJson.mapper().readTree(json);
    }

    /**
     * The RFC's example, but for its first number: 333333333.33333329 is no double, and RFC 8785 would round it to
     * 333333333.3333333; records are decimals, so it is written as sent (issue 18: a rounded value is a lost change).
     */
    @Test
    void serialises_the_rfc_8785_example_exactly_but_for_a_decimal_no_double_holds() throws Exception {
        JsonNode input = parse("""
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }""");
        assertEquals(
                "{\"literals\":[null,true,false],\"numbers\":[333333333.33333329,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
                CanonicalJson.serialize(input));
    }

    @Test
    void sorts_keys_by_utf16_code_units_as_in_the_rfc_example() throws Exception {
        JsonNode input = parse("""
                {"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh",
                 "1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control",
                 "\\u00f6":"Latin Small Letter O With Diaeresis"}""");
        assertEquals(
                "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                        + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
                        + "\"😀\":\"Emoji: Grinning Face\",\"דּ\":\"Hebrew Letter Dalet With Dagesh\"}",
                CanonicalJson.serialize(input));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0000000000000000, 0",
        "8000000000000000, 0",
        "0000000000000001, 5e-324",
        "8000000000000001, -5e-324",
        "7fefffffffffffff, 1.7976931348623157e+308",
        "ffefffffffffffff, -1.7976931348623157e+308",
        "4340000000000000, 9007199254740992",
        "c340000000000000, -9007199254740992",
        "4430000000000000, 295147905179352830000",
        "44b52d02c7e14af5, 9.999999999999997e+22",
        "44b52d02c7e14af6, 1e+23",
        "44b52d02c7e14af7, 1.0000000000000001e+23",
        "444b1ae4d6e2ef4e, 999999999999999700000",
        "444b1ae4d6e2ef4f, 999999999999999900000",
        "444b1ae4d6e2ef50, 1e+21",
        "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
        "3eb0c6f7a0b5ed8d, 0.000001",
        "41b3de4355555553, 333333333.3333332",
        "41b3de4355555554, 333333333.33333325",
        "41b3de4355555555, 333333333.3333333",
        "41b3de4355555556, 333333333.3333334",
        "41b3de4355555557, 333333333.33333343",
        "becbf647612f3696, -0.0000033333333333333333",
        "43143ff3c1cb0959, 1424953923781206.2"
    })
    void writes_numbers_as_the_rfc_8785_appendix_b_table(String ieee754Bits, String expected) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(ieee754Bits, 16));
        assertEquals(expected, CanonicalJson.ecmaScriptNumber(value));
        assertEquals(expected, CanonicalJson.serialize(JsonNodeFactory.instance.numberNode(value)));
    }

    @Test
    void refuses_numbers_that_json_cannot_hold() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.ecmaScriptNumber(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.ecmaScriptNumber(Double.POSITIVE_INFINITY));
    }

    /** Through a double, 1.0000000000000000001 and ...002 were both "1": one record version for two quantities. */
    @Test
    void long_decimals_are_written_exactly_so_that_neighbours_differ() {
        assertEquals(
                "1.0000000000000000001",
                CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("1.0000000000000000001"))));
        assertEquals(
                "1.0000000000000000002",
                CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("1.00000000000000000020"))));
        assertEquals(
                "1.2345678901234567891e+29",
                CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("1234567890123456789.1E+11"))));
        // a value a double holds is written as RFC 8785 writes it, so versions of ordinary records stay as they were
        assertEquals("59.8", CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("59.80"))));
        assertEquals("1e+21", CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("1E+21"))));
        assertEquals("1e-7", CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("1E-7"))));
        assertEquals(
                "0.00000100000000000000000001",
                CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("0.00000100000000000000000001"))));
    }

    @Test
    void writes_decimals_in_shortest_form_and_integers_plainly() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        assertEquals("59.8", CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("59.80"))));
        assertEquals("2", CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("2.000"))));
        assertEquals("100", CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("1E+2"))));
        assertEquals("-7", CanonicalJson.serialize(nodes.numberNode(-7)));
        // beyond 2^53 an integer is written in full, where ECMAScript would round it (documented limitation)
        assertEquals("9007199254740993", CanonicalJson.serialize(nodes.numberNode(new BigInteger("9007199254740993"))));
    }

    @Test
    void escapes_strings_as_json_stringify_does() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("s", "\u0000\u0001\u001f\b\t\n\f\r\"\\/\u007f\u2028 \ud800x\udc00 😀 Grüße 你好");
        assertEquals(
                "{\"s\":\"\\u0000\\u0001\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u007f\u2028 \\ud800x\\udc00 😀 Grüße 你好\"}",
                CanonicalJson.serialize(node));
    }

    @Test
    void serialises_records_with_their_nulls_and_no_whitespace() {
        Address address = new Address(null, "Berlin", null, "DE");
        assertEquals(
                "{\"city\":\"Berlin\",\"country\":\"DE\",\"line\":null,\"postcode\":null}",
                CanonicalJson.serialize(address));
    }
}
