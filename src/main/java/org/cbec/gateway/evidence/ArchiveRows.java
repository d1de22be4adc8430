package org.cbec.gateway.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The rows {@link EvidenceArchive} writes for one message, inside the caller's transaction: the message and its
 * decision, the digests that make a second copy a duplicate, the received bytes (in a row or in the archive
 * segments) and the status history. Rows are only ever inserted; the columns are those the offline verifier reads.
 */
final class ArchiveRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Signed bytes larger than this are streamed into the database (see {@link #isH2}). */
    private static final int STREAMED_FROM_BYTES = 1 << 20;

    private ArchiveRows() {}

    static void markOutbound(Connection connection, String messageId) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("UPDATE inbound_message SET direction = 'OUTBOUND' WHERE message_id = ?")) {
            statement.setString(1, messageId);
            statement.executeUpdate();
        }
    }

    static Optional<String> acceptedMessageWithDigest(Connection connection, String sha256) throws SQLException {
        return Sql.first(
                connection, "SELECT message_id FROM accepted_digest WHERE sha256 = ?", row -> row.getString(1), sha256);
    }

    static Optional<String> acceptedMessageWithContent(Connection connection, String partnerId, String contentSha256) {
        if (partnerId == null || contentSha256 == null) {
            return Optional.empty();
        }
        try {
            return Sql.first(
                    connection,
                    "SELECT message_id FROM accepted_content WHERE partner_id = ? AND content_sha256 = ?",
                    row -> row.getString(1),
                    partnerId,
                    contentSha256);
        } catch (SQLException e) {
            throw Sql.failure("cannot look up the signed content's digest", e);
        }
    }

    static void insertAcceptedContent(Connection connection, InboundEvidence evidence, String contentSha256)
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

    static void insertDigest(Connection connection, InboundEvidence evidence) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("INSERT INTO accepted_digest (sha256, message_id) VALUES (?, ?)")) {
            statement.setString(1, evidence.sha256());
            statement.setString(2, evidence.messageId());
            statement.executeUpdate();
        }
    }

    static void insertMessage(Connection connection, InboundEvidence evidence, String status) throws SQLException {
        InboundEvidence.Decision decision = evidence.decision();
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
            statement.setString(10, decision.verdict().name());
            statement.setString(11, decision.refusalCode());
            statement.setString(12, truncate(decision.refusalDetail(), 4000));
            statement.setInt(13, decision.recordCount());
            statement.setString(14, decision.duplicateOf());
            statement.setString(15, status);
            statement.executeUpdate();
        }
        String errors = evidence.errors() == null || evidence.errors().isEmpty() ? null : toJson(evidence.errors());
        if (errors == null && decision.records() == null && decision.receiptJson() == null) {
            return;
        }
        // The large columns, in a row of their own that is never updated.
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO inbound_decision (message_id, errors, records, receipt) VALUES (?, ?, ?, ?)")) {
            statement.setString(1, evidence.messageId());
            statement.setString(2, errors);
            if (decision.records() == null) {
                statement.setNull(3, Types.CLOB);
            } else if (decision.records().streamed() && isH2(connection)) {
                // Serialised record by record as H2 reads it into its large-object store: never one 40 MB string.
                statement.setCharacterStream(3, decision.records().reader());
            } else {
                statement.setString(3, decision.records().text());
            }
            statement.setString(4, decision.receiptJson());
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

    static void insertContent(Connection connection, InboundEvidence evidence, ArchiveSegments kept)
            throws SQLException {
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
}
