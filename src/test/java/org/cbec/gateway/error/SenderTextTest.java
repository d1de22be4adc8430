package org.cbec.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.cbec.gateway.http.HttpAnswer;
import org.junit.jupiter.api.Test;

/** No problem detail and no SOAP fault gives a sender the gateway's internals: SQL, stack frames, class names. */
class SenderTextTest {

    /** A NUL byte in a name reached PostgreSQL, and its error text came back in the problem (issue 18). */
    @Test
    void a_database_error_in_a_problem_detail_is_not_shown_to_the_sender() {
        String detail =
                "the archive cannot write message 01JD: ERROR: invalid byte sequence for encoding \"UTF8\": 0x00 "
                        + "(org.postgresql.util.PSQLException) SQLState: 22021";

        String problem = new String(
                HttpAnswer.problem(GatewayError.INTERNAL_ERROR, detail, "01JD", null)
                        .content(),
                StandardCharsets.UTF_8);

        assertThat(problem)
                .doesNotContain("PSQLException")
                .doesNotContain("0x00")
                .doesNotContain("SQLState")
                .contains(SenderText.INTERNAL)
                .contains("01JD");
    }

    @Test
    void class_names_and_stack_frames_are_taken_out_of_a_refusal_detail() {
        String detail = "the body is not CMS SignedData (DER or PEM): java.io.EOFException: unexpected end "
                + "at org.bouncycastle.asn1.ASN1InputStream.readObject(ASN1InputStream.java:210)";

        assertThat(SenderText.clean(GatewayError.MALFORMED_MESSAGE, detail))
                .isEqualTo("the body is not CMS SignedData (DER or PEM): unexpected end");
    }

    @Test
    void a_plain_refusal_detail_is_kept_as_it_is() {
        String detail = "the DigestMethod http://www.w3.org/2000/09/xmldsig#sha1 of a signed Reference is not allowed";

        assertThat(SenderText.clean(GatewayError.ALGORITHM_NOT_ALLOWED, detail)).isEqualTo(detail);
    }
}
