package org.cbec.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * What {@link EvidenceArchive} answers from what it has kept: a message with its decision and status history,
 * its exact bytes, its receipt, searches and the sweeps' lists. A message still in the accept log, not yet
 * projected into the rows, is answered for from there.
 */
final class ArchiveQueries {
    private final DataSource dataSource;
    private volatile AcceptLog acceptLog;
    private volatile ArchiveSegments segments;

    ArchiveQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void answerForInFlight(AcceptLog log) {
        this.acceptLog = log;
    }

    void readBodiesFrom(ArchiveSegments segments) {
        this.segments = segments;
    }

    /** {@code INBOUND} or {@code OUTBOUND}. */
    String direction(String messageId) {
        return Sql.first(
                        dataSource,
                        "cannot read the direction of " + messageId,
                        "SELECT direction FROM inbound_message WHERE message_id = ?",
                        row -> row.getString(1),
                        messageId)
                .filter("OUTBOUND"::equals)
                .orElse("INBOUND");
    }

    /** Every signed receipt sent for a message, oldest first. */
    List<byte[]> signedReceipts(String messageId) {
        return Sql.list(
                dataSource,
                "cannot read signed receipts of " + messageId,
                "SELECT cms FROM signed_receipt WHERE message_id = ? ORDER BY signed_at",
                row -> row.getBytes(1),
                messageId);
    }

    /** For each signed receipt of an outbound AS4 message, the exact request it answers (Content-Type line first), oldest first. */
    List<byte[]> sentRequests(String messageId) {
        return Sql.list(
                dataSource,
                "cannot read the requests sent for " + messageId,
                "SELECT sent_request FROM signed_receipt WHERE message_id = ? AND sent_request IS NOT NULL"
                        + " ORDER BY signed_at",
                row -> row.getBytes(1),
                messageId);
    }

    /** The accepted message with these exact bytes, if any. */
    Optional<String> acceptedMessageWithDigest(String sha256) {
        try (Connection connection = dataSource.getConnection()) {
            return ArchiveRows.acceptedMessageWithDigest(connection, sha256);
        } catch (SQLException e) {
            throw Sql.failure("cannot look up digest", e);
        }
    }

    Optional<ArchivedMessage> find(String messageId) {
        String sql =
                "SELECT m.message_id, m.received_at, m.sha256, m.size_bytes, m.content_type, m.partner_id, m.signer_subject,"
                        + " m.signing_time, m.document_format, m.verdict, m.refusal_code, m.refusal_detail, d.errors, m.record_count, d.records,"
                        + " d.receipt, m.duplicate_of, m.status FROM inbound_message m LEFT JOIN inbound_decision d ON d.message_id = m.message_id"
                        + " WHERE m.message_id = ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return inFlight(messageId);
                }
                return Optional.of(new ArchivedMessage(
                        row.getString(1),
                        Sql.instant(row, 2),
                        row.getString(3),
                        row.getLong(4),
                        row.getString(5),
                        row.getString(6),
                        row.getString(7),
                        Sql.instant(row, 8),
                        row.getString(9),
                        Verdict.valueOf(row.getString(10)),
                        row.getString(11),
                        row.getString(12),
                        row.getString(13),
                        row.getInt(14),
                        row.getString(15),
                        row.getString(16),
                        row.getString(17),
                        row.getString(18),
                        history(connection, messageId)));
            }
        } catch (SQLException e) {
            throw Sql.failure("cannot read message " + messageId, e);
        }
    }

    /** A message in the accept log, not yet projected: accepted, with nothing delivered yet. */
    private Optional<ArchivedMessage> inFlight(String messageId) {
        AcceptLog log = acceptLog;
        Optional<AcceptLog.InFlight> inFlight = log == null ? Optional.empty() : log.inFlight(messageId);
        return inFlight.map(AcceptLog.InFlight::entry)
                .map(entry -> new ArchivedMessage(
                        entry.messageId(),
                        entry.receivedAt(),
                        entry.sha256(),
                        entry.body().length,
                        entry.contentType(),
                        entry.partnerId(),
                        entry.signerSubject(),
                        entry.signingTime(),
                        entry.documentFormat(),
                        Verdict.ACCEPTED,
                        null,
                        null,
                        null,
                        entry.recordCount(),
                        entry.recordsJson(),
                        entry.receiptJson(),
                        null,
                        "ACCEPTED",
                        List.of(new ArchivedMessage.StatusChange("ACCEPTED", entry.receivedAt(), null))));
    }

    /**
     * The receipt of an archived message, without its records: a partner sending a 10 MB list again must not
     * make the gateway read the first one's 40 MB records document to answer DUPLICATE.
     */
    Optional<EvidenceArchive.FirstReceipt> receiptOf(String messageId) {
        AcceptLog log = acceptLog;
        Optional<AcceptLog.InFlight> inFlight = log == null ? Optional.empty() : log.inFlight(messageId);
        if (inFlight.isPresent()) {
            LogEntry entry = inFlight.get().entry();
            return Optional.of(
                    new EvidenceArchive.FirstReceipt(entry.partnerId(), entry.documentFormat(), entry.receiptJson()));
        }
        return Sql.first(
                dataSource,
                "cannot read the receipt of " + messageId,
                "SELECT m.partner_id, m.document_format, d.receipt FROM inbound_message m"
                        + " LEFT JOIN inbound_decision d ON d.message_id = m.message_id WHERE m.message_id = ?",
                row -> new EvidenceArchive.FirstReceipt(row.getString(1), row.getString(2), row.getString(3)),
                messageId);
    }

    /** The exact bytes received under this message id, when they were kept. */
    Optional<byte[]> content(String messageId) {
        AcceptLog log = acceptLog;
        Optional<AcceptLog.InFlight> inFlight = log == null ? Optional.empty() : log.inFlight(messageId);
        if (inFlight.isPresent()) {
            return Optional.of(inFlight.get().entry().body().clone());
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT content, segment_ref FROM inbound_content WHERE message_id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                long reference = row.getLong(2);
                if (row.wasNull()) {
                    return Optional.of(row.getBytes(1));
                }
                ArchiveSegments kept = segments;
                if (kept == null) {
                    throw new GatewayException(
                            GatewayError.INTERNAL_ERROR,
                            "the bytes of " + messageId + " are in archive segments this instance does not have");
                }
                // Empty once retention removed its segment: the digest in the hash chain still stands for it.
                return kept.read(reference);
            }
        } catch (SQLException e) {
            throw Sql.failure("cannot read content of " + messageId, e);
        }
    }

    /** Accepted messages whose records were never handed to the forward queues (a crash between archive and queue). */
    List<String> acceptedButNotDispatched(Instant receivedBefore) {
        // Within the signing-time window only: anything older was dispatched long ago, or was noticed by an earlier
        // sweep.
        return Sql.list(
                dataSource,
                "cannot list undispatched messages",
                "SELECT m.message_id FROM inbound_message m WHERE m.received_at < ? AND m.received_at > ?"
                        + " AND m.verdict = 'ACCEPTED' AND NOT EXISTS (SELECT 1 FROM message_progress p"
                        + " WHERE p.message_id = m.message_id) ORDER BY m.message_id",
                row -> row.getString(1),
                receivedBefore,
                receivedBefore.minus(java.time.Duration.ofDays(7)));
    }

    /** A condition of a search, when its value is given. */
    private static void where(StringBuilder sql, List<Object> parameters, String condition, Object value) {
        if (value != null) {
            sql.append(condition);
            parameters.add(value);
        }
    }

    /** A search over archived messages, newest first: any of partner, status, document format and time range. */
    List<ArchivedMessage> search(
            String partnerId, String status, String documentFormat, Instant since, Instant until, int limit) {
        StringBuilder sql = new StringBuilder("SELECT message_id FROM inbound_message WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        where(sql, parameters, " AND document_format = ?", documentFormat);
        where(sql, parameters, " AND received_at < ?", until);
        where(sql, parameters, " AND partner_id = ?", partnerId);
        where(sql, parameters, " AND status = ?", status);
        where(sql, parameters, " AND received_at >= ?", since);
        sql.append(" ORDER BY received_at DESC, message_id DESC LIMIT ").append(Math.max(1, Math.min(limit, 1000)));
        List<String> ids = Sql.list(
                dataSource, "cannot search messages", sql.toString(), row -> row.getString(1), parameters.toArray());
        List<ArchivedMessage> messages = new ArrayList<>();
        for (String id : ids) {
            find(id).ifPresent(messages::add);
        }
        return messages;
    }

    /** The accepted message whose signed content, from this partner, had this digest, if any. */
    Optional<String> acceptedMessageWithContent(String partnerId, String contentSha256) {
        if (partnerId == null || contentSha256 == null) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection()) {
            return ArchiveRows.acceptedMessageWithContent(connection, partnerId, contentSha256);
        } catch (SQLException e) {
            throw Sql.failure("cannot look up the signed content's digest", e);
        }
    }

    private static List<ArchivedMessage.StatusChange> history(Connection connection, String messageId)
            throws SQLException {
        return Sql.list(
                connection,
                "SELECT status, at, note FROM message_status_history WHERE message_id = ? ORDER BY at, status",
                row -> new ArchivedMessage.StatusChange(row.getString(1), Sql.instant(row, 2), row.getString(3)),
                messageId);
    }
}
