package org.cbec.gateway.monitor;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A count read from the database at most once a second, however often it is asked for (each scrape,
 * each alert evaluation). When the read fails, the last value stands and the failure is logged.
 */
public final class Sampled implements LongSupplier {
    private static final Logger LOG = LoggerFactory.getLogger(Sampled.class);
    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final String what;
    private final LongSupplier source;
    private long value;
    private long readAt;
    private boolean read;

    private Sampled(String what, LongSupplier source) {
        this.what = what;
        this.source = source;
    }

    public static Sampled atMostOncePerSecond(String what, LongSupplier source) {
        return new Sampled(what, source);
    }

    @Override
    public synchronized long getAsLong() {
        long now = System.nanoTime();
        if (!read || now - readAt >= MAX_AGE_NANOS) {
            readAt = now;
            try {
                value = source.getAsLong();
                read = true;
            } catch (RuntimeException e) {
                LOG.warn("Cannot read {}: {}", what, e.toString());
            }
        }
        return value;
    }
}
