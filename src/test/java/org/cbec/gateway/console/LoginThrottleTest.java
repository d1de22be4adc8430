package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The lockout rules alone: per user name, per client address, and the end of the period. */
class LoginThrottleTest {
    private final Instant start = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void one_address_guessing_many_names_is_locked_out_though_no_name_is() {
        LoginThrottle throttle = new LoginThrottle(
                new LoginThrottle.Limits(5, 3, Duration.ofMinutes(5)), Clock.fixed(start, ZoneOffset.UTC));
        for (int i = 0; i < 3; i++) {
            throttle.failed("name-" + i, "203.0.113.7");
        }

        assertThat(throttle.lockedFor("name-9", "203.0.113.7")).hasValue(Duration.ofMinutes(5));
        assertThat(throttle.lockedFor("name-9", "198.51.100.1")).isEmpty();
    }

    @Test
    void a_locked_name_is_free_again_when_its_period_is_over() {
        Instant[] now = {start};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limits(2, 100, Duration.ofMinutes(5)), clock);
        throttle.failed("alice", "a");
        throttle.failed("alice", "b");

        assertThat(throttle.lockedFor("alice", "c")).isPresent();
        now[0] = start.plus(Duration.ofMinutes(5));
        assertThat(throttle.lockedFor("alice", "c")).isEmpty();
    }
}
