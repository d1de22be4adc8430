package org.cbec.gateway.forward;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;

/**
 * Operators' actions in the ledger (part of {@link DeliveryLedger}), each in its own transaction: replaying a message
 * and replaying or discarding one dead-lettered record.
 */
final class LedgerOperatorActions {
    private LedgerOperatorActions() {}

    /** See {@link DeliveryLedger#replay}. */
    static DeliveryLedger.Replay replay(
            DataSource dataSource, String messageId, String recordsJson, String operator, Instant now) {
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
                List<OutboundRecord> translated =
                        LedgerRows.parse(messageId, new StringReader(recordsJson), replayNo * 100_000);
                List<OutboundRecord> fresh = new ArrayList<>();
                for (OutboundRecord record : translated) {
                    if (!LedgerRows.isDispatched(connection, record.idempotencyKey())) {
                        fresh.add(record);
                    }
                }
                int added = LedgerRows.insertOutboundRows(connection, fresh).size();
                int resent;
                try (PreparedStatement revive = connection.prepareStatement(
                        "UPDATE outbound_record SET status = 'PENDING' WHERE message_id = ? AND status = 'DEAD_LETTERED'")) {
                    revive.setString(1, messageId);
                    resent = revive.executeUpdate();
                }
                List<OutboundRecord> pending =
                        LedgerRows.pendingOf(connection, messageId, LedgerRows.allRecordsOf(connection, messageId));
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
                return new DeliveryLedger.Replay(replayNo, added, resent, pending);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw DeliveryLedger.failure("cannot replay message " + messageId, e);
        }
    }

    /** See {@link DeliveryLedger#actOnDeadLetter}. */
    static Optional<OutboundRecord> actOnDeadLetter(
            DataSource dataSource, String messageId, int seq, boolean replay, String note, Instant now) {
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
                OutboundRecord record = LedgerRows.allRecordsOf(connection, messageId).stream()
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
            throw DeliveryLedger.failure("cannot act on dead letter " + messageId + "-" + seq, e);
        }
    }
}
