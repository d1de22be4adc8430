package org.cbec.gateway.outbound;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.http.HttpAnswer;

/**
 * The outbound direction per partner, for operators, metrics and the console: the backlog and dead letters from the
 * ledger (all instances), and this instance's failed attempts and last delivery.
 */
public final class OutboundStatus {
    private final DataSource dataSource;
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastDelivery = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastReceipt = new ConcurrentHashMap<>();

    public OutboundStatus(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One partner's outbound state, as {@link #describe()} answers it. */
    public record PartnerState(
            @JsonProperty("partner") String partnerId,
            long backlog,
            long deadLettered,
            long delivered,
            long failedAttempts,
            Instant lastDeliveredAt,
            Instant lastReceiptAt) {}

    void failed(String partnerId) {
        failures.computeIfAbsent(partnerId, id -> new AtomicLong()).incrementAndGet();
    }

    void delivered(String partnerId, Instant at, boolean withReceipt) {
        lastDelivery.put(partnerId, at);
        if (withReceipt) {
            lastReceipt.put(partnerId, at);
        }
    }

    /** Every partner that was ever sent something, by id. */
    public Map<String, PartnerState> byPartner() {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, Instant> delivered = new TreeMap<>();
        String sql = "SELECT m.partner_id, r.status, COUNT(*), MAX(r.delivered_at) FROM outbound_record r"
                + " JOIN inbound_message m ON m.message_id = r.message_id WHERE r.record_type = 'OUTBOUND' GROUP BY m.partner_id, r.status";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                long[] partner = counts.computeIfAbsent(rows.getString(1), id -> new long[3]);
                switch (rows.getString(2)) {
                    case "PENDING" -> partner[0] += rows.getLong(3);
                    case "DEAD_LETTERED" -> partner[1] += rows.getLong(3);
                    case "DELIVERED" -> partner[2] += rows.getLong(3);
                    default -> {}
                }
                java.time.OffsetDateTime at = rows.getObject(4, java.time.OffsetDateTime.class);
                if (at != null) {
                    delivered.merge(rows.getString(1), at.toInstant(), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        } catch (SQLException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot read the outbound ledger: " + e.getMessage(), e);
        }
        Map<String, PartnerState> states = new TreeMap<>();
        counts.forEach((id, c) -> states.put(
                id,
                new PartnerState(
                        id,
                        c[0],
                        c[1],
                        c[2],
                        failures.getOrDefault(id, new AtomicLong()).get(),
                        delivered.getOrDefault(id, lastDelivery.get(id)),
                        lastReceipt.get(id))));
        return states;
    }

    /** {@code GET /api/v1/outbound}: each partner's outbound backlog, dead letters, deliveries, failed attempts, last delivery and receipt. */
    public HttpAnswer describe() {
        return HttpAnswer.json(200, Map.of("partners", List.copyOf(byPartner().values())));
    }
}
