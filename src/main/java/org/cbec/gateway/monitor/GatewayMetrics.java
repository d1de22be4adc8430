package org.cbec.gateway.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.cbec.gateway.config.GroupCommit;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.intake.IntakeDecision;
import org.cbec.gateway.outbound.OutboundStatus.PartnerState;

/**
 * The gateway's own meters, in the one Prometheus registry that Camel's route metrics share, and
 * {@code GET /metrics}. The intake reports each decision, the forward each acknowledgement; gauges read
 * what is already sampled (the backlog the intake gate samples, dead letters at most once a second) or
 * needs no I/O (certificate expiry, alerts), so a scrape never loads the database.
 */
public final class GatewayMetrics {
    /** The partner of a message whose signer matched none, or that was shed before it was read. */
    public static final String UNKNOWN = "unknown";
    /** Prometheus text format 0.0.4, what every Prometheus server scrapes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private volatile Supplier<List<WatchedCertificate>> certificates = List::of;
    private volatile MultiGauge certificateExpiry;
    /** The certificates the gauge has rows for now: re-registering only on a change keeps scrapes from seeing half a swap. */
    private List<String> registeredCertificates = List.of();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    private final Map<String, AtomicInteger> alerts = new ConcurrentHashMap<>();

    public GatewayMetrics(Clock clock) {
        this.clock = clock;
    }

    /** The registry, for Camel's route metrics. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Camel's own per-route metrics (exchanges, failures, processing time) into this registry. */
    public MicrometerRoutePolicyFactory routePolicyFactory() {
        MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
        factory.setMeterRegistry(registry);
        return factory;
    }

    /**
     * Registers the gauges: forward backlog, dead letters, and days to expiry of each watched certificate. The
     * certificates are looked up again on {@link #refreshCertificates()}: partner files change while running.
     */
    public void watch(
            LongSupplier forwardBacklog, LongSupplier deadLetters, Supplier<List<WatchedCertificate>> certificates) {
        // Held strongly: Micrometer keeps a gauge's object weakly, and a method reference passed here
        // (gate::lastBacklog)
        // is held by nothing else, so after a collection the gauge read NaN (seen while a 10 MB list was taken: issue
        // 19).
        Gauge.builder("gateway.forward.backlog", forwardBacklog, LongSupplier::getAsLong)
                .strongReference(true)
                .description("records still PENDING for a national system (sampled once a second)")
                .register(registry);
        Gauge.builder("gateway.dead.letters", deadLetters, LongSupplier::getAsLong)
                .strongReference(true)
                .description("records whose retries are spent, waiting for an operator")
                .register(registry);
        this.certificates = certificates;
        this.certificateExpiry = multiGauge(
                "gateway.certificate.days.to.expiry", "days until the certificate expires; negative once expired");
        refreshCertificates();
    }

    /**
     * The shared database writer archives, dispatches and deliveries commit through (a large list's own
     * transaction is not counted): its busy time (the rate of
     * {@code gateway_database_writer_busy_seconds_total} is its utilisation, 1.0 = saturated) and the size of
     * its groups. When the writer nears 1.0, the database is what limits the gateway.
     */
    public GroupCommit.Observer databaseWriter() {
        Counter busy = Counter.builder("gateway.database.writer.busy")
                .baseUnit("seconds")
                .description("time the database writer spent executing and committing groups")
                .register(registry);
        DistributionSummary pieces = DistributionSummary.builder("gateway.database.group.pieces")
                .description("pieces of work (accepts, dispatches, deliveries) per database commit")
                .register(registry);
        return (count, busyNanos) -> {
            busy.increment(busyNanos / 1e9);
            pieces.record(count);
        };
    }

    /** Takes the watched certificates as they are now (after a partner file was added, changed or removed). */
    public void refreshCertificates() {
        if (certificateExpiry == null) {
            return;
        }
        List<WatchedCertificate> watched = certificates.get();
        List<String> identities = watched.stream()
                .map(w -> w.partner() + "|" + w.subject() + "|" + w.notAfter())
                .toList();
        // Swapping rows removes meters and adds others: a scrape in the middle could see a row twice or not at all.
        synchronized (registry) {
            if (identities.equals(registeredCertificates)) {
                return;
            }
            certificateExpiry.register(
                    watched.stream()
                            .map(w -> MultiGauge.Row.of(
                                    Tags.of("partner", w.partner(), "subject", w.subject()),
                                    w,
                                    (WatchedCertificate c) -> c.daysToExpiry(clock.instant())))
                            .toList(),
                    true);
            registeredCertificates = identities;
        }
    }

    /**
     * One intake decision: accepted, duplicate or refused, with the partner the signer matched (null: none)
     * and the document format (null: not recognised), and how long the intake took to decide.
     */
    public void decided(IntakeDecision decision, String partner, String format, Duration took) {
        String partnerTag = partner == null ? UNKNOWN : partner;
        count(decision.verdict(), partnerTag, format == null ? UNKNOWN : format);
        if (decision.verdict() == Verdict.REJECTED) {
            refused(partnerTag, decision.error());
        }
        Timer.builder("gateway.accept")
                .description("from the start of the intake to its decision")
                .tag("verdict", decision.verdict().name())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(took);
    }

    /**
     * Time spent in one stage of the way of a message (verify, translate, append, project, forward), and how many messages
     * or records that time was for: {@code gateway_stage_seconds_sum / gateway_stage_items_total} is each stage's cost per
     * item, so the next bottleneck is visible on a running gateway, not only in a profile.
     */
    public void stage(String stage, long nanos, int items) {
        Timer.builder("gateway.stage")
                .description("time spent in a stage of the way of a message")
                .tag("stage", stage)
                .register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        Counter.builder("gateway.stage.items")
                .description("messages or records a stage handled")
                .tag("stage", stage)
                .register(registry)
                .increment(items);
    }

    private final List<Object> heldForMeters = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The HTTP server's connections: open now, and closed at once because gateway.http.max-connections were open. */
    public void watchConnections(java.util.function.IntSupplier open, LongSupplier refused) {
        Gauge.builder("gateway.http.connections", open, java.util.function.IntSupplier::getAsInt)
                .strongReference(true)
                .description("HTTP connections open now")
                .register(registry);
        // A function counter holds its object weakly: the supplier is kept here, else it is collected and the count
        // reads 0.
        heldForMeters.add(refused);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "gateway.http.connections.refused", refused, LongSupplier::getAsLong)
                .description("connections closed at once because gateway.http.max-connections were open")
                .register(registry);
    }

    /**
     * One AS4 request answered: {@code signal} is receipt, duplicate (the first receipt again), test (the ebMS test
     * service) or error; {@code ebmsCode} is the error's ebMS code, else none.
     */
    public void as4(String partner, String signal, String ebmsCode) {
        io.micrometer.core.instrument.Counter.builder("gateway.as4.messages")
                .description("AS4 requests answered, by partner, signal and ebMS error code")
                .tag("partner", partner == null ? UNKNOWN : partner)
                .tag("signal", signal)
                .tag("ebms_code", ebmsCode == null ? "none" : ebmsCode)
                .register(registry)
                .increment();
    }

    /** A message refused OVERLOADED before it was read: the gateway drains for a stop or the backlog is too deep. */
    public void shed() {
        count(Verdict.REJECTED, UNKNOWN, UNKNOWN);
        refused(UNKNOWN, GatewayError.OVERLOADED);
    }

    /**
     * The accept log's messages answered 202 and not yet projected into the ledger: while a list is read or the
     * projection lags, its records are here and not yet in {@code gateway_forward_backlog}.
     */
    public void watchAcceptLog(java.util.function.IntSupplier notProjected) {
        Gauge.builder("gateway.accept.log.unprojected", notProjected, java.util.function.IntSupplier::getAsInt)
                .description("messages accepted (202) and in the accept log, not yet projected into the ledger")
                .strongReference(true) // a gauge holds its supplier weakly: a method reference would be collected (NaN)
                .register(registry);
    }

    /** Records national systems acknowledged since this instance started, every partner and record type. */
    public long deliveredRecords() {
        return (long) registry.find("gateway.records.delivered").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** A national system acknowledged a record of a partner's message received at {@code receivedAt}. */
    public void delivered(String recordType, String partner, Instant receivedAt) {
        Counter.builder("gateway.records.delivered")
                .description("records a national system acknowledged")
                .tag("partner", partner == null ? UNKNOWN : partner)
                .tag("record_type", recordType == null ? UNKNOWN : recordType)
                .register(registry)
                .increment();
        if (receivedAt == null) {
            return;
        }
        Timer.builder("gateway.end.to.end")
                .description("from the message's receipt to the national system's acknowledgement")
                .tag("record_type", recordType == null ? UNKNOWN : recordType)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(6))
                .register(registry)
                .record(Duration.between(receivedAt, clock.instant()));
    }

    /** An alert raised (1) or cleared (0); the series stays once it has been raised. */
    public void alert(String alert, String subject, boolean active) {
        alerts.computeIfAbsent(alert + '\u0000' + subject, key -> {
                    AtomicInteger value = new AtomicInteger();
                    Gauge.builder("gateway.alert.active", value, AtomicInteger::get)
                            .description("1 while the alert is active")
                            .tag("alert", alert)
                            .tag("subject", subject)
                            .register(registry);
                    return value;
                })
                .set(active ? 1 : 0);
    }

    private volatile Supplier<java.util.Map<String, org.cbec.gateway.outbound.OutboundStatus.PartnerState>> outbound;
    private volatile MultiGauge outboundBacklog;
    private volatile MultiGauge outboundDeadLetters;
    private volatile MultiGauge outboundFailures;
    private volatile MultiGauge outboundLastDelivery;

    /** The outbound direction per partner (backlog, dead letters, failed attempts, last delivery), read at each scrape. */
    public void watchOutbound(
            Supplier<java.util.Map<String, org.cbec.gateway.outbound.OutboundStatus.PartnerState>> states) {
        outbound = states;
        outboundBacklog = multiGauge("gateway.outbound.backlog", "outbound messages still PENDING for the partner");
        outboundDeadLetters =
                multiGauge("gateway.outbound.dead.letters", "outbound messages dead-lettered, waiting for an operator");
        outboundFailures = multiGauge(
                "gateway.outbound.failed.attempts",
                "failed delivery attempts to the partner since this instance started");
        outboundLastDelivery = multiGauge(
                "gateway.outbound.last.delivery.seconds", "epoch seconds of the partner's last delivery (its receipt)");
    }

    private MultiGauge multiGauge(String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    private void refreshOutbound() {
        Supplier<java.util.Map<String, org.cbec.gateway.outbound.OutboundStatus.PartnerState>> states = outbound;
        if (states == null) {
            return;
        }
        var byPartner = states.get().values();
        perPartner(outboundBacklog, byPartner, s -> true, s -> s.backlog());
        perPartner(outboundDeadLetters, byPartner, s -> true, s -> s.deadLettered());
        perPartner(outboundFailures, byPartner, s -> true, s -> s.failedAttempts());
        perPartner(
                outboundLastDelivery,
                byPartner,
                s -> s.lastDeliveredAt() != null,
                s -> s.lastDeliveredAt().getEpochSecond());
    }

    /** One row per partner (tag {@code partner}) of those {@code shown}, replacing the gauge's rows. */
    private static void perPartner(
            MultiGauge gauge,
            Collection<PartnerState> states,
            Predicate<PartnerState> shown,
            Function<PartnerState, Number> value) {
        gauge.register(
                states.stream()
                        .filter(shown)
                        .map(s -> MultiGauge.Row.of(Tags.of("partner", s.partnerId()), value.apply(s)))
                        .toList(),
                true);
    }

    /** {@code GET /metrics}: every meter in Prometheus text format. */
    public HttpAnswer scrape() {
        refreshOutbound();
        String text;
        synchronized (registry) {
            text = registry.scrape(CONTENT_TYPE);
        }
        return new HttpAnswer(200, CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private void count(Verdict verdict, String partner, String format) {
        Counter.builder("gateway.messages")
                .description("intake decisions")
                .tag("partner", partner)
                .tag("format", format)
                .tag("verdict", verdict.name())
                .register(registry)
                .increment();
    }

    private void refused(String partner, GatewayError error) {
        Counter.builder("gateway.refusals")
                .description("refusals by code")
                .tag("partner", partner)
                .tag("code", error == null ? GatewayError.INTERNAL_ERROR.code() : error.code())
                .register(registry)
                .increment();
    }
}
