package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 §7: the group commit never leaves a waiter hanging. Its failures reach every caller of the group, and a
 * close drains or fails what is queued. A real H2 database behind a real connection pool; the failing database is
 * that pool, closed.
 */
class GroupCommitTest {

    private static HikariDataSource database(String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(4);
        HikariDataSource dataSource = new HikariDataSource(config);
        try (var connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return dataSource;
    }

    @Test
    void pieces_of_one_group_commit_together_and_a_failing_piece_fails_alone() throws Exception {
        try (HikariDataSource dataSource = database("together");
                GroupCommit commit = new GroupCommit(dataSource, "together")) {
            commit.run(connection -> connection.createStatement().execute("INSERT INTO t VALUES (1)"));
            assertThatThrownBy(() -> commit.run(
                            connection -> connection.createStatement().execute("INSERT INTO t VALUES (1)")))
                    .isInstanceOf(GatewayException.class);
            commit.run(connection -> connection.createStatement().execute("INSERT INTO t VALUES (2)"));
            try (var connection = dataSource.getConnection();
                    ResultSet rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void a_database_that_gives_no_connection_fails_every_waiter_instead_of_hanging() throws Exception {
        HikariDataSource dataSource = database("failing");
        try (GroupCommit commit = new GroupCommit(dataSource, "failing")) {
            dataSource.close(); // every getConnection now throws
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> commit.run(connection -> {}));
            assertThatThrownBy(() -> waiter.get(15, TimeUnit.SECONDS)).hasCauseInstanceOf(GatewayException.class);
        }
    }

    @Test
    void work_queued_when_the_writer_closes_is_committed_or_failed_never_left_waiting() throws Exception {
        try (HikariDataSource dataSource = database("closing")) {
            GroupCommit commit = new GroupCommit(dataSource, "closing");
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> holding = CompletableFuture.runAsync(() -> commit.run(connection -> {
                inside.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(inside.await(15, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> queued = CompletableFuture.runAsync(
                    () -> commit.run(connection -> connection.createStatement().execute("INSERT INTO t VALUES (3)")));
            CompletableFuture<Void> closing = CompletableFuture.runAsync(commit::close);
            release.countDown();

            closing.get(30, TimeUnit.SECONDS);
            holding.get(15, TimeUnit.SECONDS);
            try {
                queued.get(15, TimeUnit.SECONDS); // drained into the last group
            } catch (java.util.concurrent.ExecutionException failed) {
                assertThat(failed.getCause()).isInstanceOf(GatewayException.class); // or failed: either way, answered
            }
            assertThatThrownBy(() -> commit.run(connection -> {}))
                    .isInstanceOfSatisfying(
                            GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.OVERLOADED));
        }
    }

    private static int count(HikariDataSource dataSource) throws java.sql.SQLException {
        try (var connection = dataSource.getConnection();
                ResultSet rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Holds the writer inside a piece of work until released, so that what callers send meanwhile forms the next group. */
    private static final class HeldWriter implements AutoCloseable {
        private final CountDownLatch inside = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final CompletableFuture<Void> holding;

        HeldWriter(GroupCommit commit) throws InterruptedException {
            holding = CompletableFuture.runAsync(() -> commit.run(connection -> {
                inside.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(inside.await(15, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            holding.get(15, TimeUnit.SECONDS);
        }
    }

    /** A caller on its own thread; the test waits until it is parked on its commit, i.e. its work is queued. */
    private static CompletableFuture<Void> queued(GroupCommit commit, GroupCommit.Work work) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                commit.run(work);
                answer.complete(null);
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        caller.start();
        Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> parkedOnCommit(caller));
        return answer;
    }

    private static boolean parkedOnCommit(Thread caller) {
        if (caller.getState() != Thread.State.WAITING) {
            return false;
        }
        for (StackTraceElement frame : caller.getStackTrace()) {
            if (frame.getClassName().equals(CompletableFuture.class.getName())) {
                return true; // in done.get(): past queue.add
            }
        }
        return false;
    }

    @Test
    void work_queued_while_the_writer_is_busy_commits_as_one_group_and_a_failing_piece_is_rolled_back_alone()
            throws Exception {
        try (HikariDataSource dataSource = database("group");
                GroupCommit commit = new GroupCommit(dataSource, "group")) {
            List<Integer> groups = new CopyOnWriteArrayList<>();
            commit.observe((pieces, busyNanos) -> groups.add(pieces));
            List<CompletableFuture<Void>> callers = new java.util.ArrayList<>();
            try (HeldWriter held = new HeldWriter(commit)) {
                for (int id = 10; id < 14; id++) {
                    int row = id;
                    callers.add(queued(
                            commit,
                            connection -> connection.createStatement().execute("INSERT INTO t VALUES (" + row + ")")));
                }
                // Its own INSERT succeeds, the second one collides: the savepoint takes back both, the others stay.
                callers.add(queued(commit, connection -> {
                    connection.createStatement().execute("INSERT INTO t VALUES (20)");
                    connection.createStatement().execute("INSERT INTO t VALUES (10)");
                }));
            }
            for (int i = 0; i < 4; i++) {
                callers.get(i).get(15, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> callers.get(4).get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GatewayException.class);
            // The observer hears of a group after its waiters were released.
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> groups.size() >= 2);
            assertThat(groups).containsExactly(1, 5);
            assertThat(count(dataSource)).isEqualTo(4);
        }
    }

    @Test
    void a_failing_step_before_the_commit_fails_every_waiter_of_the_group_and_commits_nothing() throws Exception {
        try (HikariDataSource dataSource = database("presync");
                GroupCommit commit = new GroupCommit(dataSource, "presync")) {
            AtomicReference<String> syncFailure = new AtomicReference<>();
            commit.beforeEveryCommit(() -> {
                if (syncFailure.get() != null) {
                    throw new GatewayException(GatewayError.INTERNAL_ERROR, syncFailure.get());
                }
            });
            List<CompletableFuture<Void>> callers = new java.util.ArrayList<>();
            try (HeldWriter held = new HeldWriter(commit)) {
                syncFailure.set("the archive segment cannot be forced to disk");
                for (int id = 30; id < 33; id++) {
                    int row = id;
                    callers.add(queued(
                            commit,
                            connection -> connection.createStatement().execute("INSERT INTO t VALUES (" + row + ")")));
                }
            } catch (java.util.concurrent.ExecutionException heldFailedToo) {
                assertThat(heldFailedToo.getCause())
                        .isInstanceOf(GatewayException.class); // the held group met the failure first
            }
            for (CompletableFuture<Void> caller : callers) {
                assertThatThrownBy(() -> caller.get(15, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOfSatisfying(
                                GatewayException.class,
                                e -> assertThat(e.detail()).isEqualTo("the archive segment cannot be forced to disk"));
            }
            assertThat(count(dataSource)).isZero();

            syncFailure.set(null);
            commit.run(connection -> connection.createStatement().execute("INSERT INTO t VALUES (34)"));
            assertThat(count(dataSource)).isEqualTo(1);
        }
    }

    @Test
    void large_work_runs_alone_on_the_callers_thread_without_waiting_for_the_group_and_rolls_back_whole()
            throws Exception {
        try (HikariDataSource dataSource = database("alone");
                GroupCommit commit = new GroupCommit(dataSource, "alone")) {
            List<Integer> groups = new CopyOnWriteArrayList<>();
            commit.observe((pieces, busyNanos) -> groups.add(pieces));
            try (HeldWriter held = new HeldWriter(commit)) {
                Thread caller = Thread.currentThread();
                commit.run(
                        connection -> {
                            assertThat(Thread.currentThread()).isSameAs(caller);
                            connection.createStatement().execute("INSERT INTO t VALUES (40)");
                        },
                        GroupCommit.ALONE_FROM_RECORDS);
                assertThat(count(dataSource)).isEqualTo(1); // committed while the group writer is still held

                assertThatThrownBy(() -> commit.run(
                                connection -> {
                                    connection.createStatement().execute("INSERT INTO t VALUES (41)");
                                    connection.createStatement().execute("INSERT INTO t VALUES (40)");
                                },
                                GroupCommit.ALONE_FROM_RECORDS))
                        .isInstanceOfSatisfying(
                                GatewayException.class,
                                e -> assertThat(e.error()).isEqualTo(GatewayError.INTERNAL_ERROR));
                assertThat(count(dataSource)).isEqualTo(1);
            }
            commit.run(
                    connection -> connection.createStatement().execute("INSERT INTO t VALUES (42)"),
                    GroupCommit.ALONE_FROM_RECORDS - 1);
            assertThat(count(dataSource)).isEqualTo(2);
            // The writer tells its observer after it has released the group's waiters: wait for the second group's
            // report.
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> groups.size() >= 2);
            assertThat(groups)
                    .containsExactly(1, 1); // the held piece and the small one; the large ones never joined a group
        }
    }
}
