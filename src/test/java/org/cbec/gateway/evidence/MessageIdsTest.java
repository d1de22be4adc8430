package org.cbec.gateway.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Message ids as ULIDs: shape, the time they carry, order by time, uniqueness, and what is refused as an id. */
class MessageIdsTest {

    @Test
    void an_id_is_26_crockford_base32_characters() {
        String id = new MessageIds(Clock.systemUTC()).next();

        assertEquals(26, id.length());
        assertTrue(id.matches("[0-9A-HJKMNP-TV-Z]{26}"), id);
        assertTrue(MessageIds.looksValid(id));
    }

    @Test
    void the_id_carries_its_time_of_receipt_to_the_millisecond() {
        Instant received = Instant.parse("2026-03-01T10:15:30.123456Z");
        String id = new MessageIds(Clock.fixed(received, ZoneOffset.UTC)).next();

        assertEquals(Instant.parse("2026-03-01T10:15:30.123Z"), MessageIds.timeOf(id));
    }

    @Test
    void encodes_the_time_in_the_first_ten_characters_as_the_ulid_spec_does() {
        // The ULID specification's example: 1469922850259 ms is "01ARZ3NDEK" (01ARZ3NDEKTSV4RRFFQ69G5FAV).
        String id = new MessageIds(Clock.fixed(Instant.ofEpochMilli(1_469_922_850_259L), ZoneOffset.UTC)).next();

        assertEquals("01ARZ3NDEK", id.substring(0, 10));
        assertEquals(
                "0000000000",
                new MessageIds(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
                        .next()
                        .substring(0, 10));
    }

    @Test
    void ids_of_later_messages_sort_after_earlier_ones() {
        String earlier = new MessageIds(Clock.fixed(Instant.parse("2026-03-01T10:00:00.001Z"), ZoneOffset.UTC)).next();
        String later = new MessageIds(Clock.fixed(Instant.parse("2026-03-01T10:00:00.002Z"), ZoneOffset.UTC)).next();

        assertTrue(earlier.compareTo(later) < 0, earlier + " < " + later);
    }

    @Test
    void ids_made_in_the_same_millisecond_differ() {
        MessageIds ids = new MessageIds(Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(ids.next()));
        }
    }

    @Test
    void refuses_what_is_no_ulid() {
        assertFalse(MessageIds.looksValid(null));
        assertFalse(MessageIds.looksValid(""));
        assertFalse(MessageIds.looksValid("01ARYZ6S41TSV4RRFFQ69G5FA"), "25 characters");
        assertFalse(MessageIds.looksValid("01ARYZ6S41TSV4RRFFQ69G5FAVV"), "27 characters");
        assertFalse(MessageIds.looksValid("01ARYZ6S41TSV4RRFFQ69G5FAI"), "I is not in the alphabet");
        assertFalse(MessageIds.looksValid("01aryz6s41tsv4rrffq69g5fav"), "lower case");
        assertFalse(MessageIds.looksValid("../../etc/passwd/xxxxxxxxx"));
        assertNull(MessageIds.timeOf("not an id"));
        assertTrue(MessageIds.looksValid("01ARYZ6S41TSV4RRFFQ69G5FAV"));
    }
}
