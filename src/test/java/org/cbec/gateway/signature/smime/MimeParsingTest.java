package org.cbec.gateway.signature.smime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.junit.jupiter.api.Test;

/** The S/MIME container's MIME layer on real bytes: Content-Type values, body parts, transfer encodings, multipart/signed. */
class MimeParsingTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String malformed(Runnable parse) {
        GatewayException refused = assertThrows(GatewayException.class, parse::run);
        assertEquals(GatewayError.MALFORMED_MESSAGE, refused.error());
        return refused.detail();
    }

    // --- Content-Type values

    @Test
    void media_type_keeps_parameter_values_and_lowers_names() {
        MediaType type = MediaType.parse(
                " Multipart/Signed; Protocol=\"application/pkcs7-signature\"; micalg=SHA-256;"
                        + " boundary=\"----=_Part \\\"7\\\"\";",
                "the request's Content-Type");

        assertEquals("multipart/signed", type.essence());
        assertEquals(Optional.of("application/pkcs7-signature"), type.parameter("PROTOCOL"));
        assertEquals(Optional.of("SHA-256"), type.parameter("micalg"));
        assertEquals(Optional.of("----=_Part \"7\""), type.parameter("boundary"));
    }

    @Test
    void media_type_refuses_a_missing_value_a_missing_subtype_and_a_repeated_parameter() {
        assertEquals(
                "the request's Content-Type is missing",
                malformed(() -> MediaType.parse("  ", "the request's Content-Type")));
        assertTrue(malformed(() -> MediaType.parse("text", "x")).startsWith("x "));
        assertEquals(
                "x has the parameter 'boundary' twice",
                malformed(() -> MediaType.parse("multipart/signed; boundary=a; BOUNDARY=b", "x")));
    }

    // --- body parts

    @Test
    void entity_reads_folded_headers_case_insensitively_and_finds_its_body() {
        MimeEntity entity = MimeEntity.parse(
                bytes("Content-Type: application/xml;\r\n\tcharset=utf-8\r\n"
                        + "Content-Transfer-Encoding: BINARY\r\n\r\n<a/>\r\n"),
                "the signed part",
                true);

        assertEquals("application/xml", entity.contentType("the signed part").essence());
        assertEquals(Optional.of("utf-8"), entity.contentType("the signed part").parameter("charset"));
        assertEquals("binary", entity.transferEncoding());
        assertArrayEquals(bytes("<a/>\r\n"), entity.decodedBody("the signed part"));
    }

    @Test
    void entity_with_bare_lf_line_ends_as_openssl_writes_them() {
        MimeEntity entity = MimeEntity.parse(bytes("Content-Type: text/plain\n\nhello"), "part", true);

        assertArrayEquals(bytes("hello"), entity.decodedBody("part"));
    }

    @Test
    void entity_without_headers_is_all_body_with_the_rfc_defaults_unless_headers_are_required() {
        byte[] content = bytes("<Declaration>no header here</Declaration>\r\n\r\nmore");
        MimeEntity entity = MimeEntity.parse(content, "the signed part", false);

        assertArrayEquals(content, entity.decodedBody("the signed part"));
        assertEquals(
                new MediaType("text", "plain", Map.of("charset", "us-ascii")), entity.contentType("the signed part"));
        assertEquals("7bit", entity.transferEncoding());
        assertEquals(
                "the signature part has no MIME header block ending in an empty line",
                malformed(() -> MimeEntity.parse(content, "the signature part", true)));
    }

    @Test
    void entity_refuses_a_repeated_header_and_an_unknown_transfer_encoding() {
        assertEquals(
                "part has the header 'content-type' twice",
                malformed(() ->
                        MimeEntity.parse(bytes("Content-Type: a/b\r\ncontent-type: c/d\r\n\r\nx"), "part", true)));
        MimeEntity uuencoded = MimeEntity.parse(bytes("Content-Transfer-Encoding: x-uuencode\r\n\r\nx"), "part", true);
        assertEquals(
                "part has the unknown Content-Transfer-Encoding 'x-uuencode'",
                malformed(() -> uuencoded.checkTransferEncoding("part")));
    }

    @Test
    void base64_skips_line_breaks_and_blanks_and_refuses_other_characters() {
        assertArrayEquals(bytes("signed bytes"), MimeEntity.base64(bytes("c2ln bmVk\r\nIGJ5\ndGVz\r\n"), "part"));
        assertTrue(
                malformed(() -> MimeEntity.base64(bytes("c2ln*bmVk"), "part")).startsWith("part is not valid base64"));
    }

    @Test
    void quoted_printable_decodes_octets_soft_breaks_and_drops_trailing_blanks() {
        assertArrayEquals(
                bytes("caf\u00e9 = ok\r\nend"),
                MimeEntity.quotedPrintable(bytes("caf=E9 =3D o=\r\nk  \r\nend="), "part"));
        assertEquals(
                "part is not valid quoted-printable: '=' at offset 1 is not followed by two hex digits",
                malformed(() -> MimeEntity.quotedPrintable(bytes("a=G1"), "part")));
    }

    // --- multipart/signed

    private static final String SIGNED = "Content-Type: text/plain\r\n\r\nthe content\r\n";
    private static final String SIGNATURE = "Content-Type: application/pkcs7-signature\r\n\r\nMIIB\r\n";

    @Test
    void multipart_signed_splits_the_two_parts_exactly_as_sent() {
        byte[] body = bytes(
                "MIME-Version: 1.0\nContent-Type: multipart/signed;\n boundary=\"B\"\n\nThis is an S/MIME signed message\n"
                        + "--B\r\n" + SIGNED + "\r\n--B  \r\n" + SIGNATURE + "\r\n--B--\r\n\r\n");

        MultipartSigned parts = MultipartSigned.parse(body, "B");

        assertArrayEquals(bytes(SIGNED), parts.signedEntity());
        assertArrayEquals(bytes(SIGNATURE), parts.signaturePart());
    }

    @Test
    void multipart_signed_with_bare_lf_delimiters_keeps_the_crlf_of_the_content() {
        byte[] body = bytes("--B\n" + SIGNED + "\n--B\n" + SIGNATURE + "\n--B--");

        assertArrayEquals(bytes(SIGNED), MultipartSigned.parse(body, "B").signedEntity());
    }

    @Test
    void multipart_signed_refuses_wrong_shapes_each_with_its_reason() {
        assertEquals(
                "the body has no boundary delimiter '--B'",
                malformed(() -> MultipartSigned.parse(bytes("no parts"), "B")));
        assertEquals(
                "the multipart/signed body has one part; it needs the signed part and the signature part",
                malformed(() -> MultipartSigned.parse(bytes("--B\r\n" + SIGNED + "\r\n--B--\r\n"), "B")));
        assertEquals(
                "the multipart/signed body has more than two parts",
                malformed(() -> MultipartSigned.parse(bytes("--B\r\nx\r\n--B\r\ny\r\n--B\r\nz\r\n--B--"), "B")));
        assertEquals(
                "the multipart/signed body is truncated: no close delimiter '--B--'",
                malformed(() -> MultipartSigned.parse(bytes("--B\r\nx\r\n--B\r\ny\r\n"), "B")));
        assertTrue(malformed(() -> MultipartSigned.parse(bytes("--B\r\nx\r\n--Bogus\r\ny\r\n--B--"), "B"))
                .endsWith("starts with the boundary but is not a delimiter"));
    }

    @Test
    void multipart_signed_refuses_unsigned_text_in_preamble_or_epilogue() {
        String parts = "--B\r\n" + SIGNED + "\r\n--B\r\n" + SIGNATURE + "\r\n--B--\r\n";

        assertTrue(malformed(() -> MultipartSigned.parse(bytes("Pay to account 42\r\n" + parts), "B"))
                .contains("text before its first boundary (the preamble, line 1)"));
        assertTrue(malformed(() -> MultipartSigned.parse(bytes("X-Extra: 1\r\n\r\n" + parts), "B"))
                .contains("only the MIME-Version and Content-Type headers"));
        assertTrue(malformed(() -> MultipartSigned.parse(bytes(parts + "P.S. also pay me\r\n"), "B"))
                .startsWith("the multipart/signed body has text after its close delimiter"));
    }
}
