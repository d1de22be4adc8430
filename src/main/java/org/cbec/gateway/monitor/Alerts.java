package org.cbec.gateway.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.cbec.gateway.evidence.PartnerTraffic;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' alerts, evaluated every {@code gateway.alerts.interval} and once at start: a certificate
 * about to expire, dead letters, a silent partner, a partner whose messages are mostly refused. Each is
 * logged once when raised (WARN) and once when cleared (INFO), exposed as {@code gateway_alert_active},
 * and listed by {@code GET /api/v1/alerts}.
 */
public final class Alerts {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    /** What can be alerted on. */
    public enum Kind {
        CERTIFICATE_EXPIRY,
        DEAD_LETTERS,
        PARTNER_SILENT,
        REFUSAL_RATE
    }

    /** One active alert, as operators see it. */
    public record Alert(String alert, String subject, String detail, Instant since) {}

    /**
     * @param certificateExpiryDays alert on a certificate expiring within this many days
     * @param deadLetters           alert when more records than this are dead-lettered
     * @param refusalRate           alert when a partner's share of refused messages in the window is above this
     * @param window                the window for the refusal rate
     * @param minMessages           fewer messages than this in the window are no rate to judge
     */
    public record Settings(
            long certificateExpiryDays, long deadLetters, double refusalRate, Duration window, long minMessages) {}

    /**
     * What the alerts read on every evaluation, as the monitor configuration wires it: the partners, the watched
     * certificates and the dead-letter count to judge, the partners' traffic, and the metrics each alert is reported to.
     */
    public record Sources(
            Supplier<PartnerRegistry> partners,
            Supplier<List<WatchedCertificate>> certificates,
            LongSupplier deadLetters,
            PartnerTraffic traffic,
            GatewayMetrics metrics) {}

    private final Settings settings;
    private final Sources sources;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<Kind, Map<String, Alert>> active = new LinkedHashMap<>();

    public Alerts(Settings settings, Sources sources, Clock clock) {
        this.settings = settings;
        this.sources = sources;
        this.clock = clock;
        this.startedAt = clock.instant();
        for (Kind kind : Kind.values()) {
            active.put(kind, new LinkedHashMap<>());
        }
    }

    /** Evaluates every alert now; a check that cannot be made (database down) leaves its alerts as they were. */
    public synchronized void evaluate() {
        Instant now = clock.instant();
        sources.metrics().refreshCertificates();
        update(Kind.CERTIFICATE_EXPIRY, now, () -> certificates(now));
        update(Kind.DEAD_LETTERS, now, this::deadLetters);
        update(Kind.PARTNER_SILENT, now, () -> silentPartners(now));
        update(Kind.REFUSAL_RATE, now, () -> refusalRates(now));
    }

    /** The active alerts, oldest first. */
    public synchronized List<Alert> active() {
        List<Alert> all = new ArrayList<>();
        active.values().forEach(byKind -> all.addAll(byKind.values()));
        all.sort(Comparator.comparing(Alert::since).thenComparing(Alert::alert).thenComparing(Alert::subject));
        return all;
    }

    /** {@code GET /api/v1/alerts}: a JSON array of {alert, subject, detail, since}. */
    public HttpAnswer list() {
        List<Map<String, String>> body = new ArrayList<>();
        for (Alert alert : active()) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("alert", alert.alert());
            entry.put("subject", alert.subject());
            entry.put("detail", alert.detail());
            entry.put("since", alert.since().toString());
            body.add(entry);
        }
        return HttpAnswer.json(200, body);
    }

    private Map<String, String> certificates(Instant now) {
        Map<String, String> found = new LinkedHashMap<>();
        Instant horizon = now.plus(Duration.ofDays(settings.certificateExpiryDays()));
        for (WatchedCertificate watched : sources.certificates().get()) {
            Instant notAfter = watched.notAfter();
            if (!notAfter.isAfter(horizon)) {
                String subject = watched.partner() + " " + watched.subject();
                found.put(
                        subject,
                        notAfter.isAfter(now)
                                ? watched.describe() + " expires at " + notAfter + ", in "
                                        + (long) Math.floor(watched.daysToExpiry(now)) + " day(s); the limit is "
                                        + settings.certificateExpiryDays() + " (gateway.alerts.certificate-expiry-days)"
                                : watched.describe() + " expired at " + notAfter);
            }
        }
        return found;
    }

    private Map<String, String> deadLetters() {
        long count = sources.deadLetters().getAsLong();
        if (count <= settings.deadLetters()) {
            return Map.of();
        }
        return Map.of(
                "forward",
                count + " record(s) dead-lettered, over the limit of " + settings.deadLetters()
                        + " (gateway.alerts.dead-letters); see GET /api/v1/dead-letters");
    }

    private Map<String, String> silentPartners(Instant now) {
        Map<String, String> found = new LinkedHashMap<>();
        for (Partner partner : sources.partners().get().all()) {
            Duration expected = partner.expectedInterval();
            if (!partner.enabled() || expected == null) {
                continue;
            }
            Optional<Instant> last = sources.traffic().lastMessageAt(partner.id());
            // A partner that never sent is counted from the gateway's start, not from the beginning of time.
            Instant since = last.orElse(startedAt);
            if (Duration.between(since, now).compareTo(expected) > 0) {
                found.put(
                        partner.id(),
                        "no message from " + partner.id() + " since "
                                + (last.isPresent()
                                        ? last.get().truncatedTo(ChronoUnit.SECONDS)
                                        : "the gateway started at " + startedAt.truncatedTo(ChronoUnit.SECONDS))
                                + "; expected at least every " + expected + " (expectedInterval in "
                                + partner.source().getFileName() + ")");
            }
        }
        return found;
    }

    private Map<String, String> refusalRates(Instant now) {
        Map<String, String> found = new LinkedHashMap<>();
        sources.traffic().countsSince(now.minus(settings.window())).forEach((partner, counts) -> {
            if (counts.messages() >= settings.minMessages() && counts.refusalRate() > settings.refusalRate()) {
                found.put(
                        partner,
                        counts.refused() + " of " + counts.messages() + " message(s) from " + partner
                                + " refused in the last " + settings.window() + ", over the limit of "
                                + settings.refusalRate() + " (gateway.alerts.refusal-rate)");
            }
        });
        return found;
    }

    private interface Check {
        Map<String, String> run();
    }

    private void update(Kind kind, Instant now, Check check) {
        Map<String, String> found;
        try {
            found = check.run();
        } catch (RuntimeException e) {
            LOG.warn("Cannot evaluate the {} alert; it stays as it was: {}", kind, e.toString());
            return;
        }
        Map<String, Alert> current = active.get(kind);
        for (Map.Entry<String, String> raised : found.entrySet()) {
            Alert before = current.get(raised.getKey());
            if (before == null) {
                LOG.warn("Alert {} raised for {}: {}", kind, raised.getKey(), raised.getValue());
                sources.metrics().alert(kind.name(), raised.getKey(), true);
            }
            current.put(
                    raised.getKey(),
                    new Alert(kind.name(), raised.getKey(), raised.getValue(), before == null ? now : before.since()));
        }
        for (var it = current.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Alert> entry = it.next();
            if (!found.containsKey(entry.getKey())) {
                LOG.info(
                        "Alert {} cleared for {} (active since {}): {}",
                        kind,
                        entry.getKey(),
                        entry.getValue().since(),
                        clearedBecause(kind));
                sources.metrics().alert(kind.name(), entry.getKey(), false);
                it.remove();
            }
        }
    }

    private static String clearedBecause(Kind kind) {
        return switch (kind) {
            case CERTIFICATE_EXPIRY -> "the certificate was replaced or the limit changed";
            case DEAD_LETTERS -> "the dead letters were replayed or discarded";
            case PARTNER_SILENT -> "the partner sent again";
            case REFUSAL_RATE -> "the partner's refusal rate is back under the limit";
        };
    }
}
