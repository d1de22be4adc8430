package org.cbec.gateway.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sessions: a random token in an HttpOnly cookie stands for a logged-in operator until it has been
 * idle for the timeout. Sessions live in this instance's memory: behind a load balancer, an operator whose
 * instance changes logs in again (the API also takes HTTP Basic, which any instance checks).
 */
public final class OperatorSessions {
    private record Session(Operator operator, Instant lastUsed) {}

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration idleTimeout;
    private final Clock clock;

    public OperatorSessions(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    /** Opens a session and returns its token. */
    public String open(Operator operator) {
        sessions.values().removeIf(this::expired);
        byte[] token = new byte[32];
        random.nextBytes(token);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        sessions.put(id, new Session(operator, clock.instant()));
        return id;
    }

    /** The operator of a live session; using it keeps it alive. */
    public Optional<Operator> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Session session = sessions.get(token);
        if (session == null) {
            return Optional.empty();
        }
        if (expired(session)) {
            sessions.remove(token);
            return Optional.empty();
        }
        sessions.put(token, new Session(session.operator(), clock.instant()));
        return Optional.of(session.operator());
    }

    public void close(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    private boolean expired(Session session) {
        return session.lastUsed().plus(idleTimeout).isBefore(clock.instant());
    }
}
