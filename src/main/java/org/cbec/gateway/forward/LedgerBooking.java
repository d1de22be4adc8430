package org.cbec.gateway.forward;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.Sql;

/**
 * Booking the outcomes of forward attempts (part of {@link DeliveryLedger}): attempts counted, records resolved, each
 * message's progress, and its final status once nothing of it is pending. Inside the caller's transaction.
 */
final class LedgerBooking {
    private LedgerBooking() {}

    /**
     * A batch's outcomes in a few statements: its failed attempts in one JDBC batch, its resolutions in another, then
     * one progress update per message and, for each message with nothing left pending, its final status. (A
     * statement per record and five per resolution made booking the largest share of the database writer's time.)
     */
    static void bookIn(Connection connection, List<DeliveryLedger.Outcome> outcomes, Instant now) throws SQLException {
        List<DeliveryLedger.Outcome> attempts = new ArrayList<>();
        List<DeliveryLedger.Outcome> resolutions = new ArrayList<>();
        for (DeliveryLedger.Outcome outcome : outcomes) {
            ("ATTEMPT_FAILED".equals(outcome.status()) ? attempts : resolutions).add(outcome);
        }
        if (!attempts.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE outbound_record SET attempts = attempts + 1, last_error = ? WHERE message_id = ? AND seq = ?")) {
                for (DeliveryLedger.Outcome attempt : attempts) {
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
            for (DeliveryLedger.Outcome resolution : resolutions) {
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
            DeliveryLedger.Outcome resolution = resolutions.get(i);
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

    static String truncated(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
    }

    /** Whether the message was dispatched: its progress row exists. */
    static boolean isDispatchedMessage(Connection connection, String messageId) throws SQLException {
        return Sql.first(connection, "SELECT 1 FROM message_progress WHERE message_id = ?", row -> true, messageId)
                .isPresent();
    }

    static int recordsPending(Connection connection, String messageId) throws SQLException {
        return Sql.first(
                        connection,
                        "SELECT records_pending FROM message_progress WHERE message_id = ?",
                        row -> row.getInt(1),
                        messageId)
                .orElse(0);
    }

    static String finalStatus(Connection connection, String messageId) throws SQLException {
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

    static void setStatus(Connection connection, String messageId, String status, Instant at, String note)
            throws SQLException {
        Sql.update(connection, "UPDATE inbound_message SET status = ? WHERE message_id = ?", status, messageId);
        EvidenceArchive.insertHistoryRow(connection, messageId, status, at, note);
    }
}
