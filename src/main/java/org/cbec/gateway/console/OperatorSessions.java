package org.cbec.gateway.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Console sessions: a random token in an HttpOnly cookie stands for a logged-in operator until it has been
 * idle for the timeout. Sessions live in this instance's memory: behind a load balancer, an operator whose
 * instance changes logs in again (the API also takes HTTP Basic, which any instance checks). A Caffeine cache on the
 * gateway's clock forgets a session once it has been idle longer than the timeout.
 */
public final class OperatorSessions {
    private final Cache<String, Operator> sessions;
    private final SecureRandom random = new SecureRandom();
    private final Duration idleTimeout;

    public OperatorSessions(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.sessions = Caffeine.newBuilder()
                .ticker(() -> nanos(clock.instant()))
                .executor(Runnable::run)
                // A session used exactly at the end of its timeout still counts, as before: one nanosecond more.
                .expireAfterAccess(idleTimeout.plusNanos(1))
                .build();
    }

    /** Opens a session and returns its token. */
    public String open(Operator operator) {
        byte[] token = new byte[32];
        random.nextBytes(token);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        sessions.put(id, operator);
        return id;
    }

    /** The operator of a live session; using it keeps it alive. */
    public Optional<Operator> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(sessions.getIfPresent(token));
    }

    public void close(String token) {
        if (token != null) {
            sessions.invalidate(token);
        }
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** An instant as nanoseconds since the epoch, the cache's time (good until the year 2262). */
    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
