package org.cbec.gateway.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.cbec.gateway.evidence.PartnerTraffic;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.monitor.Alerts;

/**
 * {@code GET /api/v1/overview}: what the console's live page shows at a glance: messages per partner in the
 * last minute and the last 15 minutes, refusals, the forward backlog, dead letters, active alerts and the
 * latest configuration changes.
 *
 * <p>{@code records} says where accepted work is at this moment, so a stall shows as the stage where it stops: messages
 * answered 202 and in the accept log but not yet projected ({@code acceptedNotProjected}; their records are not
 * counted anywhere else yet), records queued for a national system and not yet acknowledged ({@code queued}),
 * records acknowledged since this instance started ({@code deliveredSinceStart}) and records dead-lettered
 * ({@code deadLettered}).
 */
public final class GatewayOverview {
    /** Where accepted work is at this moment (see the class comment), each count read when the overview is asked for. */
    public record RecordStages(
            LongSupplier acceptedNotProjected,
            LongSupplier queued,
            LongSupplier deliveredSinceStart,
            LongSupplier deadLettered) {}

    private final PartnerTraffic traffic;
    private final RecordStages stages;
    private final Alerts alerts;
    private final ConfigurationChanges changes;
    private final Clock clock;

    public GatewayOverview(
            PartnerTraffic traffic, RecordStages stages, Alerts alerts, ConfigurationChanges changes, Clock clock) {
        this.traffic = traffic;
        this.stages = stages;
        this.alerts = alerts;
        this.changes = changes;
        this.clock = clock;
    }

    public HttpAnswer now() {
        Instant now = clock.instant();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("at", now.toString());
        answer.put("lastMinute", byPartner(traffic.countsByVerdictSince(now.minus(Duration.ofMinutes(1)))));
        answer.put("last15Minutes", byPartner(traffic.countsByVerdictSince(now.minus(Duration.ofMinutes(15)))));
        long queued = stages.queued().getAsLong();
        long dead = stages.deadLettered().getAsLong();
        answer.put("forwardBacklog", queued);
        answer.put("deadLetters", dead);
        Map<String, Object> records = new LinkedHashMap<>();
        records.put("acceptedNotProjected", stages.acceptedNotProjected().getAsLong());
        records.put("queued", queued);
        records.put("deliveredSinceStart", stages.deliveredSinceStart().getAsLong());
        records.put("deadLettered", dead);
        answer.put("records", records);
        answer.put(
                "alerts",
                alerts.active().stream()
                        .map(a -> Map.of(
                                "alert",
                                a.alert(),
                                "subject",
                                a.subject(),
                                "detail",
                                a.detail(),
                                "since",
                                a.since().toString()))
                        .toList());
        answer.put("configurationChanges", changes.recent().stream().limit(20).toList());
        return HttpAnswer.json(200, answer);
    }

    private static Map<String, Map<String, Long>> byPartner(List<PartnerTraffic.PartnerCount> counts) {
        Map<String, Map<String, Long>> partners = new TreeMap<>();
        for (PartnerTraffic.PartnerCount count : counts) {
            Map<String, Long> verdicts = partners.computeIfAbsent(
                    count.partnerId() == null ? "(no partner)" : count.partnerId(), id -> new TreeMap<>());
            verdicts.merge(count.verdict(), count.count(), Long::sum);
        }
        return partners;
    }
}
