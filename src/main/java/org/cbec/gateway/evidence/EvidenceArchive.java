package org.cbec.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.cbec.gateway.config.GroupCommit;
import org.cbec.gateway.error.GatewayException;

/**
 * The archive of every received message, accepted or refused: its exact bytes, digest, signer, verdict,
 * records and receipt. Rows are only ever inserted; what happens afterwards is recorded as status history.
 *
 * <p>This class decides what is archived in which transaction (accepted, duplicate, refused, outbound); the rows
 * themselves are written by {@link ArchiveRows} and read back by {@link ArchiveQueries}, the received bytes kept
 * in {@link ArchiveSegments}. Export and verification of the hash chain are {@link EvidenceExport} and
 * {@link EvidenceBundleVerifier}.
 */
public final class EvidenceArchive {
    private final DataSource dataSource;
    private final GroupCommit groupCommit;
    private final ArchiveQueries queries;
    private volatile ArchiveSegments segments;
    private volatile java.time.Duration retention;

    /** Archives through {@code writer}, the database's group commit, and reads on its own connections. */
    public EvidenceArchive(DataSource dataSource, GroupCommit writer) {
        this.dataSource = dataSource;
        this.groupCommit = writer;
        this.queries = new ArchiveQueries(dataSource);
    }

    /**
     * The received bytes go to these append-only segments instead of database rows (the embedded database: there a
     * body in a row was rewritten with every page it sat in). An external database keeps them, so that every instance
     * can read every body.
     */
    public void keepBodiesIn(ArchiveSegments segments) {
        this.segments = segments;
        queries.readBodiesFrom(segments);
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
        queries.answerForInFlight(log);
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
        Optional<String> earlier = ArchiveRows.acceptedMessageWithDigest(connection, evidence.sha256())
                .or(() -> ArchiveRows.acceptedMessageWithContent(connection, evidence.partnerId(), contentSha256));
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
                    List.of(),
                    InboundEvidence.Decision.duplicateOf(earlier.get()));
            ArchiveRows.insertMessage(connection, duplicate, "DUPLICATE");
            ArchiveRows.insertHistory(
                    connection,
                    evidence.messageId(),
                    "DUPLICATE",
                    evidence.receivedAt(),
                    "duplicate of " + earlier.get() + " (both were accepted at once; only the first is forwarded)");
            return Projection.DUPLICATE;
        }
        insertAccepted(connection, evidence, contentSha256);
        return Projection.NEW;
    }

    private void insertAccepted(Connection connection, InboundEvidence evidence, String contentSha256)
            throws SQLException {
        ArchiveRows.insertDigest(connection, evidence);
        ArchiveRows.insertAcceptedContent(connection, evidence, contentSha256);
        ArchiveRows.insertMessage(connection, evidence, "ACCEPTED");
        ArchiveRows.insertContent(connection, evidence, segments);
        ArchiveRows.insertHistory(connection, evidence.messageId(), "ACCEPTED", evidence.receivedAt(), null);
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
                Optional<String> earlier = ArchiveRows.acceptedMessageWithDigest(connection, evidence.sha256())
                        .or(() -> ArchiveRows.acceptedMessageWithContent(
                                connection, evidence.partnerId(), contentSha256));
                if (earlier.isPresent()) {
                    first.set(earlier.get());
                    return;
                }
                insertAccepted(connection, evidence, contentSha256);
                alsoInTransaction.run(connection);
            };
            // Messages archived at the same moment share one commit, each caller waiting for its own; a large list
            // alone.
            groupCommit.run(archive, evidence.decision().recordCount());
        } catch (GatewayException e) {
            // Another instance may have accepted the same bytes or content first (its digest row won).
            Optional<String> earlier = queries.acceptedMessageWithDigest(evidence.sha256())
                    .or(() -> queries.acceptedMessageWithContent(evidence.partnerId(), contentSha256));
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
                Optional<String> earlier =
                        ArchiveRows.acceptedMessageWithContent(connection, evidence.partnerId(), requestKey);
                if (earlier.isPresent()) {
                    first.set(earlier.get());
                    return;
                }
                ArchiveRows.insertAcceptedContent(connection, evidence, requestKey);
                ArchiveRows.insertMessage(connection, evidence, "ACCEPTED");
                ArchiveRows.markOutbound(connection, evidence.messageId());
                ArchiveRows.insertContent(connection, evidence, segments);
                ArchiveRows.insertHistory(
                        connection,
                        evidence.messageId(),
                        "ACCEPTED",
                        evidence.receivedAt(),
                        "to be sent to " + evidence.partnerId());
                alsoInTransaction.run(connection);
            });
        } catch (GatewayException e) {
            // Another instance took the same request first (its row won).
            Optional<String> earlier = queries.acceptedMessageWithContent(evidence.partnerId(), requestKey);
            if (earlier.isPresent()) {
                return earlier;
            }
            throw e;
        }
        return Optional.ofNullable(first.get());
    }

    /** Archives a refused or duplicate outbound request, marked OUTBOUND. */
    public void archiveOutboundNotAccepted(InboundEvidence evidence) {
        archiveNotAccepted(evidence, true);
    }

    /** Archives a refused or duplicate message. */
    public void archiveNotAccepted(InboundEvidence evidence) {
        archiveNotAccepted(evidence, false);
    }

    private void archiveNotAccepted(InboundEvidence evidence, boolean outbound) {
        InboundEvidence.Decision decision = evidence.decision();
        groupCommit.run(connection -> {
            String status = decision.verdict() == Verdict.DUPLICATE ? "DUPLICATE" : "REJECTED";
            ArchiveRows.insertMessage(connection, evidence, status);
            if (outbound) {
                ArchiveRows.markOutbound(connection, evidence.messageId());
            }
            if (evidence.content() != null && decision.verdict() != Verdict.DUPLICATE) {
                ArchiveRows.insertContent(connection, evidence, segments);
            }
            ArchiveRows.insertHistory(
                    connection,
                    evidence.messageId(),
                    status,
                    evidence.receivedAt(),
                    decision.verdict() == Verdict.DUPLICATE
                            ? "duplicate of " + decision.duplicateOf()
                            : decision.refusalCode());
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
            throw Sql.failure("cannot archive the signed receipt of " + messageId, e);
        }
    }

    /** What a duplicate is answered with: the first message's partner, format and receipt. */
    public record FirstReceipt(String partnerId, String documentFormat, String receiptJson) {}

    /** {@code INBOUND} or {@code OUTBOUND}. */
    public String direction(String messageId) {
        return queries.direction(messageId);
    }

    /** Every signed receipt sent for a message, oldest first. */
    public List<byte[]> signedReceipts(String messageId) {
        return queries.signedReceipts(messageId);
    }

    /** For each signed receipt of an outbound AS4 message, the exact request it answers, oldest first. */
    public List<byte[]> sentRequests(String messageId) {
        return queries.sentRequests(messageId);
    }

    /** The accepted message with these exact bytes, if any. */
    public Optional<String> acceptedMessageWithDigest(String sha256) {
        return queries.acceptedMessageWithDigest(sha256);
    }

    /** The accepted message whose signed content, from this partner, had this digest, if any. */
    public Optional<String> acceptedMessageWithContent(String partnerId, String contentSha256) {
        return queries.acceptedMessageWithContent(partnerId, contentSha256);
    }

    /** An archived message with its decision and status history, or one accepted and not yet projected. */
    public Optional<ArchivedMessage> find(String messageId) {
        return queries.find(messageId);
    }

    /** The receipt of an archived message, without its (possibly very large) records. */
    public Optional<FirstReceipt> receiptOf(String messageId) {
        return queries.receiptOf(messageId);
    }

    /** The exact bytes received under this message id, when they were kept. */
    public Optional<byte[]> content(String messageId) {
        return queries.content(messageId);
    }

    /** Accepted messages whose records were never handed to the forward queues (a crash between archive and queue). */
    public List<String> acceptedButNotDispatched(Instant receivedBefore) {
        return queries.acceptedButNotDispatched(receivedBefore);
    }

    /** A search over archived messages, newest first. */
    public List<ArchivedMessage> search(String partnerId, String status, Instant since, int limit) {
        return queries.search(partnerId, status, null, since, null, limit);
    }

    /** A search over archived messages, newest first: any of partner, status, document format and time range. */
    public List<ArchivedMessage> search(
            String partnerId, String status, String documentFormat, Instant since, Instant until, int limit) {
        return queries.search(partnerId, status, documentFormat, since, until, limit);
    }

    /** A status-history row, for other parts that change a message's status inside their own transaction. */
    public static void insertHistoryRow(Connection connection, String messageId, String status, Instant at, String note)
            throws SQLException {
        ArchiveRows.insertHistory(connection, messageId, status, at, note);
    }
}
