package org.cbec.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** An ASCII document's text is read from its bytes; any other byte makes it a decoded string. */
class AsciiTextTest {

    @Test
    void an_ascii_document_is_read_in_place_from_where_its_text_starts() {
        byte[] document = "\uFEFFaeo_id,name\nCN1,Acme".getBytes(StandardCharsets.UTF_8);

        CharSequence text = AsciiText.of(document, 3);

        assertThat(text).isInstanceOf(AsciiText.class);
        assertThat(text.length()).isEqualTo(20);
        assertThat(text.charAt(0)).isEqualTo('a');
        assertThat(text.charAt(19)).isEqualTo('e');
        assertThat(text.subSequence(12, 15).toString()).isEqualTo("CN1");
        assertThat(text.subSequence(12, 20).subSequence(4, 7).toString()).isEqualTo("Acm");
        assertThat(text.toString()).isEqualTo("aeo_id,name\nCN1,Acme");
    }

    @Test
    void a_document_with_any_other_byte_is_decoded() {
        byte[] document = "aeo_id,name\nCN1,Société Générale 深圳".getBytes(StandardCharsets.UTF_8);

        CharSequence text = AsciiText.of(document, 0);

        assertThat(text).isInstanceOf(String.class).hasToString("aeo_id,name\nCN1,Société Générale 深圳");
    }

    @Test
    void reading_outside_the_text_fails_like_a_string() {
        CharSequence text = AsciiText.of("xxCN1,Acme".getBytes(StandardCharsets.US_ASCII), 2);

        assertThatThrownBy(() -> text.charAt(8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> text.charAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> text.subSequence(3, 9)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> text.subSequence(4, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
