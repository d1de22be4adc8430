package org.cbec.gateway.forward;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Attempts and backoff of a delivery, from the forward settings ({@code gateway.forward.max-attempts},
 * {@code .initial-delay}, {@code .max-delay}): records to national systems and messages to partners are retried
 * alike.
 */
public record Retries(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    private static final long BACKOFF_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    public Retries {
        if (maxAttempts < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "gateway.forward.max-attempts must be at least 1");
        }
    }

    /**
     * Waits before retry {@code round}: exponential backoff from the initial delay, at most the maximum. The wait is
     * sliced so that a stop is seen at once: then it throws NATIONAL_SYSTEM_UNAVAILABLE "the gateway is stopping:
     * {@code staysQueued}" and the batch goes back to its queue.
     */
    public void waitBeforeRetry(RecordBatch batch, int round, String staysQueued) {
        long delay = initialDelay.toNanos() << Math.min(round, 30);
        if (delay <= 0 || delay > maxDelay.toNanos()) {
            delay = maxDelay.toNanos();
        }
        long until = System.nanoTime() + delay;
        while (System.nanoTime() < until) {
            if (batch.stopping()) {
                throw new GatewayException(
                        GatewayError.NATIONAL_SYSTEM_UNAVAILABLE, "the gateway is stopping: " + staysQueued);
            }
            LockSupport.parkNanos(Math.min(BACKOFF_SLICE_NANOS, until - System.nanoTime()));
        }
    }
}
