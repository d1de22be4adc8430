package org.cbec.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A body read where the HTTP server put it: only its own bytes count, never the rest of the buffer. */
class ReceivedBodyTest {
    private static final byte[] BUFFER = "xxxxTHE BODYyyyyyyy".getBytes(StandardCharsets.US_ASCII);
    private static final ReceivedBody PART = ReceivedBody.of(BUFFER, 4, 8);
    private static final ReceivedBody WHOLE = ReceivedBody.of("THE BODY".getBytes(StandardCharsets.US_ASCII));

    @Test
    void a_body_in_part_of_a_buffer_is_its_own_bytes_only() throws Exception {
        assertThat(PART.length()).isEqualTo(8);
        assertThat(PART.bytes()).isEqualTo(WHOLE.bytes());
        assertThat(PART.stream().readAllBytes()).isEqualTo(WHOLE.bytes());
        assertThat(PART.head(3)).asString(StandardCharsets.US_ASCII).isEqualTo("THE");
        assertThat(PART.head(100)).isEqualTo(WHOLE.bytes());
        assertThat(PART.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(WHOLE.bytes())));
    }

    @Test
    void a_body_that_fills_its_array_is_not_copied() {
        byte[] bytes = {1, 2, 3};

        assertThat(ReceivedBody.of(bytes).bytes()).isSameAs(bytes);
        assertThat(PART.bytes()).isNotSameAs(BUFFER).hasSize(8);
    }

    @Test
    void no_body_is_an_empty_one() {
        assertThat(ReceivedBody.of(null).length()).isZero();
        assertThat(ReceivedBody.of(null).sha256())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void a_part_past_the_end_of_its_buffer_is_refused() {
        assertThatThrownBy(() -> ReceivedBody.of(BUFFER, 15, 8)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
