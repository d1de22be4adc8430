package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        try (var connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return dataSource;
    }

    @Test
    void pieces_of_one_group_commit_together_and_a_failing_piece_fails_alone() throws Exception {
        try (HikariDataSource dataSource = database("together"); GroupCommit commit = new GroupCommit(dataSource, "together")) {
            commit.run(connection -> connection.createStatement().execute("INSERT INTO t VALUES (1)"));
            assertThatThrownBy(() -> commit.run(connection -> connection.createStatement().execute("INSERT INTO t VALUES (1)")))
                    .isInstanceOf(GatewayException.class);
            commit.run(connection -> connection.createStatement().execute("INSERT INTO t VALUES (2)"));
            try (var connection = dataSource.getConnection(); ResultSet rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
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
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> commit.run(connection -> { }));
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
            CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> commit.run(connection ->
                    connection.createStatement().execute("INSERT INTO t VALUES (3)")));
            CompletableFuture<Void> closing = CompletableFuture.runAsync(commit::close);
            release.countDown();

            closing.get(30, TimeUnit.SECONDS);
            holding.get(15, TimeUnit.SECONDS);
            try {
                queued.get(15, TimeUnit.SECONDS); // drained into the last group
            } catch (java.util.concurrent.ExecutionException failed) {
                assertThat(failed.getCause()).isInstanceOf(GatewayException.class); // or failed: either way, answered
            }
            assertThatThrownBy(() -> commit.run(connection -> { }))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.OVERLOADED));
        }
    }
}
