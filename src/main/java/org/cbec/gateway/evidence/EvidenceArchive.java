package org.cbec.gateway.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
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

/**
 * The archive of every received message, accepted or refused: its exact bytes, digest, signer, verdict,
 * records and receipt. Rows are only ever inserted; what happens afterwards is recorded as status history.
 */
public final class EvidenceArchive {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Signed bytes larger than this are streamed into the database (see {@link #isH2}). */
    private static final int STREAMED_FROM_BYTES = 1 << 20;

    private final DataSource dataSource;
    private final GroupCommit groupCommit;
    private volatile AcceptLog acceptLog;
    private volatile ArchiveSegments segments;
    private volatile java.time.Duration retention;

    /** Archives through {@code writer}, the database's group commit, and reads on its own connections. */
    public EvidenceArchive(DataSource dataSource, GroupCommit writer) {
        this.dataSource = dataSource;
        this.groupCommit = writer;
    }

    /**
     * The received bytes go to these append-only segments instead of database rows (the embedded database: there a
     * body in a row was rewritten with every page it sat in). An external database keeps them, so that every instance
     * can read every body.
     */
    public void keepBodiesIn(ArchiveSegments segments) {
        this.segments = segments;
    }

    /** How long received bytes are kept (null: for ever); see {@link #applyRetention()}. */
    public void retainFor(java.time.Duration retention) {
        this.retention = retention;
    }

    /**
     * Removes the archive segments whose bodies are all older than {@code gateway.evidence.retention} (the
     * {@code evidence-retention} route, hourly). The message rows, their digests and the hash chain stay: what was
     * received and decided can still be shown and proved, only the bytes themselves are gone.
     */
    public int applyRetention() {
        ArchiveSegments kept = segments;
        java.time.Duration keepFor = retention;
        return kept == null || keepFor == null ? 0 : kept.applyRetention(keepFor);
    }

    /** Messages accepted into the accept log and not yet projected are answered for from there. */
    public void answerForInFlight(AcceptLog log) {
        this.acceptLog = log;
    }

    /** What projecting an accept-log entry found. */
    public enum Projection {
        /** The entry is archived now. */
        NEW,
        /** It was archived before (the entry is read again after a crash between the archive and the queue). */
        ALREADY,
        /** Another message with the same bytes was archived first: this one is archived as its duplicate. */
        DUPLICATE
    }

    /**
     * Archives an accepted message read from the accept log, inside the caller's transaction (the projection's,
     * which also books its records). Idempotent on the message id.
     */
    public Projection project(Connection connection, InboundEvidence evidence, String contentSha256)
            throws SQLException {
        Optional<String> earlier = acceptedMessageWithDigest(connection, evidence.sha256())
                .or(() -> acceptedMessageWithContent(connection, evidence.partnerId(), contentSha256));
        if (earlier.isPresent()) {
            if (earlier.get().equals(evidence.messageId())) {
                return Projection.ALREADY;
            }
            InboundEvidence duplicate = new InboundEvidence(
                    evidence.messageId(),
                    evidence.receivedAt(),
                    evidence.sha256(),
                    evidence.sizeBytes(),
                    evidence.contentType(),
                    null,
                    evidence.partnerId(),
                    evidence.signerSubject(),
                    evidence.signingTime(),
                    evidence.documentFormat(),
                    Verdict.DUPLICATE,
                    null,
                    null,
                    List.of(),
                    0,
                    null,
                    null,
                    earlier.get());
            insertMessage(connection, duplicate, "DUPLICATE");
            insertHistory(
                    connection,
                    evidence.messageId(),
                    "DUPLICATE",
                    evidence.receivedAt(),
                    "duplicate of " + earlier.get() + " (both were accepted at once; only the first is forwarded)");
            return Projection.DUPLICATE;
        }
        insertDigest(connection, evidence);
        insertAcceptedContent(connection, evidence, contentSha256);
        insertMessage(connection, evidence, "ACCEPTED");
        insertContent(connection, evidence);
        insertHistory(connection, evidence.messageId(), "ACCEPTED", evidence.receivedAt(), null);
        return Projection.NEW;
    }

    /**
     * Archives an accepted message in one transaction. When another message with the same digest was
     * accepted first (a concurrent duplicate), nothing is written and that message's id is returned.
     */
    public Optional<String> archiveAccepted(InboundEvidence evidence) {
        return archiveAccepted(evidence, null, connection -> {});
    }

    /** Work that must commit or roll back with the evidence of a message (the AEO registry's statements). */
    @FunctionalInterface
    public interface InTransaction {
        void run(Connection connection) throws SQLException;
    }

    /**
     * As {@link #archiveAccepted(InboundEvidence)}, with more work in the same transaction; {@code contentSha256}, the
     * digest of the signed content, makes a re-signed copy of an accepted document from the same partner a duplicate.
     */
    public Optional<String> archiveAccepted(
            InboundEvidence evidence, String contentSha256, InTransaction alsoInTransaction) {
        AtomicReference<String> first = new AtomicReference<>();
        try {
            GroupCommit.Work archive = connection -> {
                Optional<String> earlier = acceptedMessageWithDigest(connection, evidence.sha256())
                        .or(() -> acceptedMessageWithContent(connection, evidence.partnerId(), contentSha256));
                if (earlier.isPresent()) {
                    first.set(earlier.get());
                    return;
                }
                insertDigest(connection, evidence);
                insertAcceptedContent(connection, evidence, contentSha256);
                insertMessage(connection, evidence, "ACCEPTED");
                insertContent(connection, evidence);
                insertHistory(connection, evidence.messageId(), "ACCEPTED", evidence.receivedAt(), null);
                alsoInTransaction.run(connection);
            };
            // Messages archived at the same moment share one commit, each caller waiting for its own; a large list
            // alone.
            groupCommit.run(archive, evidence.recordCount());
        } catch (GatewayException e) {
            // Another instance may have accepted the same bytes or content first (its digest row won).
            Optional<String> earlier = acceptedMessageWithDigest(evidence.sha256())
                    .or(() -> acceptedMessageWithContent(evidence.partnerId(), contentSha256));
            if (earlier.isPresent()) {
                return earlier;
            }
            throw e;
        }
        return Optional.ofNullable(first.get());
    }

    /**
     * Archives a national system's accepted request to send records to a partner (CONTRACT.md §8), marked OUTBOUND, with
     * more work in the same transaction (the delivery ledger's rows). {@code requestKey} makes the same request to the same
     * partner a duplicate (the same bytes to another partner are not); when one was accepted first, nothing is written
     * and its id is returned.
     */
    public Optional<String> archiveOutbound(
            InboundEvidence evidence, String requestKey, InTransaction alsoInTransaction) {
        AtomicReference<String> first = new AtomicReference<>();
        try {
            groupCommit.run(connection -> {
                Optional<String> earlier = acceptedMessageWithContent(connection, evidence.partnerId(), requestKey);
                if (earlier.isPresent()) {
                    first.set(earlier.get());
                    return;
                }
                insertAcceptedContent(connection, evidence, requestKey);
                insertMessage(connection, evidence, "ACCEPTED");
                markOutbound(connection, evidence.messageId());
                insertContent(connection, evidence);
                insertHistory(
                        connection,
                        evidence.messageId(),
                        "ACCEPTED",
                        evidence.receivedAt(),
                        "to be sent to " + evidence.partnerId());
                alsoInTransaction.run(connection);
            });
        } catch (GatewayException e) {
            // Another instance took the same request first (its row won).
            Optional<String> earlier = acceptedMessageWithContent(evidence.partnerId(), requestKey);
            if (earlier.isPresent()) {
                return earlier;
            }
            throw e;
        }
        return Optional.ofNullable(first.get());
    }

    /** Archives a refused or duplicate outbound request, marked OUTBOUND. */
    public void archiveOutboundNotAccepted(InboundEvidence evidence) {
        groupCommit.run(connection -> {
            String status = evidence.verdict() == Verdict.DUPLICATE ? "DUPLICATE" : "REJECTED";
            insertMessage(connection, evidence, status);
            markOutbound(connection, evidence.messageId());
            if (evidence.content() != null && evidence.verdict() != Verdict.DUPLICATE) {
                insertContent(connection, evidence);
            }
            insertHistory(
                    connection,
                    evidence.messageId(),
                    status,
                    evidence.receivedAt(),
                    evidence.verdict() == Verdict.DUPLICATE
                            ? "duplicate of " + evidence.duplicateOf()
                            : evidence.refusalCode());
        });
    }

    private static void markOutbound(Connection connection, String messageId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("UPDATE inbound_message SET direction = 'OUTBOUND' WHERE message_id = ?")) {
            statement.setString(1, messageId);
            statement.executeUpdate();
        }
    }

    /** {@code INBOUND} or {@code OUTBOUND}. */
    public String direction(String messageId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT direction FROM inbound_message WHERE message_id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && "OUTBOUND".equals(row.getString(1)) ? "OUTBOUND" : "INBOUND";
            }
        } catch (SQLException e) {
            throw failure("cannot read the direction of " + messageId, e);
        }
    }

    /** Archives a refused or duplicate message. */
    public void archiveNotAccepted(InboundEvidence evidence) {
        groupCommit.run(connection -> {
            String status = evidence.verdict() == Verdict.DUPLICATE ? "DUPLICATE" : "REJECTED";
            insertMessage(connection, evidence, status);
            if (evidence.content() != null && evidence.verdict() != Verdict.DUPLICATE) {
                insertContent(connection, evidence);
            }
            insertHistory(
                    connection,
                    evidence.messageId(),
                    status,
                    evidence.receivedAt(),
                    evidence.verdict() == Verdict.DUPLICATE
                            ? "duplicate of " + evidence.duplicateOf()
                            : evidence.refusalCode());
        });
    }

    /** Keeps a signed receipt exactly as it was sent. */
    public void archiveSignedReceipt(String messageId, Instant signedAt, byte[] cms) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO signed_receipt (message_id, signed_at, cms) VALUES (?, ?, ?)")) {
            statement.setString(1, messageId);
            statement.setObject(2, OffsetDateTime.ofInstant(signedAt, ZoneOffset.UTC));
            statement.setBytes(3, cms);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot archive the signed receipt of " + messageId, e);
        }
    }

    /** Every signed receipt sent for a message, oldest first. */
    public List<byte[]> signedReceipts(String messageId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT cms FROM signed_receipt WHERE message_id = ? ORDER BY signed_at")) {
            statement.setString(1, messageId);
            List<byte[]> receipts = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    receipts.add(rows.getBytes(1));
                }
            }
            return receipts;
        } catch (SQLException e) {
            throw failure("cannot read signed receipts of " + messageId, e);
        }
    }

    /** For each signed receipt of an outbound AS4 message, the exact request it answers (Content-Type line first), oldest first. */
    public List<byte[]> sentRequests(String messageId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT sent_request FROM signed_receipt WHERE message_id = ? AND sent_request IS NOT NULL ORDER BY signed_at")) {
            statement.setString(1, messageId);
            List<byte[]> requests = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    requests.add(rows.getBytes(1));
                }
            }
            return requests;
        } catch (SQLException e) {
            throw failure("cannot read the requests sent for " + messageId, e);
        }
    }

    /** The accepted message with these exact bytes, if any. */
    public Optional<String> acceptedMessageWithDigest(String sha256) {
        try (Connection connection = dataSource.getConnection()) {
            return acceptedMessageWithDigest(connection, sha256);
        } catch (SQLException e) {
            throw failure("cannot look up digest", e);
        }
    }

    public Optional<ArchivedMessage> find(String messageId) {
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
                        instant(row, 2),
                        row.getString(3),
                        row.getLong(4),
                        row.getString(5),
                        row.getString(6),
                        row.getString(7),
                        instant(row, 8),
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
            throw failure("cannot read message " + messageId, e);
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

    /** What a duplicate is answered with: the first message's partner, format and receipt. */
    public record FirstReceipt(String partnerId, String documentFormat, String receiptJson) {}

    /**
     * The receipt of an archived message, without its records: a partner sending a 10 MB list again must not
     * make the gateway read the first one's 40 MB records document to answer DUPLICATE.
     */
    public Optional<FirstReceipt> receiptOf(String messageId) {
        AcceptLog log = acceptLog;
        Optional<AcceptLog.InFlight> inFlight = log == null ? Optional.empty() : log.inFlight(messageId);
        if (inFlight.isPresent()) {
            LogEntry entry = inFlight.get().entry();
            return Optional.of(new FirstReceipt(entry.partnerId(), entry.documentFormat(), entry.receiptJson()));
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT m.partner_id, m.document_format, d.receipt FROM inbound_message m"
                                + " LEFT JOIN inbound_decision d ON d.message_id = m.message_id WHERE m.message_id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next()
                        ? Optional.of(new FirstReceipt(row.getString(1), row.getString(2), row.getString(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("cannot read the receipt of " + messageId, e);
        }
    }

    /** The exact bytes received under this message id, when they were kept. */
    public Optional<byte[]> content(String messageId) {
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
            throw failure("cannot read content of " + messageId, e);
        }
    }

    /** Accepted messages whose records were never handed to the forward queues (a crash between archive and queue). */
    public List<String> acceptedButNotDispatched(Instant receivedBefore) {
        // Within the signing-time window only: anything older was dispatched long ago, or was noticed by an earlier
        // sweep.
        String sql =
                "SELECT m.message_id FROM inbound_message m WHERE m.received_at < ? AND m.received_at > ? AND m.verdict = 'ACCEPTED'"
                        + " AND NOT EXISTS (SELECT 1 FROM message_progress p WHERE p.message_id = m.message_id) ORDER BY m.message_id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(receivedBefore, ZoneOffset.UTC));
            statement.setObject(
                    2, OffsetDateTime.ofInstant(receivedBefore.minus(java.time.Duration.ofDays(7)), ZoneOffset.UTC));
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw failure("cannot list undispatched messages", e);
        }
    }

    /** A search over archived messages, newest first. */
    public List<ArchivedMessage> search(String partnerId, String status, Instant since, int limit) {
        return search(partnerId, status, null, since, null, limit);
    }

    /** A search over archived messages, newest first: any of partner, status, document format and time range. */
    public List<ArchivedMessage> search(
            String partnerId, String status, String documentFormat, Instant since, Instant until, int limit) {
        StringBuilder sql = new StringBuilder("SELECT message_id FROM inbound_message WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (documentFormat != null) {
            sql.append(" AND document_format = ?");
            parameters.add(documentFormat);
        }
        if (until != null) {
            sql.append(" AND received_at < ?");
            parameters.add(OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
        }
        if (partnerId != null) {
            sql.append(" AND partner_id = ?");
            parameters.add(partnerId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            parameters.add(status);
        }
        if (since != null) {
            sql.append(" AND received_at >= ?");
            parameters.add(OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        }
        sql.append(" ORDER BY received_at DESC, message_id DESC LIMIT ").append(Math.max(1, Math.min(limit, 1000)));
        List<String> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw failure("cannot search messages", e);
        }
        List<ArchivedMessage> messages = new ArrayList<>();
        for (String id : ids) {
            find(id).ifPresent(messages::add);
        }
        return messages;
    }

    private static Optional<String> acceptedMessageWithDigest(Connection connection, String sha256)
            throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT message_id FROM accepted_digest WHERE sha256 = ?")) {
            statement.setString(1, sha256);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    /** The accepted message whose signed content, from this partner, had this digest, if any. */
    public Optional<String> acceptedMessageWithContent(String partnerId, String contentSha256) {
        if (partnerId == null || contentSha256 == null) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection()) {
            return acceptedMessageWithContent(connection, partnerId, contentSha256);
        } catch (SQLException e) {
            throw failure("cannot look up the signed content's digest", e);
        }
    }

    private static Optional<String> acceptedMessageWithContent(
            Connection connection, String partnerId, String contentSha256) {
        if (partnerId == null || contentSha256 == null) {
            return Optional.empty();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT message_id FROM accepted_content WHERE partner_id = ? AND content_sha256 = ?")) {
            statement.setString(1, partnerId);
            statement.setString(2, contentSha256);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("cannot look up the signed content's digest", e);
        }
    }

    private static void insertAcceptedContent(Connection connection, InboundEvidence evidence, String contentSha256)
            throws SQLException {
        if (contentSha256 == null || evidence.partnerId() == null) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO accepted_content (partner_id, content_sha256, message_id) VALUES (?, ?, ?)")) {
            statement.setString(1, evidence.partnerId());
            statement.setString(2, contentSha256);
            statement.setString(3, evidence.messageId());
            statement.executeUpdate();
        }
    }

    private static void insertDigest(Connection connection, InboundEvidence evidence) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("INSERT INTO accepted_digest (sha256, message_id) VALUES (?, ?)")) {
            statement.setString(1, evidence.sha256());
            statement.setString(2, evidence.messageId());
            statement.executeUpdate();
        }
    }

    private static void insertMessage(Connection connection, InboundEvidence evidence, String status)
            throws SQLException {
        String sql =
                "INSERT INTO inbound_message (message_id, received_at, sha256, size_bytes, content_type, partner_id,"
                        + " signer_subject, signing_time, document_format, verdict, refusal_code, refusal_detail,"
                        + " record_count, duplicate_of, status)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, evidence.messageId());
            statement.setObject(2, OffsetDateTime.ofInstant(evidence.receivedAt(), ZoneOffset.UTC));
            statement.setString(3, evidence.sha256());
            statement.setLong(4, evidence.sizeBytes());
            statement.setString(5, truncate(evidence.contentType(), 255));
            statement.setString(6, evidence.partnerId());
            statement.setString(7, truncate(evidence.signerSubject(), 1024));
            if (evidence.signingTime() == null) {
                statement.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                statement.setObject(8, OffsetDateTime.ofInstant(evidence.signingTime(), ZoneOffset.UTC));
            }
            statement.setString(9, evidence.documentFormat());
            statement.setString(10, evidence.verdict().name());
            statement.setString(11, evidence.refusalCode());
            statement.setString(12, truncate(evidence.refusalDetail(), 4000));
            statement.setInt(13, evidence.recordCount());
            statement.setString(14, evidence.duplicateOf());
            statement.setString(15, status);
            statement.executeUpdate();
        }
        String errors = evidence.errors() == null || evidence.errors().isEmpty() ? null : toJson(evidence.errors());
        if (errors == null && evidence.records() == null && evidence.receiptJson() == null) {
            return;
        }
        // The large columns, in a row of their own that is never updated.
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO inbound_decision (message_id, errors, records, receipt) VALUES (?, ?, ?, ?)")) {
            statement.setString(1, evidence.messageId());
            statement.setString(2, errors);
            if (evidence.records() == null) {
                statement.setNull(3, Types.CLOB);
            } else if (evidence.records().streamed() && isH2(connection)) {
                // Serialised record by record as H2 reads it into its large-object store: never one 40 MB string.
                statement.setCharacterStream(3, evidence.records().reader());
            } else {
                statement.setString(3, evidence.records().text());
            }
            statement.setString(4, evidence.receiptJson());
            statement.executeUpdate();
        }
    }

    /**
     * Large values are handed to H2 as streams. PostgreSQL's driver sends a parameter whole, so there a
     * stream would only add a copy.
     */
    private static boolean isH2(Connection connection) throws SQLException {
        return "H2".equals(connection.getMetaData().getDatabaseProductName());
    }

    private void insertContent(Connection connection, InboundEvidence evidence) throws SQLException {
        ArchiveSegments kept = segments;
        if (kept != null) {
            // The bytes once, in the segments; the row says where (forced to disk before this transaction commits).
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO inbound_content (message_id, segment_ref) VALUES (?, ?)")) {
                statement.setString(1, evidence.messageId());
                statement.setLong(2, kept.append(evidence.content()));
                statement.executeUpdate();
            }
            return;
        }
        try (PreparedStatement statement =
                connection.prepareStatement("INSERT INTO inbound_content (message_id, content) VALUES (?, ?)")) {
            statement.setString(1, evidence.messageId());
            if (evidence.content().length() > STREAMED_FROM_BYTES && isH2(connection)) {
                // Read by H2 straight into its large-object store, without a copy of the whole body first.
                statement.setBinaryStream(
                        2, evidence.content().stream(), evidence.content().length());
            } else {
                statement.setBytes(2, evidence.content().bytes());
            }
            statement.executeUpdate();
        }
    }

    /** A status-history row, for other parts that change a message's status inside their own transaction. */
    public static void insertHistoryRow(Connection connection, String messageId, String status, Instant at, String note)
            throws SQLException {
        insertHistory(connection, messageId, status, at, note);
    }

    static void insertHistory(Connection connection, String messageId, String status, Instant at, String note)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO message_status_history (message_id, status, at, note) VALUES (?, ?, ?, ?)")) {
            statement.setString(1, messageId);
            statement.setString(2, status);
            statement.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            statement.setString(4, truncate(note, 1000));
            statement.executeUpdate();
        }
    }

    private static List<ArchivedMessage.StatusChange> history(Connection connection, String messageId)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT status, at, note FROM message_status_history WHERE message_id = ? ORDER BY at, status")) {
            statement.setString(1, messageId);
            try (ResultSet rows = statement.executeQuery()) {
                List<ArchivedMessage.StatusChange> changes = new ArrayList<>();
                while (rows.next()) {
                    changes.add(
                            new ArchivedMessage.StatusChange(rows.getString(1), instant(rows, 2), rows.getString(3)));
                }
                return changes;
            }
        }
    }

    static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot serialise evidence", e);
        }
    }

    static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static GatewayException failure(String what, SQLException e) {
        return new GatewayException(GatewayError.INTERNAL_ERROR, what + ": " + e.getMessage(), e);
    }
}
