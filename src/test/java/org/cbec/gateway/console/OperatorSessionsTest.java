package org.cbec.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Console sessions on a clock the test moves: idle expiry, renewal on use, closing, unknown tokens. */
class OperatorSessionsTest {
    private static final Operator ALICE = new Operator("alice", Operator.Role.ADMIN);
    private static final Duration IDLE = Duration.ofMinutes(30);

    private final MovingClock clock = new MovingClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final OperatorSessions sessions = new OperatorSessions(IDLE, clock);

    @Test
    void finds_the_operator_of_a_fresh_session() {
        String token = sessions.open(ALICE);

        assertEquals(Optional.of(ALICE), sessions.find(token));
    }

    @Test
    void gives_each_session_its_own_url_safe_token_of_32_random_bytes() {
        String first = sessions.open(ALICE);
        String second = sessions.open(ALICE);

        assertNotEquals(first, second);
        assertEquals(43, first.length());
        assertTrue(first.matches("[A-Za-z0-9_-]+"), first);
    }

    @Test
    void keeps_a_session_used_exactly_at_the_end_of_its_timeout() {
        String token = sessions.open(ALICE);
        clock.advance(IDLE);

        assertEquals(Optional.of(ALICE), sessions.find(token));
    }

    @Test
    void forgets_a_session_idle_longer_than_the_timeout() {
        String token = sessions.open(ALICE);
        clock.advance(IDLE.plusNanos(1));

        assertEquals(Optional.empty(), sessions.find(token));
    }

    @Test
    void using_a_session_keeps_it_alive_past_the_first_timeout() {
        String token = sessions.open(ALICE);
        for (int i = 0; i < 4; i++) {
            clock.advance(IDLE.minusMinutes(1));
            assertEquals(Optional.of(ALICE), sessions.find(token), "use " + i);
        }
    }

    @Test
    void a_closed_session_is_gone_and_others_stay() {
        String closed = sessions.open(ALICE);
        String other = sessions.open(new Operator("bob", Operator.Role.OPERATOR));

        sessions.close(closed);

        assertEquals(Optional.empty(), sessions.find(closed));
        assertEquals("bob", sessions.find(other).orElseThrow().name());
    }

    @Test
    void unknown_and_missing_tokens_find_nobody() {
        sessions.open(ALICE);

        assertEquals(Optional.empty(), sessions.find("not-a-token"));
        assertEquals(Optional.empty(), sessions.find(null));
        sessions.close(null);
        assertEquals(IDLE, sessions.idleTimeout());
    }

    /** A clock the test moves, so expiry is tested without waiting. */
    private static final class MovingClock extends Clock {
        private final AtomicReference<Instant> now;

        MovingClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration step) {
            now.updateAndGet(current -> current.plus(step));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
