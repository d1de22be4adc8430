package org.cbec.gateway.evidence;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

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
        return Sql.first(
                dataSource,
                "cannot read the last message of " + partnerId,
                "SELECT MAX(received_at) FROM inbound_message WHERE partner_id = ?",
                row -> Sql.instant(row, 1),
                partnerId);
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
        return Sql.list(
                dataSource,
                "cannot count recent messages per partner",
                "SELECT partner_id, verdict, refusal_code, COUNT(*) FROM inbound_message WHERE received_at >= ?"
                        + " GROUP BY partner_id, verdict, refusal_code",
                row -> new PartnerCount(row.getString(1), row.getString(2), row.getString(3), row.getLong(4)),
                since);
    }
}
