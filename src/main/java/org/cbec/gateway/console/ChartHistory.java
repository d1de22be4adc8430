package org.cbec.gateway.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.monitor.WatchedCertificate;

/**
 * The console's charts: {@code GET /api/v1/charts?window=PT1H|P1D}. Every {@code gateway.console.chart-step} a route
 * calls {@link #sample()}, which reads the gateway's own meters (no database): per partner the messages accepted and
 * refused ({@code gateway.messages}) and the records delivered ({@code gateway.records.delivered}) since the last
 * sample, the accept latency percentiles of the decisions since the last sample (from the {@code gateway.accept}
 * histogram's buckets), the forward backlog and the dead letters. A day of samples is kept in memory, so the charts
 * start empty after a restart and show this instance only (the Grafana dashboard shows every instance, for longer).
 */
public final class ChartHistory {
    /** The percentiles drawn, as fractions. */
    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private static final Duration KEPT = Duration.ofDays(1);

    /** The values charted beside the meters, read at each sample: the same ones the metrics' gauges watch. */
    public record Gauges(
            LongSupplier forwardBacklog, LongSupplier deadLetters, Supplier<List<WatchedCertificate>> certificates) {}

    private final MeterRegistry registry;
    private final Gauges gauges;
    private final Clock clock;
    private final Duration step;
    private final int capacity;
    private final Deque<Point> points = new ArrayDeque<>();
    private final Map<String, Double> lastCounts = new HashMap<>();
    private TreeMap<Double, Double> lastBuckets = new TreeMap<>();
    private double lastDecisions;

    /** One sample: counts per partner since the previous one ({accepted, refused, delivered}), latency in ms, gauges. */
    private record Point(
            Instant at, Map<String, long[]> partners, Double[] latencyMillis, long backlog, long deadLetters) {}

    public ChartHistory(MeterRegistry registry, Gauges gauges, Clock clock, Duration step) {
        this.registry = registry;
        this.gauges = gauges;
        this.clock = clock;
        this.step = step;
        this.capacity = (int) Math.min(100_000, Math.max(2, KEPT.toMillis() / Math.max(1, step.toMillis())));
    }

    /** Takes one sample; called by the route console-charts every step. */
    public synchronized void sample() {
        Map<String, long[]> partners = new TreeMap<>();
        for (Counter counter : registry.find("gateway.messages").counters()) {
            String verdict = counter.getId().getTag("verdict");
            int kind = "ACCEPTED".equals(verdict) ? 0 : "REJECTED".equals(verdict) ? 1 : -1;
            if (kind >= 0) {
                add(partners, counter, kind);
            }
        }
        for (Counter counter : registry.find("gateway.records.delivered").counters()) {
            add(partners, counter, 2);
        }
        points.addLast(new Point(
                clock.instant(),
                partners,
                latency(),
                gauges.forwardBacklog().getAsLong(),
                gauges.deadLetters().getAsLong()));
        while (points.size() > capacity) {
            points.removeFirst();
        }
    }

    private void add(Map<String, long[]> partners, Counter counter, int kind) {
        String partner = String.valueOf(counter.getId().getTag("partner"));
        String key = counter.getId().getName() + counter.getId().getTags();
        double now = counter.count();
        double before = lastCounts.getOrDefault(key, 0.0);
        lastCounts.put(key, now);
        partners.computeIfAbsent(partner, p -> new long[3])[kind] += Math.round(now - before);
    }

    /** The percentiles of the accept decisions since the last sample, from the histogram's cumulative buckets; null when none. */
    private Double[] latency() {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        double decisions = 0;
        for (Timer timer : registry.find("gateway.accept").timers()) {
            var snapshot = timer.takeSnapshot();
            decisions += snapshot.count();
            for (CountAtBucket bucket : snapshot.histogramCounts()) {
                buckets.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
            }
        }
        double since = decisions - lastDecisions;
        Double[] result = new Double[PERCENTILES.length];
        if (since > 0) {
            for (int i = 0; i < PERCENTILES.length; i++) {
                for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
                    double below = bucket.getValue() - lastBuckets.getOrDefault(bucket.getKey(), 0.0);
                    if (below >= PERCENTILES[i] * since) {
                        result[i] = bucket.getKey();
                        break;
                    }
                }
            }
        }
        lastBuckets = buckets;
        lastDecisions = decisions;
        return result;
    }

    /** The series of the last hour ({@code PT1H}, the default) or day ({@code P1D}), and the certificates' expiry. */
    public synchronized HttpAnswer series(@Header("window") String window) {
        Duration span;
        try {
            span = window == null || window.isBlank() ? Duration.ofHours(1) : Duration.parse(window);
        } catch (DateTimeParseException e) {
            return HttpAnswer.problem(
                    GatewayError.SCHEMA_INVALID, "window must be an ISO duration such as PT1H or P1D", null, null);
        }
        if (span.isNegative() || span.isZero() || span.compareTo(KEPT) > 0) {
            return HttpAnswer.problem(
                    GatewayError.SCHEMA_INVALID, "window must be more than zero and at most P1D", null, null);
        }
        Instant now = clock.instant();
        Instant from = now.minus(span);
        List<Point> shown = points.stream().filter(p -> !p.at().isBefore(from)).toList();
        TreeSet<String> partnerIds = new TreeSet<>();
        shown.forEach(p -> partnerIds.addAll(p.partners().keySet()));

        List<Long> times = new ArrayList<>();
        Map<String, Map<String, List<Long>>> partners = new LinkedHashMap<>();
        for (String partner : partnerIds) {
            partners.put(
                    partner,
                    Map.of(
                            "accepted",
                            new ArrayList<>(),
                            "refused",
                            new ArrayList<>(),
                            "delivered",
                            new ArrayList<>()));
        }
        Map<String, List<Double>> latency = new LinkedHashMap<>();
        for (double p : PERCENTILES) {
            latency.put("p" + Math.round(p * 100), new ArrayList<>());
        }
        List<Long> backlogs = new ArrayList<>();
        List<Long> deadLetterCounts = new ArrayList<>();
        for (Point point : shown) {
            times.add(point.at().getEpochSecond());
            for (String partner : partnerIds) {
                long[] counts = point.partners().getOrDefault(partner, new long[3]);
                partners.get(partner).get("accepted").add(counts[0]);
                partners.get(partner).get("refused").add(counts[1]);
                partners.get(partner).get("delivered").add(counts[2]);
            }
            for (int i = 0; i < PERCENTILES.length; i++) {
                latency.get("p" + Math.round(PERCENTILES[i] * 100)).add(point.latencyMillis()[i]);
            }
            backlogs.add(point.backlog());
            deadLetterCounts.add(point.deadLetters());
        }
        List<Map<String, Object>> expiry = new ArrayList<>();
        for (WatchedCertificate certificate : gauges.certificates().get()) {
            Instant notAfter = certificate.certificate().getNotAfter().toInstant();
            expiry.add(Map.of(
                    "partner",
                    certificate.partner(),
                    "subject",
                    certificate.certificate().getSubjectX500Principal().getName(),
                    "notAfter",
                    notAfter.toString(),
                    "notAfterEpoch",
                    notAfter.getEpochSecond(),
                    "daysToExpiry",
                    Duration.between(now, notAfter).toDays()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("window", span.toString());
        body.put("stepSeconds", step.toSeconds() == 0 ? step.toMillis() / 1000.0 : step.toSeconds());
        body.put("now", now.getEpochSecond());
        body.put("times", times);
        body.put("partners", partners);
        body.put("acceptLatencyMillis", latency);
        body.put("forwardBacklog", backlogs);
        body.put("deadLetters", deadLetterCounts);
        body.put("certificates", expiry);
        return HttpAnswer.json(200, body);
    }
}
