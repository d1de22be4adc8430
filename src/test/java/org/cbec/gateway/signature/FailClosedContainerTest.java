package org.cbec.gateway.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;
import org.junit.jupiter.api.Test;

/**
 * The net under every container: an Error thrown while a body is opened is a refusal, which the intake archives,
 * not a bare 500. The container here recurses without end, as a parser does on input nested past its depth checks.
 */
class FailClosedContainerTest {

    /** Recurses once per byte it reads, as a recursive descent parser does on nested input; never returns. */
    private static final SignatureContainer RECURSIVE_DESCENT = new SignatureContainer() {
        @Override
        public SignedDocument open(byte[] body, String contentType) {
            return descend(body, 0);
        }

        private SignedDocument descend(byte[] body, int depth) {
            return descend(body, depth + 1);
        }
    };

    @Test
    void a_stack_overflow_while_opening_is_malformed_message() {
        SignatureContainer container = new FailClosedContainer(RECURSIVE_DESCENT);

        assertThatThrownBy(() -> container.open(new byte[] {0x30, (byte) 0x80}, "application/pkcs7-mime"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
                    assertThat(e.detail()).contains("nested too deeply");
                });
        assertThatThrownBy(() ->
                        container.open(ReceivedBody.of(new byte[] {0x30, (byte) 0x80}), "application/pkcs7-mime"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
    }

    @Test
    void ber_nested_deeper_than_the_limit_is_refused_before_any_parser_sees_it() {
        byte[] deep = new byte[4 * (BerDepth.MAX_DEPTH + 1)];
        for (int i = 0; i <= BerDepth.MAX_DEPTH; i++) {
            deep[2 * i] = 0x30;
            deep[2 * i + 1] = (byte) 0x80;
        }

        assertThatThrownBy(() -> BerDepth.check(deep, "the test body"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE));
        BerDepth.check(
                java.util.Arrays.copyOfRange(deep, 2, deep.length - 2), "the test body"); // one level less: accepted
    }
}
