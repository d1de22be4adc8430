package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How client text is kept in a security event: as given, but never able to forge a line or hide a character. */
class SecurityEventsTest {
    @Test
    void control_characters_and_backslash_are_escaped_so_the_text_reads_back_exactly() {
        assertThat(SecurityEvents.encoded("ad\r\nmin\u0000\\x\u202Ey"))
                .isEqualTo("ad\\u000D\\u000Amin\\u0000\\\\x\\u202Ey");
    }

    @Test
    void printable_text_and_paired_surrogates_are_kept_as_given() {
        assertThat(SecurityEvents.encoded("Zoë 李 \uD83D\uDE00 'x'")).isEqualTo("Zoë 李 \uD83D\uDE00 'x'");
        assertThat(SecurityEvents.encoded("a\uD83Db")).isEqualTo("a\\uD83Db");
    }

    @Test
    void long_text_is_cut_and_says_how_much_was_cut() {
        String encoded = SecurityEvents.encoded("n".repeat(SecurityEvents.MAX_TEXT + 10));

        assertThat(encoded).startsWith("n".repeat(SecurityEvents.MAX_TEXT)).endsWith("...(10 more characters)");
    }

    @Test
    void no_text_stays_none() {
        assertThat(SecurityEvents.encoded(null)).isNull();
    }
}
