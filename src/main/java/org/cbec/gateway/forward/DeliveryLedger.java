package org.cbec.gateway.forward;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.cbec.gateway.config.GroupCommit;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;

/**
 * What has been handed to national systems: one row per record of an accepted message, the claim of each
 * record version by the one record that is sent with it, and the message's status once every record is
 * delivered or dead-lettered.
 * Every step is idempotent, because a queue may deliver the same step twice after a crash.
 */
public final class DeliveryLedger {
    // decimals as BigDecimal: a double would forward a 20-digit quantity rounded
    private static final ObjectMapper JSON = org.cbec.gateway.canonical.CanonicalJson.mapper();

    private final DataSource dataSource;
    private final Clock clock;

    private final GroupCommit groupCommit;

    /** Books dispatches and deliveries through {@code writer}, the database's group commit. */
    public DeliveryLedger(DataSource dataSource, GroupCommit writer, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.groupCommit = writer;
    }

    /**
     * Creates the outbound rows of an accepted message (once) and returns the records still to deliver.
     * A message with no records is forwarded at once.
     */
    public List<OutboundRecord> dispatch(String messageId) {
        // Read and parsed before the shared transaction: an accepted message's records never change, and the
        // database writer's time is what every message waits for.
        List<OutboundRecord> records = acceptedRecords(messageId);
        AtomicReference<List<OutboundRecord>> pending = new AtomicReference<>();
        // Messages dispatched at the same moment share one commit with everything else being written; a large list
        // alone.
        groupCommit.run(connection -> pending.set(dispatchIn(connection, messageId, records)), records.size());
        return pending.get();
    }

    /**
     * The dispatch's work inside the caller's transaction (the accept log's projection archives the message and
     * dispatches it in one): creates the outbound rows once and returns the records still to deliver.
     */
    public List<OutboundRecord> dispatchIn(Connection connection, String messageId, List<OutboundRecord> records)
            throws SQLException {
        if (isDispatchedMessage(connection, messageId)) {
            // A redelivered dispatch: what is still owed, including the records of replays.
            return pendingOf(connection, messageId, allRecordsOf(connection, messageId));
        }
        Instant now = clock.instant();
        // Two dispatches of one message at once collide on these primary keys: the second rolls back and, redelivered,
        // finds the first's work.
        List<OutboundRecord> fresh = insertOutboundRows(connection, records);
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO message_progress (message_id, records_pending, dispatched_at) VALUES (?, ?, ?)")) {
            statement.setString(1, messageId);
            statement.setInt(2, fresh.size());
            statement.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            statement.executeUpdate();
        }
        if (fresh.isEmpty()) {
            setStatus(
                    connection,
                    messageId,
                    "FORWARDED",
                    now,
                    records.isEmpty()
                            ? "no records to forward"
                            : "every record was already forwarded with the same content");
        }
        return fresh;
    }

    /** The outbound records of a message's records document (as the archive or the accept log keeps it). */
    public static List<OutboundRecord> outboundRecords(String messageId, String recordsJson) {
        return parse(messageId, recordsJson == null ? null : new StringReader(recordsJson), 0);
    }

    private List<OutboundRecord> acceptedRecords(String messageId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT d.records FROM inbound_message m LEFT JOIN inbound_decision d ON d.message_id = m.message_id"
                                + " WHERE m.message_id = ? AND m.verdict = 'ACCEPTED'")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new GatewayException(
                            GatewayError.NOT_FOUND, "no accepted message " + messageId + " to dispatch");
                }
                return parse(messageId, row.getCharacterStream(1), 0);
            }
        } catch (SQLException e) {
            throw failure("cannot read the records of " + messageId, e);
        }
    }

    /**
     * Records a replay of a message: the records the current translators made, of which those whose version
     * was never dispatched become new PENDING rows, and the message's DEAD_LETTERED rows go back to PENDING.
     * Returns every record of the message now waiting to be queued.
     */
    public Replay replay(String messageId, String recordsJson, String operator) {
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement(
                        "SELECT records_pending FROM message_progress WHERE message_id = ? FOR UPDATE")) {
                    lock.setString(1, messageId);
                    try (ResultSet row = lock.executeQuery()) {
                        if (!row.next()) {
                            throw new GatewayException(
                                    GatewayError.NOT_REPLAYABLE,
                                    "message " + messageId + " is not dispatched yet; replay it later");
                        }
                    }
                }
                int replayNo;
                try (PreparedStatement next = connection.prepareStatement(
                        "SELECT COALESCE(MAX(replay_no), 0) + 1 FROM message_replay WHERE message_id = ?")) {
                    next.setString(1, messageId);
                    try (ResultSet row = next.executeQuery()) {
                        row.next();
                        replayNo = row.getInt(1);
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO message_replay (message_id, replay_no, replayed_at, records) VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, messageId);
                    insert.setInt(2, replayNo);
                    insert.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    insert.setString(4, recordsJson);
                    insert.executeUpdate();
                }
                List<OutboundRecord> translated = parse(messageId, new StringReader(recordsJson), replayNo * 100_000);
                List<OutboundRecord> fresh = new ArrayList<>();
                for (OutboundRecord record : translated) {
                    if (!isDispatched(connection, record.idempotencyKey())) {
                        fresh.add(record);
                    }
                }
                int added = insertOutboundRows(connection, fresh).size();
                int resent;
                try (PreparedStatement revive = connection.prepareStatement(
                        "UPDATE outbound_record SET status = 'PENDING' WHERE message_id = ? AND status = 'DEAD_LETTERED'")) {
                    revive.setString(1, messageId);
                    resent = revive.executeUpdate();
                }
                List<OutboundRecord> pending = pendingOf(connection, messageId, allRecordsOf(connection, messageId));
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE message_progress SET records_pending = ? WHERE message_id = ?")) {
                    update.setInt(1, pending.size());
                    update.setString(2, messageId);
                    update.executeUpdate();
                }
                try (PreparedStatement update =
                        connection.prepareStatement("UPDATE inbound_message SET status = ? WHERE message_id = ?")) {
                    update.setString(1, pending.isEmpty() ? "FORWARDED" : "ACCEPTED");
                    update.setString(2, messageId);
                    update.executeUpdate();
                }
                EvidenceArchive.insertHistoryRow(
                        connection,
                        messageId,
                        "REPLAYED",
                        now,
                        "replay " + replayNo + (operator == null ? "" : " by " + operator) + ": " + added
                                + " new record version(s), " + resent + " dead-lettered record(s) sent again");
                connection.commit();
                return new Replay(replayNo, added, resent, pending);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("cannot replay message " + messageId, e);
        }
    }

    /** What a replay changed, and the records it queues. */
    public record Replay(int replayNo, int newVersions, int resent, List<OutboundRecord> toQueue) {}

    private static boolean isDispatched(Connection connection, String key) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM dispatched_key WHERE idempotency_key = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    /** The message's original records and those of its replays. */
    private static List<OutboundRecord> allRecordsOf(Connection connection, String messageId) throws SQLException {
        List<OutboundRecord> records = new ArrayList<>();
        try (PreparedStatement original =
                connection.prepareStatement("SELECT records FROM inbound_decision WHERE message_id = ?")) {
            original.setString(1, messageId);
            try (ResultSet row = original.executeQuery()) {
                if (row.next()) {
                    records.addAll(parse(messageId, row.getCharacterStream(1), 0));
                }
            }
        }
        try (PreparedStatement replays = connection.prepareStatement(
                "SELECT replay_no, records FROM message_replay WHERE message_id = ? ORDER BY replay_no")) {
            replays.setString(1, messageId);
            try (ResultSet rows = replays.executeQuery()) {
                while (rows.next()) {
                    records.addAll(parse(messageId, rows.getCharacterStream(2), rows.getInt(1) * 100_000));
                }
            }
        }
        return records;
    }

    /** A dead-lettered record, as operators see it. */
    public record DeadLetter(
            String id,
            String messageId,
            int seq,
            String partnerId,
            String recordType,
            String idempotencyKey,
            int attempts,
            String lastError,
            String receivedAt) {}

    /** Dead-lettered records, oldest first; optionally one partner's. */
    public List<DeadLetter> deadLetters(String partnerId, int limit) {
        String sql =
                "SELECT r.message_id, r.seq, m.partner_id, r.record_type, r.idempotency_key, r.attempts, r.last_error, m.received_at"
                        + " FROM outbound_record r JOIN inbound_message m ON m.message_id = r.message_id WHERE r.status = 'DEAD_LETTERED'"
                        + (partnerId == null ? "" : " AND m.partner_id = ?")
                        + " ORDER BY m.received_at, r.message_id, r.seq LIMIT "
                        + Math.max(1, Math.min(limit, 1000));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            if (partnerId != null) {
                statement.setString(1, partnerId);
            }
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    OffsetDateTime received = rows.getObject(8, OffsetDateTime.class);
                    letters.add(new DeadLetter(
                            rows.getString(1) + "-" + rows.getInt(2),
                            rows.getString(1),
                            rows.getInt(2),
                            rows.getString(3),
                            rows.getString(4),
                            rows.getString(5),
                            rows.getInt(6),
                            rows.getString(7),
                            received.toInstant().toString()));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw failure("cannot list dead letters", e);
        }
    }

    /**
     * An operator's action on one dead-lettered record: REPLAY puts it back to PENDING and returns it to queue;
     * DISCARD closes it for good. Either is recorded in the message's status history with the operator's note.
     */
    public Optional<OutboundRecord> actOnDeadLetter(String messageId, int seq, boolean replay, String note) {
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock =
                        connection.prepareStatement("SELECT 1 FROM message_progress WHERE message_id = ? FOR UPDATE")) {
                    lock.setString(1, messageId);
                    lock.executeQuery().close();
                }
                int changed;
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE outbound_record SET status = ? WHERE message_id = ? AND seq = ? AND status = 'DEAD_LETTERED'")) {
                    update.setString(1, replay ? "PENDING" : "DISCARDED");
                    update.setString(2, messageId);
                    update.setInt(3, seq);
                    changed = update.executeUpdate();
                }
                if (changed == 0) {
                    connection.rollback();
                    return Optional.empty();
                }
                if (replay) {
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE message_progress SET records_pending = records_pending + 1 WHERE message_id = ?")) {
                        update.setString(1, messageId);
                        update.executeUpdate();
                    }
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE inbound_message SET status = 'ACCEPTED' WHERE message_id = ?")) {
                        update.setString(1, messageId);
                        update.executeUpdate();
                    }
                }
                EvidenceArchive.insertHistoryRow(
                        connection,
                        messageId,
                        replay ? "DEAD_LETTER_REPLAYED" : "DEAD_LETTER_DISCARDED",
                        now,
                        "record " + seq + (note == null || note.isBlank() ? "" : ": " + note));
                OutboundRecord record = allRecordsOf(connection, messageId).stream()
                        .filter(r -> r.seq() == seq)
                        .findFirst()
                        .orElseThrow(() -> new GatewayException(
                                GatewayError.INTERNAL_ERROR, "record " + seq + " of " + messageId + " is missing"));
                connection.commit();
                return Optional.of(record);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("cannot act on dead letter " + messageId + "-" + seq, e);
        }
    }

    /**
     * Every record still PENDING of messages dispatched before {@code dispatchedBefore}: after a restart,
     * what the queues should hold. Queuing them again is harmless (a delivered key is never sent twice) and
     * makes the ledger, not the queue, the last word on what is still owed.
     */
    public List<OutboundRecord> pendingDispatchedBefore(Instant dispatchedBefore) {
        String sql =
                "SELECT DISTINCT r.message_id FROM outbound_record r JOIN message_progress p ON p.message_id = r.message_id"
                        + " WHERE r.status = 'PENDING' AND p.dispatched_at < ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(dispatchedBefore, ZoneOffset.UTC));
            List<String> messageIds = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    messageIds.add(rows.getString(1));
                }
            }
            List<OutboundRecord> pending = new ArrayList<>();
            for (String messageId : messageIds) {
                pending.addAll(pendingOf(connection, messageId, allRecordsOf(connection, messageId)));
            }
            return pending;
        } catch (SQLException e) {
            throw failure("cannot list pending records", e);
        }
    }

    /** Records waiting for a national system: the forward backlog. */
    public long backlog() {
        return recordsWithStatus("PENDING");
    }

    /** Records whose retries are spent and that no operator has replayed or discarded yet. */
    public long deadLetterCount() {
        return recordsWithStatus("DEAD_LETTERED");
    }

    private long recordsWithStatus(String status) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT COUNT(*) FROM outbound_record WHERE status = ?")) {
            statement.setString(1, status);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("cannot count the records " + status, e);
        }
    }

    /**
     * True when a national system already acknowledged this key (from this message or another). Only the
     * record that claimed a key is ever sent with it, so the claimant's row says whether the key was delivered.
     */
    public boolean alreadyDelivered(String idempotencyKey) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT 1 FROM dispatched_key k JOIN outbound_record r ON r.message_id = k.message_id AND r.seq = k.seq"
                                + " WHERE k.idempotency_key = ? AND r.status = 'DELIVERED'")) {
            statement.setString(1, idempotencyKey);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            throw failure("cannot look up key " + idempotencyKey, e);
        }
    }

    /** Each record of the message with its delivery state, in record order. */
    public List<RecordDelivery> recordsOf(String messageId) {
        String sql =
                "SELECT seq, record_type, record_id, record_version, idempotency_key, status, attempts, delivered_at, last_error"
                        + " FROM outbound_record WHERE message_id = ? ORDER BY seq";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, messageId);
            try (ResultSet rows = statement.executeQuery()) {
                List<RecordDelivery> records = new ArrayList<>();
                while (rows.next()) {
                    OffsetDateTime deliveredAt = rows.getObject(8, OffsetDateTime.class);
                    records.add(new RecordDelivery(
                            rows.getInt(1),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getString(4),
                            rows.getString(5),
                            rows.getString(6),
                            rows.getInt(7),
                            deliveredAt == null ? null : deliveredAt.toInstant(),
                            rows.getString(9)));
                }
                return records;
            }
        } catch (SQLException e) {
            throw failure("cannot read records of " + messageId, e);
        }
    }

    public void recordAttempt(String messageId, int seq, String error) {
        book(List.of(Outcome.of(messageId, seq, "ATTEMPT_FAILED", error)));
    }

    public void markDelivered(String messageId, int seq) {
        book(List.of(Outcome.of(messageId, seq, "DELIVERED", null)));
    }

    /** Delivered, with more bookkeeping in the same transaction (the AEO statement last forwarded). */
    public void markDelivered(String messageId, int seq, EvidenceArchive.InTransaction alsoInTransaction) {
        book(List.of(new Outcome(messageId, seq, "DELIVERED", null, alsoInTransaction)));
    }

    /** Not forwarded: a newer statement about the same operator already reached the national system. */
    public void markSuperseded(String messageId, int seq, String reason) {
        book(List.of(Outcome.of(messageId, seq, "SUPERSEDED", reason)));
    }

    public void markDeadLettered(String messageId, int seq, String error) {
        book(List.of(Outcome.of(messageId, seq, "DEAD_LETTERED", error)));
    }

    /** A record's delivery state: its status and how many attempts failed so far. */
    public record RecordState(String status, int attempts) {}

    /**
     * The state of each of these records, keyed {@code messageId + "/" + seq}, read in one query: a forward batch
     * learns which of its records are still owed (a record redelivered after a crash may be resolved already).
     */
    public java.util.Map<String, RecordState> states(List<RecordBatch.QueuedRecord> records) {
        java.util.Map<String, RecordState> states = new java.util.HashMap<>();
        java.util.Map<String, List<Integer>> seqsByMessage = new java.util.LinkedHashMap<>();
        records.forEach(r -> seqsByMessage
                .computeIfAbsent(r.messageId(), id -> new ArrayList<>())
                .add(r.seq()));
        try (Connection connection = dataSource.getConnection()) {
            // One look-up by primary key per message: an OR of (message, seq) pairs made H2 scan the table.
            for (java.util.Map.Entry<String, List<Integer>> message : seqsByMessage.entrySet()) {
                String sql = "SELECT seq, status, attempts FROM outbound_record WHERE message_id = ? AND seq IN ("
                        + String.join(
                                ",",
                                java.util.Collections.nCopies(message.getValue().size(), "?")) + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setString(1, message.getKey());
                    for (int i = 0; i < message.getValue().size(); i++) {
                        statement.setInt(i + 2, message.getValue().get(i));
                    }
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            states.put(
                                    message.getKey() + "/" + rows.getInt(1),
                                    new RecordState(rows.getString(2), rows.getInt(3)));
                        }
                    }
                }
            }
            return states;
        } catch (SQLException e) {
            throw failure("cannot read the state of " + records.size() + " record(s)", e);
        }
    }

    /**
     * One outcome of a forward attempt: {@code DELIVERED}, {@code SUPERSEDED} or {@code DEAD_LETTERED} resolve the
     * record; {@code ATTEMPT_FAILED} counts a failed attempt and keeps its error.
     */
    public record Outcome(
            String messageId, int seq, String status, String note, EvidenceArchive.InTransaction alsoInTransaction) {
        public static Outcome of(String messageId, int seq, String status, String note) {
            return new Outcome(messageId, seq, status, note, connection -> {});
        }
    }

    /** Books the outcomes of a forward batch in one transaction and one commit, shared with whatever else is written. */
    public void book(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        groupCommit.run(connection -> bookIn(connection, outcomes, now), outcomes.size());
    }

    /**
     * A batch's outcomes in a few statements: its failed attempts in one JDBC batch, its resolutions in another, then
     * one progress update per message and, for each message with nothing left pending, its final status. (A
     * statement per record and five per resolution made booking the largest share of the database writer's time.)
     */
    private static void bookIn(Connection connection, List<Outcome> outcomes, Instant now) throws SQLException {
        List<Outcome> attempts = new ArrayList<>();
        List<Outcome> resolutions = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            ("ATTEMPT_FAILED".equals(outcome.status()) ? attempts : resolutions).add(outcome);
        }
        if (!attempts.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE outbound_record SET attempts = attempts + 1, last_error = ? WHERE message_id = ? AND seq = ?")) {
                for (Outcome attempt : attempts) {
                    statement.setString(1, truncated(attempt.note()));
                    statement.setString(2, attempt.messageId());
                    statement.setInt(3, attempt.seq());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        }
        if (resolutions.isEmpty()) {
            return;
        }
        int[] changed;
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE outbound_record SET status = ?, delivered_at = ?, last_error = COALESCE(?, last_error)"
                        + " WHERE message_id = ? AND seq = ? AND status = 'PENDING'")) {
            for (Outcome resolution : resolutions) {
                statement.setString(1, resolution.status());
                statement.setObject(
                        2,
                        "DELIVERED".equals(resolution.status()) ? OffsetDateTime.ofInstant(now, ZoneOffset.UTC) : null);
                statement.setString(3, truncated(resolution.note()));
                statement.setString(4, resolution.messageId());
                statement.setInt(5, resolution.seq());
                statement.addBatch();
            }
            changed = statement.executeBatch();
        }
        java.util.Map<String, Integer> resolvedPerMessage = new java.util.LinkedHashMap<>();
        for (int i = 0; i < resolutions.size(); i++) {
            Outcome resolution = resolutions.get(i);
            if (changed[i] == 0 && !isDispatchedMessage(connection, resolution.messageId())) {
                throw new GatewayException(GatewayError.NOT_FOUND, "no message " + resolution.messageId());
            }
            resolution.alsoInTransaction().run(connection);
            resolvedPerMessage.merge(resolution.messageId(), changed[i] > 0 ? 1 : 0, Integer::sum);
        }
        resolvedPerMessage.values().removeIf(count -> count == 0);
        if (resolvedPerMessage.isEmpty()) {
            return;
        }
        // The decrement locks each message's progress row: concurrent resolutions of its records serialise here,
        // and the one that takes it to zero sets the message's final status.
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE message_progress SET records_pending = records_pending - ? WHERE message_id = ?")) {
            for (java.util.Map.Entry<String, Integer> message : resolvedPerMessage.entrySet()) {
                statement.setInt(1, message.getValue());
                statement.setString(2, message.getKey());
                statement.addBatch();
            }
            statement.executeBatch();
        }
        for (String messageId : resolvedPerMessage.keySet()) {
            if (recordsPending(connection, messageId) == 0) {
                setStatus(connection, messageId, finalStatus(connection, messageId), now, null);
            }
        }
    }

    private static String truncated(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
    }

    /** Whether the message was dispatched before {@code instant} (by a process before this one, say). */
    static boolean dispatchedBefore(Connection connection, String messageId, Instant instant) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM message_progress WHERE message_id = ? AND dispatched_at < ?")) {
            statement.setString(1, messageId);
            statement.setObject(2, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    /** Whether the message was dispatched: its progress row exists. */
    private static boolean isDispatchedMessage(Connection connection, String messageId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT 1 FROM message_progress WHERE message_id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    private static int recordsPending(Connection connection, String messageId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT records_pending FROM message_progress WHERE message_id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getInt(1) : 0;
            }
        }
    }

    private static String finalStatus(Connection connection, String messageId) throws SQLException {
        int delivered = 0;
        int dead = 0;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT status, COUNT(*) FROM outbound_record WHERE message_id = ? GROUP BY status")) {
            statement.setString(1, messageId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if ("DELIVERED".equals(rows.getString(1))) {
                        delivered = rows.getInt(2);
                    } else if ("DEAD_LETTERED".equals(rows.getString(1))) {
                        dead = rows.getInt(2);
                    }
                }
            }
        }
        if (dead == 0) {
            return "FORWARDED";
        }
        return delivered == 0 ? "DEAD_LETTERED" : "PARTIALLY_FORWARDED";
    }

    private static void setStatus(Connection connection, String messageId, String status, Instant at, String note)
            throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("UPDATE inbound_message SET status = ? WHERE message_id = ?")) {
            statement.setString(1, status);
            statement.setString(2, messageId);
            statement.executeUpdate();
        }
        EvidenceArchive.insertHistoryRow(connection, messageId, status, at, note);
    }

    /**
     * Inserts one outbound row per record: PENDING when its content was never dispatched before, UNCHANGED
     * when another message already carried the same record version. Returns the PENDING ones.
     */
    private static List<OutboundRecord> insertOutboundRows(Connection connection, List<OutboundRecord> records)
            throws SQLException {
        List<OutboundRecord> pending = new ArrayList<>();
        if (records.isEmpty()) {
            return pending;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO outbound_record (message_id, seq, record_type, record_id, record_version, idempotency_key, status, attempts, last_error)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
            for (OutboundRecord record : records) {
                String firstCarrier = claimKey(connection, record);
                boolean isNew = firstCarrier == null;
                if (isNew) {
                    pending.add(record);
                }
                statement.setString(7, isNew ? "PENDING" : "UNCHANGED");
                statement.setString(8, isNew ? null : "same content already forwarded from message " + firstCarrier);
                int split = record.idempotencyKey().lastIndexOf(':');
                statement.setString(1, record.messageId());
                statement.setInt(2, record.seq());
                statement.setString(3, record.recordType());
                statement.setString(4, record.idempotencyKey().substring(0, split));
                statement.setString(5, record.idempotencyKey().substring(split + 1));
                statement.setString(6, record.idempotencyKey());
                statement.addBatch();
            }
            statement.executeBatch();
        }
        return pending;
    }

    /** Claims a record version for this message; returns the message that claimed it first, or null when this one did. */
    private static String claimKey(Connection connection, OutboundRecord record) throws SQLException {
        // Insert first: a new version (the usual case) costs one index write and no lookup. A concurrent claim of the
        // same key from another instance waits for that one to commit, then inserts nothing and reads its claim.
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO dispatched_key (idempotency_key, message_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, record.idempotencyKey());
            insert.setString(2, record.messageId());
            insert.setInt(3, record.seq());
            if (insert.executeUpdate() == 1) {
                return null;
            }
        }
        try (PreparedStatement select =
                connection.prepareStatement("SELECT message_id FROM dispatched_key WHERE idempotency_key = ?")) {
            select.setString(1, record.idempotencyKey());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException(
                            "the claim of " + record.idempotencyKey() + " conflicted but cannot be read");
                }
                return row.getString(1).equals(record.messageId()) ? null : row.getString(1);
            }
        }
    }

    private static List<OutboundRecord> pendingOf(Connection connection, String messageId, List<OutboundRecord> records)
            throws SQLException {
        List<Integer> pendingSeqs = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT seq FROM outbound_record WHERE message_id = ? AND status = 'PENDING' ORDER BY seq")) {
            statement.setString(1, messageId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    pendingSeqs.add(rows.getInt(1));
                }
            }
        }
        return records.stream().filter(r -> pendingSeqs.contains(r.seq())).toList();
    }

    /**
     * The outbound records of a records document, read one record at a time: a 10 MB list's document is 40 MB
     * of JSON, and as one string and one tree it held several times that while it was dispatched.
     */
    private static List<OutboundRecord> parse(String messageId, Reader recordsJson, int firstSeq) {
        List<OutboundRecord> records = new ArrayList<>();
        if (recordsJson == null) {
            return records;
        }
        try (Reader document = recordsJson;
                JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("the records document is not a JSON array");
            }
            int seq = firstSeq;
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode record = parser.readValueAsTree();
                String type = record.path("recordType").asText();
                // One group per operator: Artemis hands a group's records to one consumer at a time, in order.
                String group = "AEO_STATUS".equals(type)
                        ? aeoGroup(record.path("recordId").asText())
                        : null;
                records.add(new OutboundRecord(
                        messageId,
                        seq++,
                        type,
                        record.path("recordId").asText() + ":"
                                + record.path("recordVersion").asText(),
                        group,
                        JSON.writeValueAsString(record)));
            }
            return records;
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the archived records of " + messageId + " cannot be read", e);
        }
    }

    /** "AEO:partner:aeoId" from the key partner:aeoId:statusChangedAt (an agreement may withhold aeoId itself). */
    private static String aeoGroup(String recordId) {
        int second = recordId.indexOf(':', recordId.indexOf(':') + 1);
        return "AEO:" + (second < 0 ? recordId : recordId.substring(0, second));
    }

    private static GatewayException failure(String what, SQLException e) {
        return new GatewayException(GatewayError.INTERNAL_ERROR, what + ": " + e.getMessage(), e);
    }
}
