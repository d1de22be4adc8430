package org.cbec.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * What the evidence archive tells of each partner's traffic, for the operators' alerts: when a partner
 * last sent anything, and how many of its recent messages were refused. Read at the alert interval, never
 * per message; both queries run on the (partner_id, received_at) and (received_at) indexes.
 */
public final class PartnerTraffic {
    private final DataSource dataSource;

    public PartnerTraffic(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A partner's messages received in a window: all of them, and those refused. */
    public record Counts(long messages, long refused) {
        public double refusalRate() {
            return messages == 0 ? 0 : (double) refused / messages;
        }
    }

    /** When the partner's last message (accepted, duplicate or refused) was received, if ever. */
    public Optional<Instant> lastMessageAt(String partnerId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT MAX(received_at) FROM inbound_message WHERE partner_id = ?")) {
            statement.setString(1, partnerId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                OffsetDateTime last = row.getObject(1, OffsetDateTime.class);
                return Optional.ofNullable(last).map(OffsetDateTime::toInstant);
            }
        } catch (SQLException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot read the last message of " + partnerId + ": " + e.getMessage(), e);
        }
    }

    /** Per partner, its messages received since {@code since}; messages whose signer matched no partner are left out. */
    public Map<String, Counts> countsSince(Instant since) {
        String sql = "SELECT partner_id, COUNT(*), SUM(CASE WHEN verdict = 'REJECTED' THEN 1 ELSE 0 END) FROM inbound_message"
                + " WHERE received_at >= ? AND partner_id IS NOT NULL GROUP BY partner_id";
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            Map<String, Counts> counts = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), new Counts(rows.getLong(2), rows.getLong(3)));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot count recent messages per partner: " + e.getMessage(), e);
        }
    }
}
