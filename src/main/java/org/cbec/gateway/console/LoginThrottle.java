package org.cbec.gateway.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins counted per user name and per client address: after {@code maxFailures} within {@code period}, that
 * name or address is refused without a password check until the period that began with its first failure is over.
 * A successful login clears its user's count (not its address's: one right password does not buy more guesses).
 */
public final class LoginThrottle {
    /** The limits, from {@code gateway.console.login.*}. */
    public record Limits(int maxFailuresPerUser, int maxFailuresPerAddress, Duration period) {}

    private record Failures(int count, Instant since) {}

    /** Bounds the memory a flood of made-up names can take; expired entries go first. */
    private static final int MAX_TRACKED = 10_000;

    private final Limits limits;
    private final Clock clock;
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    public LoginThrottle(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** How long the user or address must still wait, if either is locked out now. */
    public Optional<Duration> lockedFor(String user, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        wait = longer(wait, remaining(byUser.get(key(user)), limits.maxFailuresPerUser(), now));
        wait = longer(wait, remaining(byAddress.get(key(address)), limits.maxFailuresPerAddress(), now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    public void failed(String user, String address) {
        Instant now = clock.instant();
        count(byUser, key(user), now);
        count(byAddress, key(address), now);
    }

    public void succeeded(String user) {
        byUser.remove(key(user));
    }

    private void count(Map<String, Failures> failures, String key, Instant now) {
        if (failures.size() >= MAX_TRACKED) {
            failures.values().removeIf(f -> expired(f, now));
        }
        failures.merge(
                key,
                new Failures(1, now),
                (old, one) -> expired(old, now) ? one : new Failures(old.count() + 1, old.since()));
    }

    private Duration remaining(Failures failures, int max, Instant now) {
        if (failures == null || failures.count() < max || expired(failures, now)) {
            return Duration.ZERO;
        }
        return Duration.between(now, failures.since().plus(limits.period()));
    }

    private boolean expired(Failures failures, Instant now) {
        return !now.isBefore(failures.since().plus(limits.period()));
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String key(String value) {
        return value == null ? "" : value;
    }
}
