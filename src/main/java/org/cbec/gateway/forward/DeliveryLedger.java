package org.cbec.gateway.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.cbec.gateway.config.Database;
import org.cbec.gateway.config.GroupCommit;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.Sql;

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
    private final GroupCommit groupCommit;
    private final Clock clock;

    /** Reads from the database and books dispatches and deliveries through its group commit. */
    public DeliveryLedger(Database database, Clock clock) {
        this.dataSource = database.dataSource();
        this.groupCommit = database.writer();
        this.clock = clock;
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
     * {@link #dispatch} for a large message (a 10 MB list's 80,000 records): its ledger rows are made from the records'
     * keys alone, then the records owed are read again from the records document, each with its JSON, and handed to
     * {@code owed} as they are read. The list is never in hand whole with its JSON (some 50 MiB of a list's live set
     * while it was queued). Returns how many were owed.
     */
    public int dispatchInPages(String messageId, Consumer<OutboundRecord> owed) {
        List<OutboundRecord> keys = new ArrayList<>();
        readAccepted(messageId, document -> LedgerRows.each(messageId, document, 0, false, keys::add));
        AtomicReference<List<OutboundRecord>> pending = new AtomicReference<>();
        groupCommit.run(connection -> pending.set(dispatchIn(connection, messageId, keys)), keys.size());
        BitSet owedSeqs = new BitSet();
        int count = 0;
        for (OutboundRecord record : pending.get()) {
            if (record.json() != null) {
                owed.accept(record); // read whole with its JSON: a redelivered dispatch, or a replay's record
                count++;
            } else {
                owedSeqs.set(record.seq());
            }
        }
        pending.set(null);
        keys.clear();
        if (!owedSeqs.isEmpty()) {
            readAccepted(
                    messageId,
                    document -> LedgerRows.each(messageId, document, 0, true, record -> {
                        if (owedSeqs.get(record.seq())) {
                            owed.accept(record);
                        }
                    }));
            count += owedSeqs.cardinality();
        }
        return count;
    }

    /** How many records an accepted message has (0 if there is none by that id), from its row alone. */
    public int recordCount(String messageId) {
        return (int) number(
                "cannot read message " + messageId,
                "SELECT record_count FROM inbound_message WHERE message_id = ? AND verdict = 'ACCEPTED'",
                messageId);
    }

    /**
     * The dispatch's work inside the caller's transaction (the accept log's projection archives the message and
     * dispatches it in one): creates the outbound rows once and returns the records still to deliver.
     */
    public List<OutboundRecord> dispatchIn(Connection connection, String messageId, List<OutboundRecord> records)
            throws SQLException {
        if (LedgerBooking.isDispatchedMessage(connection, messageId)) {
            // A redelivered dispatch: what is still owed, including the records of replays.
            return LedgerRows.pendingOf(connection, messageId, LedgerRows.allRecordsOf(connection, messageId));
        }
        Instant now = clock.instant();
        // Two dispatches of one message at once collide on these primary keys: the second rolls back and, redelivered,
        // finds the first's work.
        List<OutboundRecord> fresh = LedgerRows.insertOutboundRows(connection, records);
        Sql.update(
                connection,
                "INSERT INTO message_progress (message_id, records_pending, dispatched_at) VALUES (?, ?, ?)",
                messageId,
                fresh.size(),
                now);
        if (fresh.isEmpty()) {
            LedgerBooking.setStatus(
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
        return LedgerRows.parse(messageId, recordsJson == null ? null : new StringReader(recordsJson), 0);
    }

    private List<OutboundRecord> acceptedRecords(String messageId) {
        List<OutboundRecord> records = new ArrayList<>();
        readAccepted(messageId, document -> LedgerRows.each(messageId, document, 0, true, records::add));
        return records;
    }

    /** Reads an accepted message's records document with {@code read}, as a stream. */
    private void readAccepted(String messageId, Consumer<java.io.Reader> read) {
        Sql.first(
                        dataSource,
                        "cannot read the records of " + messageId,
                        "SELECT d.records FROM inbound_message m LEFT JOIN inbound_decision d ON d.message_id = m.message_id"
                                + " WHERE m.message_id = ? AND m.verdict = 'ACCEPTED'",
                        row -> {
                            read.accept(row.getCharacterStream(1));
                            return true;
                        },
                        messageId)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.NOT_FOUND, "no accepted message " + messageId + " to dispatch"));
    }

    /**
     * Records a replay of a message: the records the current translators made, of which those whose version
     * was never dispatched become new PENDING rows, and the message's DEAD_LETTERED rows go back to PENDING.
     * Returns every record of the message now waiting to be queued.
     */
    public Replay replay(String messageId, String recordsJson, String operator) {
        return LedgerOperatorActions.replay(dataSource, messageId, recordsJson, operator, clock.instant());
    }

    /** What a replay changed, and the records it queues. */
    public record Replay(int replayNo, int newVersions, int resent, List<OutboundRecord> toQueue) {}

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
        return Sql.list(
                dataSource,
                "cannot list dead letters",
                sql,
                row -> new DeadLetter(
                        row.getString(1) + "-" + row.getInt(2),
                        row.getString(1),
                        row.getInt(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getInt(6),
                        row.getString(7),
                        Sql.instant(row, 8).toString()),
                partnerId == null ? new Object[0] : new Object[] {partnerId});
    }

    /**
     * An operator's action on one dead-lettered record: REPLAY puts it back to PENDING and returns it to queue;
     * DISCARD closes it for good. Either is recorded in the message's status history with the operator's note.
     */
    public Optional<OutboundRecord> actOnDeadLetter(String messageId, int seq, boolean replay, String note) {
        return LedgerOperatorActions.actOnDeadLetter(dataSource, messageId, seq, replay, note, clock.instant());
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
        return Sql.onConnection(dataSource, "cannot list pending records", connection -> {
            List<OutboundRecord> pending = new ArrayList<>();
            for (String messageId : Sql.list(connection, sql, row -> row.getString(1), dispatchedBefore)) {
                pending.addAll(
                        LedgerRows.pendingOf(connection, messageId, LedgerRows.allRecordsOf(connection, messageId)));
            }
            return pending;
        });
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
        return number(
                "cannot count the records " + status, "SELECT COUNT(*) FROM outbound_record WHERE status = ?", status);
    }

    /** The one number a query of one parameter answers; 0 when it finds no row. */
    private long number(String failure, String sql, Object parameter) {
        return Sql.first(dataSource, failure, sql, row -> row.getLong(1), parameter)
                .orElse(0L);
    }

    /**
     * True when a national system already acknowledged this key (from this message or another). Only the
     * record that claimed a key is ever sent with it, so the claimant's row says whether the key was delivered.
     */
    public boolean alreadyDelivered(String idempotencyKey) {
        return Sql.first(
                        dataSource,
                        "cannot look up key " + idempotencyKey,
                        "SELECT 1 FROM dispatched_key k JOIN outbound_record r ON r.message_id = k.message_id AND r.seq = k.seq"
                                + " WHERE k.idempotency_key = ? AND r.status = 'DELIVERED'",
                        row -> true,
                        idempotencyKey)
                .isPresent();
    }

    /** Each record of the message with its delivery state, in record order. */
    public List<RecordDelivery> recordsOf(String messageId) {
        String sql =
                "SELECT seq, record_type, record_id, record_version, idempotency_key, status, attempts, delivered_at, last_error"
                        + " FROM outbound_record WHERE message_id = ? ORDER BY seq";
        return Sql.list(
                dataSource,
                "cannot read records of " + messageId,
                sql,
                row -> new RecordDelivery(
                        row.getInt(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getString(6),
                        row.getInt(7),
                        Sql.instant(row, 8),
                        row.getString(9)),
                messageId);
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
        try (Connection connection = dataSource.getConnection();
                // One range of the primary key per message, the wanted rows kept: an OR of (message, seq) pairs made
                // H2 scan the table, and an IN list of seqs every row of the message (80,000 of a 10 MB list, for
                // each batch: such a list queued again after a crash was delivered at a third of the speed).
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT seq, status, attempts FROM outbound_record WHERE message_id = ? AND seq BETWEEN ? AND ?")) {
            for (java.util.Map.Entry<String, List<Integer>> message : seqsByMessage.entrySet()) {
                java.util.Set<Integer> wanted = new java.util.HashSet<>(message.getValue());
                statement.setString(1, message.getKey());
                statement.setInt(2, java.util.Collections.min(wanted));
                statement.setInt(3, java.util.Collections.max(wanted));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        if (wanted.contains(rows.getInt(1))) {
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

    /** A line of the message's history, in a commit of its own (a failed attempt of an outbound delivery, say). */
    public void addHistory(String messageId, String status, String note) {
        groupCommit.run(
                connection -> EvidenceArchive.insertHistoryRow(connection, messageId, status, clock.instant(), note));
    }

    /** Books the outcomes of a forward batch in one transaction and one commit, shared with whatever else is written. */
    public void book(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        groupCommit.run(connection -> LedgerBooking.bookIn(connection, outcomes, now), outcomes.size());
    }

    /** Whether the message was dispatched before {@code instant} (by a process before this one, say). */
    static boolean dispatchedBefore(Connection connection, String messageId, Instant instant) throws SQLException {
        return Sql.first(
                        connection,
                        "SELECT 1 FROM message_progress WHERE message_id = ? AND dispatched_at < ?",
                        row -> true,
                        messageId,
                        instant)
                .isPresent();
    }

    static GatewayException failure(String what, SQLException e) {
        return Sql.failure(what, e);
    }
}
