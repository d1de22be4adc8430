package org.cbec.gateway.config;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs a housekeeping task at a fixed delay until it is closed: what the embedded stores' own
 * background work would do (see {@link EmbeddedStoreCompaction}, {@link EmbeddedJournalCompaction}).
 */
final class PeriodicTask implements AutoCloseable {
    private final ScheduledExecutorService timer;

    PeriodicTask(String threadName, long periodMs, Runnable task) {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Stops the task, waiting for a round under way to finish. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
