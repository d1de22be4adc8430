package org.cbec.gateway.evidence;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes whole messages once they are settled and older than {@code gateway.ledger.retention}, so that the database
 * stops growing: the message row, its decision and records, the reference to its bytes, its status history, its
 * delivery ledger rows and record-version claims, its duplicate digests, its replays, its signed receipts and its
 * hash-chain entry. AS4 duplicate-elimination rows, AS4 signals and security events older than the retention go too.
 *
 * <p>The chain stays verifiable: messages are removed only as a prefix of the chain, and only entries a seal already
 * covers. The first entry kept links to the hash of the last one removed, and the seal that covered that one (seals are
 * kept for ever: a few hundred bytes an interval) still signs a head computed through it; every later seal signs a head
 * computed from the kept entries on. An export of what is kept verifies offline as before. A message not yet settled
 * (records still owed to a national system, a replay under way) stops the prefix: nothing accepted is removed before
 * it is delivered or dead-lettered, and it is logged so that an operator sees why the database does not shrink.
 *
 * <p>What a removed message answered can no longer be found: the same bytes again are a new message, and a record
 * version it carried can be forwarded again (the national system's idempotency key still recognises it). That is why
 * the retention must be at least {@code gateway.evidence.retention}, which removes the bytes themselves.
 */
public final class MessageRetention {
    private static final Logger LOG = LoggerFactory.getLogger(MessageRetention.class);
    /** Messages removed in one transaction: small enough not to hold the database writer for long. */
    static final int BATCH = 500;
    /** Final statuses: nothing more happens to such a message unless an operator acts on it. */
    private static final Set<String> SETTLED = Set.of(
            "FORWARDED", "PARTIALLY_FORWARDED", "DEAD_LETTERED", "REJECTED", "DUPLICATE", "DEAD_LETTER_DISCARDED");

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration retention;

    /** @param retention how long a settled message's rows are kept; null keeps them for ever */
    public MessageRetention(DataSource dataSource, Clock clock, Duration retention) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.retention = retention;
    }

    /** One message at the chain's front: what removing it needs, and whether it may be removed. */
    private record Front(
            long chainSeq, String messageId, Instant receivedAt, String status, int pending, String sha256) {
        boolean removableBefore(Instant cutoff) {
            return messageId != null
                    && receivedAt != null
                    && receivedAt.isBefore(cutoff)
                    && SETTLED.contains(status)
                    && pending == 0;
        }
    }

    /** What one pass removed. */
    public record Removed(int messages, int as4Rows, int securityEvents) {}

    /** Removes what is past the retention (the {@code evidence-retention} route, hourly); returns how much. */
    public Removed apply() {
        if (retention == null) {
            return new Removed(0, 0, 0);
        }
        Instant cutoff = clock.instant().minus(retention);
        int messages = 0;
        int removed;
        do {
            removed = Sql.onConnection(dataSource, "cannot apply the ledger retention", c -> removeBatch(c, cutoff));
            messages += removed;
        } while (removed == BATCH);
        int as4 = removeOlder("as4_signal", "signal_id", "sent_at", cutoff)
                + removeOlder("as4_message", "partner_id, ebms_message_id", "claimed_at", cutoff);
        int events = removeOlder("security_event", "event_id", "occurred_at", cutoff);
        if (messages + as4 + events > 0) {
            LOG.info(
                    "Ledger retention ({}): removed {} message(s) received before {}, {} AS4 row(s), {} security event(s)",
                    retention,
                    messages,
                    cutoff,
                    as4,
                    events);
        }
        return new Removed(messages, as4, events);
    }

    private int removeBatch(Connection connection, Instant cutoff) throws SQLException {
        long sealed = Sql.first(
                        connection, "SELECT COALESCE(MAX(chain_seq), 0) FROM evidence_seal", row -> row.getLong(1))
                .orElse(0L);
        List<Front> front = Sql.list(
                connection,
                "SELECT c.chain_seq, c.message_id, m.received_at, m.status, COALESCE(p.records_pending, 0), m.sha256"
                        + " FROM evidence_chain c LEFT JOIN inbound_message m ON m.message_id = c.message_id"
                        + " LEFT JOIN message_progress p ON p.message_id = c.message_id"
                        + " WHERE c.chain_seq <= ? ORDER BY c.chain_seq LIMIT " + BATCH,
                row -> new Front(
                        row.getLong(1),
                        row.getString(2),
                        row.getObject(3) == null ? null : Sql.instant(row, 3),
                        row.getString(4),
                        row.getInt(5),
                        row.getString(6)),
                sealed);
        List<Front> removable = new ArrayList<>();
        for (Front message : front) {
            if (!message.removableBefore(cutoff)) {
                if (message.receivedAt() != null && message.receivedAt().isBefore(cutoff)) {
                    LOG.info(
                            "Ledger retention stops at message {} (status {}, {} record(s) pending): it is not settled",
                            message.messageId(),
                            message.status(),
                            message.pending());
                }
                break;
            }
            removable.add(message);
        }
        if (removable.isEmpty()) {
            return 0;
        }
        connection.setAutoCommit(false);
        try {
            for (Front message : removable) {
                remove(connection, message);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return removable.size();
    }

    private static void remove(Connection connection, Front message) throws SQLException {
        String id = message.messageId();
        Sql.update(
                connection,
                "DELETE FROM dispatched_key WHERE message_id = ? AND idempotency_key IN"
                        + " (SELECT idempotency_key FROM outbound_record WHERE message_id = ?)",
                id,
                id);
        if (message.sha256() != null) {
            Sql.update(
                    connection,
                    "DELETE FROM accepted_digest WHERE sha256 = ? AND message_id = ?",
                    message.sha256(),
                    id);
        }
        for (String table : List.of(
                "accepted_content",
                "outbound_record",
                "message_progress",
                "message_replay",
                "message_status_history",
                "signed_receipt",
                "inbound_content",
                "inbound_decision",
                "inbound_message")) {
            Sql.update(connection, "DELETE FROM " + table + " WHERE message_id = ?", id);
        }
        Sql.update(connection, "DELETE FROM evidence_chain WHERE chain_seq = ?", message.chainSeq());
    }

    /** Rows of a table older than the cutoff, a thousand to a transaction (an old database's first pass is large). */
    private int removeOlder(String table, String key, String time, Instant cutoff) {
        String sql = "DELETE FROM " + table + " WHERE (" + key + ") IN (SELECT " + key + " FROM " + table + " WHERE "
                + time + " < ? LIMIT 1000)";
        int total = 0;
        int removed;
        do {
            removed = Sql.onConnection(
                    dataSource, "cannot apply the ledger retention to " + table, c -> Sql.update(c, sql, cutoff));
            total += removed;
        } while (removed == 1000);
        return total;
    }
}
