package org.cbec.gateway.config;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: the database work of many threads (messages being archived, records being booked as
 * delivered) runs in one transaction and one commit. Each caller still waits until its own work is
 * committed, so nothing is acknowledged before it is durable. One failing piece of work is rolled back to
 * its savepoint and fails alone.
 */
public final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_BATCH = 256;
    private static final long CLOSE_WAIT_MS = 10_000;

    /** Work done inside the shared transaction. */
    @FunctionalInterface
    public interface Work {
        void run(Connection connection) throws SQLException;
    }

    private record Pending(Work work, CompletableFuture<Void> done) {}

    /** Told of every group committed: how many pieces of work it held, and the writer's time on it. */
    @FunctionalInterface
    public interface Observer {
        void committed(int pieces, long busyNanos);
    }

    private final DataSource dataSource;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile Observer observer = (pieces, busyNanos) -> {};
    private volatile Runnable beforeCommit = () -> {};

    public GroupCommit(DataSource dataSource, String name) {
        this.dataSource = dataSource;
        this.writer = new Thread(this::loop, name + "-group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Work to finish before every commit of this writer: the archive segments are forced to disk, so that a committed
     * row never refers to bytes a crash could lose.
     */
    public void beforeEveryCommit(Runnable step) {
        this.beforeCommit = step;
    }

    /** Whom to tell of each group committed (the metrics: how busy the one writer is, how large its groups). */
    public void observe(Observer observer) {
        this.observer = observer;
    }

    /** Runs the work in the next group's transaction and returns once that transaction is committed. */
    public void run(Work work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            throw new GatewayException(GatewayError.OVERLOADED, "the database writer is closed; nothing was written");
        }
        queue.add(new Pending(work, done));
        if (!running) {
            failPending(); // closed between the check and the add: this waiter, too, gets the failure
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "interrupted while waiting for a group commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GatewayException known) {
                throw known;
            }
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "the database could not commit: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** From this many records on, work runs alone ({@link #run(Work, int)}). */
    public static final int ALONE_FROM_RECORDS = 1_000;

    /**
     * Runs work on {@code records} records: in the next group's transaction, or, from {@link #ALONE_FROM_RECORDS}
     * on (a large list's thousands of rows take seconds), alone, so that the group does not wait for it.
     */
    public void run(Work work, int records) {
        if (records >= ALONE_FROM_RECORDS) {
            runAlone(work);
        } else {
            run(work);
        }
    }

    /**
     * Runs the work in a transaction of its own, on the caller's thread, outside the shared group: for work so
     * large (a 10 MB list's 80,000 statements take seconds) that every message of its group would wait for it.
     * Returns once it is committed; a failure rolls all of it back.
     */
    public void runAlone(Work work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                work.run(connection);
                beforeCommit.run();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (GatewayException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the database could not commit: " + e.getMessage(), e);
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (running) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
                batch.clear();
            }
        } finally {
            // Whatever was queued and never committed is failed, never left waiting: its caller answers 503 or 500.
            failPending();
        }
    }

    private void failPending() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        GatewayException closed = new GatewayException(
                GatewayError.OVERLOADED, "the database writer closed before this work was committed");
        left.forEach(pending -> pending.done().completeExceptionally(closed));
    }

    private void commit(List<Pending> batch) {
        long startedNanos = System.nanoTime();
        try {
            commitGroup(batch);
        } finally {
            observer.committed(batch.size(), System.nanoTime() - startedNanos);
        }
    }

    private void commitGroup(List<Pending> batch) {
        List<Pending> succeeded = new ArrayList<>(batch.size());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (Pending pending : batch) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    pending.work().run(connection);
                    succeeded.add(pending);
                } catch (SQLException | RuntimeException e) {
                    connection.rollback(savepoint);
                    pending.done()
                            .completeExceptionally(
                                    e instanceof GatewayException
                                            ? e
                                            : new GatewayException(
                                                    GatewayError.INTERNAL_ERROR,
                                                    "database work failed: " + e.getMessage(),
                                                    e));
                }
            }
            beforeCommit.run();
            connection.commit();
            succeeded.forEach(pending -> pending.done().complete(null));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("A group commit of {} piece(s) of work failed: {}", batch.size(), e.toString());
            GatewayException failure = e instanceof GatewayException known
                    ? known
                    : new GatewayException(
                            GatewayError.INTERNAL_ERROR, "the database could not commit: " + e.getMessage(), e);
            // Every waiter of the group gets the failure: those whose work ran, and those never reached because the
            // connection could not be had or the commit failed. (Before, the latter waited for ever.)
            batch.forEach(pending -> pending.done().completeExceptionally(failure));
        }
    }

    /**
     * Stops the writer: the group in progress finishes (up to {@code CLOSE_WAIT_MS}), and work still queued is failed
     * rather than left waiting.
     */
    @Override
    public void close() {
        running = false;
        queue.add(new Pending(connection -> {}, new CompletableFuture<>())); // wakes a writer waiting for work
        try {
            writer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
        failPending();
    }
}
