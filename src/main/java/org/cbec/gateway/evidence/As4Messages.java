package org.cbec.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * AS4 in the database: duplicate elimination on eb:MessageId per partner (one row, claimed before the payloads are
 * admitted, holding the first receipt), and every signal the gateway answered with. In the shared database, so that
 * restarts and other instances agree on what was received.
 */
public final class As4Messages {
    /** How long a repeat waits for the first of its eb:MessageId, in progress on this or another instance. */
    private static final Duration FIRST_IN_PROGRESS_WAIT = Duration.ofSeconds(30);

    private final DataSource dataSource;

    /** The outcome of a claim: ours to process, or the first receipt of the same eb:MessageId. */
    public record Claim(boolean first, byte[] firstReceipt, String firstMessageIds) {}

    /** One signal the gateway sent. */
    public record Signal(
            String signalId,
            Instant sentAt,
            String partnerId,
            String ebmsMessageId,
            String requestSha256,
            String kind,
            String gatewayCode,
            String ebmsCode,
            String messageIds,
            byte[] signal) {}

    public As4Messages(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Claims the eb:MessageId for this partner; when it was claimed before, waits for the first's receipt and returns it.
     *
     * @throws GatewayException OVERLOADED when the first is still in progress after 30 s
     */
    public Claim claim(String partnerId, String ebmsMessageId, Instant now) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO as4_message (partner_id, ebms_message_id, claimed_at) VALUES (?, ?, ?)")) {
            insert.setString(1, partnerId);
            insert.setString(2, ebmsMessageId);
            insert.setTimestamp(3, Timestamp.from(now));
            insert.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return new Claim(true, null, null);
        } catch (SQLException e) {
            if (!isUniqueViolation(e)) {
                throw new GatewayException(
                        GatewayError.INTERNAL_ERROR, "the AS4 message id cannot be recorded: " + e.getMessage(), e);
            }
        }
        long deadline = System.nanoTime() + FIRST_IN_PROGRESS_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Claim> first = firstReceipt(partnerId, ebmsMessageId);
            if (first.isPresent()) {
                return first.get();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new GatewayException(
                GatewayError.OVERLOADED, "the AS4 message " + ebmsMessageId + " is in progress already; retry later");
    }

    /** The first receipt of a claimed eb:MessageId, once it has one; empty while in progress, or when released. */
    private Optional<Claim> firstReceipt(String partnerId, String ebmsMessageId) {
        Optional<Claim> claim = column(
                partnerId,
                ebmsMessageId,
                "the AS4 message id cannot be read",
                "receipt, message_ids",
                row -> new Claim(false, row.getBytes(1), row.getString(2)));
        if (claim.isEmpty()) {
            throw new GatewayException(
                    GatewayError.OVERLOADED,
                    "the first AS4 message " + ebmsMessageId + " was refused a moment ago; retry");
        }
        return claim.filter(first -> first.firstReceipt() != null);
    }

    /**
     * The claim answered with a receipt: from now on, the answer to every repeat. The request is kept as it was received,
     * the partner's signature and all: the evidence of what it sent (its payloads are archived in clear, as translated).
     */
    public void completed(
            String partnerId,
            String ebmsMessageId,
            List<String> messageIds,
            byte[] receipt,
            byte[] request,
            String originalSender,
            String finalRecipient) {
        update(
                "the AS4 message id cannot be updated",
                "UPDATE as4_message SET receipt = ?, message_ids = ?, request = ?, original_sender = ?, final_recipient = ?"
                        + " WHERE partner_id = ? AND ebms_message_id = ?",
                receipt,
                String.join(",", messageIds),
                request,
                originalSender == null ? null : truncate(originalSender, 255),
                finalRecipient == null ? null : truncate(finalRecipient, 255),
                partnerId,
                ebmsMessageId);
    }

    /** The CEF four-corner properties a received message carried: originalSender and finalRecipient (either may be null). */
    public Optional<String[]> corners(String partnerId, String ebmsMessageId) {
        return column(
                partnerId, ebmsMessageId, "the AS4 message cannot be read", "original_sender, final_recipient", row ->
                        new String[] {row.getString(1), row.getString(2)});
    }

    /** The exact request bytes of an AS4 message received with a receipt. */
    public Optional<byte[]> request(String partnerId, String ebmsMessageId) {
        return column(partnerId, ebmsMessageId, "the AS4 request cannot be read", "request", row -> row.getBytes(1));
    }

    /** Columns of the partner's claimed eb:MessageId. */
    private <T> Optional<T> column(
            String partnerId, String ebmsMessageId, String what, String columns, Sql.Row<T> row) {
        return Sql.first(
                dataSource,
                what,
                "SELECT " + columns + " FROM as4_message WHERE partner_id = ? AND ebms_message_id = ?",
                row,
                partnerId,
                ebmsMessageId);
    }

    /** The claim answered with an error: the message was not received, and the partner may send it again. */
    public void released(String partnerId, String ebmsMessageId) {
        update(
                "the AS4 message id cannot be updated",
                "DELETE FROM as4_message WHERE partner_id = ? AND ebms_message_id = ? AND receipt IS NULL",
                partnerId,
                ebmsMessageId);
    }

    /** Keeps a signal the gateway sent, as it was sent. */
    public void recordSignal(Signal signal) {
        update(
                "the AS4 signal cannot be kept",
                "INSERT INTO as4_signal (signal_id, sent_at, partner_id, ebms_message_id, request_sha256, kind,"
                        + " gateway_code, ebms_code, message_ids, signal_xml) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                signal.signalId(),
                Timestamp.from(signal.sentAt()),
                signal.partnerId(),
                signal.ebmsMessageId() == null ? null : truncate(signal.ebmsMessageId(), 255),
                signal.requestSha256(),
                signal.kind(),
                signal.gatewayCode(),
                signal.ebmsCode(),
                signal.messageIds() == null ? null : truncate(signal.messageIds(), 2000),
                signal.signal());
    }

    /** The signals answered to requests with this eb:MessageId, oldest first. */
    public List<Signal> signals(String ebmsMessageId) {
        return Sql.list(
                dataSource,
                "the AS4 signals cannot be read",
                "SELECT signal_id, sent_at, partner_id, ebms_message_id, request_sha256, kind, gateway_code, ebms_code,"
                        + " message_ids, signal_xml FROM as4_signal WHERE ebms_message_id = ? ORDER BY sent_at, signal_id",
                row -> new Signal(
                        row.getString(1),
                        row.getTimestamp(2).toInstant(),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getString(6),
                        row.getString(7),
                        row.getString(8),
                        row.getString(9),
                        row.getBytes(10)),
                ebmsMessageId);
    }

    private void update(String what, String sql, Object... values) {
        Sql.onConnection(dataSource, what, connection -> {
            int changed = Sql.update(connection, sql, values);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return changed;
        });
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
            if ("23505".equals(cause.getSQLState())) {
                return true;
            }
        }
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
