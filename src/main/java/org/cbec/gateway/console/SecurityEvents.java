package org.cbec.gateway.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.camel.Header;
import org.apache.camel.Service;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.http.QueryParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security events an operator or auditor can look up later: refused logins (wrong password, throttled, from
 * another site), refused actions, and requests the HTTP server refused before any route ran (framing, timeouts).
 * One row each in {@code security_event} (V18), read at {@code GET /api/v1/security-events}. They are kept apart from
 * the partner message archive and its hash chain: they are no partner's message, and an attacker must not be able to
 * grow the chain. Recording never blocks the caller (the HTTP event loop among them): events wait in a bounded queue
 * for one writer thread, and when a flood fills it the events that did not fit are counted and recorded as one
 * {@code EVENTS_DROPPED} row, so a flood costs at most one database writer's work and still leaves its trace.
 */
public final class SecurityEvents implements Service {
    /** What kind of refusal an event records. */
    public enum Kind {
        /** A login (console or HTTP Basic) refused: wrong name or password, throttled, cross-site, wrong body. */
        LOGIN_REFUSED,
        /** A logged-in user refused an action its role does not allow. */
        ACCESS_REFUSED,
        /** A request the HTTP server refused before any route ran (framing, header or body timeout, size). */
        HTTP_REFUSED,
        /** Events that did not fit the queue during a flood: their number is in the detail. */
        EVENTS_DROPPED
    }

    /** One event as stored; text from a client (user name, request line, detail) is already {@link #encoded}. */
    public record Event(
            String eventId,
            Instant at,
            Kind kind,
            String code,
            String userName,
            String address,
            String channel,
            String detail) {}

    private static final Logger LOG = LoggerFactory.getLogger(SecurityEvents.class);
    private static final int QUEUE = 4096;
    private static final int BATCH = 256;
    /** The longest client text kept per field; longer text is cut and says how much was cut. */
    static final int MAX_TEXT = 256;

    private final DataSource dataSource;
    private final Clock clock;
    private final MessageIds ids;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread writer;
    private volatile boolean stopping;

    public SecurityEvents(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.ids = new MessageIds(clock);
    }

    /** A refused login: {@code userName} as the client gave it (null when none could be read). */
    public void loginRefused(GatewayError code, String userName, String address, String channel, String detail) {
        record(Kind.LOGIN_REFUSED, code, userName, address, channel, detail);
    }

    /** A logged-in user refused an action. */
    public void accessRefused(GatewayError code, String userName, String address, String channel, String detail) {
        record(Kind.ACCESS_REFUSED, code, userName, address, channel, detail);
    }

    /** A request the HTTP server refused itself; {@code request} is its request line, or null before one was read. */
    public void httpRefused(GatewayError code, String address, String request, String detail) {
        record(Kind.HTTP_REFUSED, code, null, address, request, detail);
    }

    private void record(Kind kind, GatewayError code, String userName, String address, String channel, String detail) {
        Event event = new Event(
                ids.next(),
                clock.instant(),
                kind,
                code.code(),
                encoded(userName),
                encoded(address),
                encoded(channel),
                encoded(detail));
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * Client text as it can be stored and shown without forging anything: backslash, control characters (CR, LF,
     * NUL, ...) and other non-printing characters become {@code \\uXXXX} escapes (backslash {@code \\\\}), so the
     * text as given can be read back exactly; past {@link #MAX_TEXT} characters it is cut.
     */
    static String encoded(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT) + 16);
        int length = Math.min(text.length(), MAX_TEXT);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c)
                            && !(Character.isHighSurrogate(c)
                                    && i + 1 < length
                                    && Character.isLowSurrogate(text.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))
                    || c == '\u2028'
                    || c == '\u2029') {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_TEXT) {
            out.append("...(").append(text.length() - MAX_TEXT).append(" more characters)");
        }
        return out.toString();
    }

    /**
     * {@code GET /api/v1/security-events?since=&until=&kind=&limit=}: the events, newest first ({@code limit} at most
     * 1000, default 100).
     */
    public HttpAnswer list(
            @Header("since") String since,
            @Header("until") String until,
            @Header("kind") String kind,
            @Header("limit") String limit) {
        Instant from;
        Instant to;
        Kind only;
        int max;
        try {
            from = QueryParameters.instant(since, Instant.EPOCH);
            to = QueryParameters.instant(until, clock.instant().plus(Duration.ofDays(1)));
            only = kind(kind);
            max = blank(limit) ? 100 : QueryParameters.wholeNumber(limit.trim());
        } catch (GatewayException refused) {
            return QueryParameters.refusal(refused);
        }
        max = Math.max(1, Math.min(max, 1000));
        // An Event is the answer's SecurityEvent as it is: the same fields in the same order (ApiModels).
        List<Event> events = find(from, to, only, max);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("count", events.size());
        answer.put("events", events);
        return HttpAnswer.json(200, answer);
    }

    /** The events between two instants, newest first. */
    public List<Event> find(Instant from, Instant to, Kind kind, int limit) {
        String sql = "SELECT event_id, occurred_at, kind, code, user_name, address, channel, detail FROM security_event"
                + " WHERE occurred_at >= ? AND occurred_at < ?" + (kind == null ? "" : " AND kind = ?")
                + " ORDER BY occurred_at DESC, event_id DESC LIMIT " + limit;
        List<Event> events = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setObject(1, utc(from));
            query.setObject(2, utc(to));
            if (kind != null) {
                query.setString(3, kind.name());
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new Event(
                            rows.getString(1),
                            rows.getObject(2, OffsetDateTime.class).toInstant(),
                            Kind.valueOf(rows.getString(3)),
                            rows.getString(4),
                            rows.getString(5),
                            rows.getString(6),
                            rows.getString(7),
                            rows.getString(8)));
                }
            }
        } catch (SQLException e) {
            throw new org.cbec.gateway.error.GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot read the security events", e);
        }
        return events;
    }

    @Override
    public synchronized void start() {
        if (writer != null) {
            return;
        }
        stopping = false;
        Thread thread = new Thread(this::writeUntilStopped, "security-events");
        thread.setDaemon(true);
        writer = thread;
        thread.start();
    }

    /** Writes what is queued (for at most five seconds), then stops the writer. */
    @Override
    public synchronized void stop() {
        Thread thread = writer;
        if (thread == null) {
            return;
        }
        stopping = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer = null;
    }

    private void writeUntilStopped() {
        List<Event> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                Event first = stopping ? queue.poll() : queue.poll(1, TimeUnit.SECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
            } catch (InterruptedException e) {
                if (!stopping) {
                    continue;
                }
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                batch.add(new Event(
                        ids.next(),
                        clock.instant(),
                        Kind.EVENTS_DROPPED,
                        GatewayError.OVERLOADED.code(),
                        null,
                        null,
                        null,
                        lost + " security event(s) did not fit the queue of " + QUEUE + " and were not recorded"));
            }
            if (!batch.isEmpty()) {
                write(batch);
                batch.clear();
            } else if (stopping) {
                return;
            }
        }
    }

    private void write(List<Event> batch) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO security_event (event_id, occurred_at, kind, code, user_name, address, channel,"
                                + " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Event event : batch) {
                insert.setString(1, event.eventId());
                insert.setObject(2, utc(event.at()));
                insert.setString(3, event.kind().name());
                insert.setString(4, event.code());
                insert.setString(5, event.userName());
                insert.setString(6, event.address());
                insert.setString(7, event.channel());
                insert.setString(8, event.detail());
                insert.addBatch();
            }
            insert.executeBatch();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            // The refusal itself was answered; losing its record must not stop the writer, and the log still has it.
            LOG.warn("Could not record {} security event(s): {}", batch.size(), e.getMessage());
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** The kind asked for; null (every kind) when none. */
    private static Kind kind(String text) {
        if (blank(text)) {
            return null;
        }
        try {
            return Kind.valueOf(text.trim());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(
                    GatewayError.SCHEMA_INVALID,
                    "kind must be one of LOGIN_REFUSED, ACCESS_REFUSED, HTTP_REFUSED, EVENTS_DROPPED");
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
