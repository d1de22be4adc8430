package org.cbec.gateway.intake;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.http.HttpAnswer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the intake takes a message at all: not while the gateway drains for a stop, not while
 * the forward backlog is past {@code gateway.inbound.max-backlog}, and not when the request already waited
 * longer than {@code gateway.inbound.max-wait} for a worker (more messages arrive than the gateway can take:
 * answering those at once keeps the latency of the ones it takes bounded, and bounds the bodies held in
 * memory). Each time the partner gets 503 OVERLOADED with Retry-After, an answer it can act on, rather than a
 * connection refused, a timeout, or a queue that grows without bound. Large documents (over
 * {@code gateway.inbound.large-body-bytes}) are taken only a few at a time
 * ({@code gateway.inbound.large-bodies-at-once}): each holds many times its size in memory while it is
 * translated and archived, and a burst of them must not exhaust the heap that small messages need. It also
 * counts the messages in flight, so a stop can wait for them.
 */
public final class IntakeGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeGate.class);

    /**
     * When the intake takes no more.
     *
     * @param maxBacklog records waiting for national systems past which new messages are refused
     * @param maxWait how long a request may have waited for a worker before it reaches the gate
     * @param largeBodyBytes a body over this many bytes is a large document
     * @param largeBodiesAtOnce how many large documents are taken at once
     */
    public record Limits(long maxBacklog, Duration maxWait, long largeBodyBytes, int largeBodiesAtOnce) {
        public Limits {
            if (maxWait.isNegative() || maxWait.isZero()) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "gateway.inbound.max-wait must be positive, not " + maxWait);
            }
            if (largeBodiesAtOnce < 1) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "gateway.inbound.large-bodies-at-once must be at least 1, not " + largeBodiesAtOnce);
            }
        }
    }

    private final long maxBacklog;
    private final Duration maxWait;
    private final long largeBodyBytes;
    private final int largeBodiesAtOnce;
    private final Semaphore largeBodies;
    private final Clock clock;
    private final LongSupplier backlog;
    private final Runnable onShed;
    private final ScheduledExecutorService sampler;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastBacklog;
    private volatile boolean draining;

    /**
     * @param clock the clock the wait is measured on (the one the exchanges were stamped with)
     * @param backlog counts records waiting for national systems; sampled once a second, never per message
     * @param onShed told of each message refused OVERLOADED here (for the metrics)
     */
    public IntakeGate(Limits limits, Clock clock, LongSupplier backlog, Runnable onShed) {
        this.maxBacklog = limits.maxBacklog();
        this.maxWait = limits.maxWait();
        this.largeBodyBytes = limits.largeBodyBytes();
        this.largeBodiesAtOnce = limits.largeBodiesAtOnce();
        this.largeBodies = new Semaphore(limits.largeBodiesAtOnce());
        this.clock = clock;
        this.backlog = backlog;
        this.onShed = onShed;
        this.sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "intake-backlog-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        try {
            lastBacklog = backlog.getAsLong();
        } catch (RuntimeException e) {
            LOG.warn("Cannot measure the forward backlog: {}", e.toString());
        }
    }

    /** Called first by every intake route: refuses with OVERLOADED, or counts the message in. */
    public void enter(Exchange exchange) {
        if (draining) {
            onShed.run();
            throw new GatewayException(
                    GatewayError.OVERLOADED, "the gateway is stopping; send again to another instance or later");
        }
        if (lastBacklog > maxBacklog) {
            onShed.run();
            throw new GatewayException(
                    GatewayError.OVERLOADED,
                    "the forward backlog is " + lastBacklog + " records, over the limit of " + maxBacklog
                            + "; send again later");
        }
        // The exchange was made when the request had arrived whole; the time since is time spent queued for a worker.
        long waitedMillis = clock.millis() - exchange.getClock().getCreated();
        if (waitedMillis > maxWait.toMillis()) {
            onShed.run();
            throw new GatewayException(
                    GatewayError.OVERLOADED,
                    "the message waited " + waitedMillis + " ms for the gateway, longer than " + maxWait.toMillis()
                            + " ms (gateway.inbound.max-wait): more arrives than it can take; send again later");
        }
        long size = bodySize(exchange);
        boolean large = size > largeBodyBytes;
        if (large && !largeBodies.tryAcquire()) {
            onShed.run();
            throw new GatewayException(
                    GatewayError.OVERLOADED,
                    "the body has " + size + " bytes, and " + largeBodiesAtOnce + " document(s) over " + largeBodyBytes
                            + " bytes are being taken already (gateway.inbound.large-bodies-at-once); send again later");
        }
        inFlight.incrementAndGet();
        exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                inFlight.decrementAndGet();
                if (large) {
                    largeBodies.release();
                }
            }
        });
    }

    /** The body's size as received: the HTTP server hands the whole body over before the route starts. */
    private static long bodySize(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof byte[] bytes) {
            return bytes.length;
        }
        if (body instanceof io.vertx.core.buffer.Buffer buffer) {
            return buffer.length();
        }
        if (body instanceof String text) {
            return text.length();
        }
        Long declared = exchange.getMessage().getHeader(Exchange.CONTENT_LENGTH, Long.class);
        return declared == null ? 0 : declared;
    }

    /** The answer for an OVERLOADED refusal: 503 with Retry-After. */
    public static HttpAnswer overloaded(String detail) {
        return HttpAnswer.problem(GatewayError.OVERLOADED, detail, null, null).withHeader("Retry-After", "5");
    }

    /** Stops taking messages and waits, at most {@code timeout}, for those in flight. Returns how many remain. */
    public int drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                try {
                    wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return inFlight.get();
    }

    public boolean draining() {
        return draining;
    }

    public long lastBacklog() {
        return lastBacklog;
    }

    /**
     * Stops the backlog sampler and lets a sample in progress finish: it reads the database, which is closed next,
     * and an interrupt in the middle of a database read is best avoided.
     */
    @Override
    public void close() {
        sampler.shutdown();
        try {
            if (!sampler.awaitTermination(5, TimeUnit.SECONDS)) {
                sampler.shutdownNow();
            }
        } catch (InterruptedException e) {
            sampler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
