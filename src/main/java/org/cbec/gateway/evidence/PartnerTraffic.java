package org.cbec.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * What the evidence archive tells of each partner's traffic, for the operators' alerts and console: when a
 * partner last sent anything, and what its recent messages came to. Read at the alert interval or when an
 * operator looks, never per message; the queries run on the (partner_id, received_at) and (received_at) indexes.
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
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT MAX(received_at) FROM inbound_message WHERE partner_id = ?")) {
            statement.setString(1, partnerId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                OffsetDateTime last = row.getObject(1, OffsetDateTime.class);
                return Optional.ofNullable(last).map(OffsetDateTime::toInstant);
            }
        } catch (SQLException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "cannot read the last message of " + partnerId + ": " + e.getMessage(),
                    e);
        }
    }

    /** Per partner, its messages received since {@code since}; messages whose signer matched no partner are left out. */
    public Map<String, Counts> countsSince(Instant since) {
        Map<String, Counts> counts = new HashMap<>();
        for (PartnerCount count : countsByVerdictSince(since)) {
            if (count.partnerId() != null) {
                long refused = "REJECTED".equals(count.verdict()) ? count.count() : 0;
                counts.merge(
                        count.partnerId(),
                        new Counts(count.count(), refused),
                        (a, b) -> new Counts(a.messages() + b.messages(), a.refused() + b.refused()));
            }
        }
        return counts;
    }

    /** How many messages a partner sent in a window, by verdict and refusal code (partner null: no partner known). */
    public record PartnerCount(String partnerId, String verdict, String refusalCode, long count) {}

    /** Messages received since {@code since}, counted by partner, verdict and refusal code. */
    public List<PartnerCount> countsByVerdictSince(Instant since) {
        String sql = "SELECT partner_id, verdict, refusal_code, COUNT(*) FROM inbound_message WHERE received_at >= ?"
                + " GROUP BY partner_id, verdict, refusal_code";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            List<PartnerCount> counts = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.add(
                            new PartnerCount(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4)));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot count recent messages per partner: " + e.getMessage(), e);
        }
    }
}
