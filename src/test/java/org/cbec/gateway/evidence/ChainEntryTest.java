package org.cbec.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The digest of a records document read as a stream is the digest of the same document read whole. */
class ChainEntryTest {

    @Test
    void a_document_hashed_as_a_stream_has_the_digest_of_its_whole_text() {
        // Non-ASCII text, and a surrogate pair (one emoji) across the reader's 8,192-character pieces.
        String text = "x".repeat(8_191) + "\uD83D\uDE00" + "深圳市光明出口有限公司, Müller".repeat(2_000);

        assertThat(ChainEntry.sha256Hex(new StringReader(text))).isEqualTo(ChainEntry.sha256Hex(text));
    }

    @Test
    void no_document_has_no_digest() {
        assertThat(ChainEntry.sha256Hex((java.io.Reader) null)).isNull();
    }
}
