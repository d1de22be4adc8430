package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cbec.gateway.error.GatewayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit on the gateway's real database: work run alone (a large document) commits in its own
 * transaction, and the shared writer goes on committing other work while it is open.
 */
class GroupCommitTest {
    Database database;

    @BeforeEach
    void open(@TempDir Path dataDir) throws SQLException {
        database = Database.open(null, null, null, dataDir);
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE scratch (id INT PRIMARY KEY)");
        }
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void the_shared_writer_commits_other_work_while_work_run_alone_is_still_open() throws Exception {
        CountDownLatch aloneStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> alone = CompletableFuture.runAsync(() -> database.writer().runAlone(connection -> {
            insert(connection, 1);
            aloneStarted.countDown();
            await(release);
        }));
        try {
            assertThat(aloneStarted.await(30, TimeUnit.SECONDS)).isTrue();

            // Were the alone work in the shared group, this would wait for it, and time out.
            CompletableFuture.runAsync(() -> database.writer().run(connection -> insert(connection, 2))).get(30, TimeUnit.SECONDS);

            assertThat(ids()).containsExactly(2);
        } finally {
            release.countDown();
        }
        alone.get(30, TimeUnit.SECONDS);
        assertThat(ids()).containsExactly(1, 2);
    }

    @Test
    void work_run_alone_that_fails_leaves_nothing_behind() {
        assertThatThrownBy(() -> database.writer().runAlone(connection -> {
            insert(connection, 3);
            insert(connection, 3);
        })).isInstanceOf(GatewayException.class);

        assertThat(ids()).isEmpty();
    }

    private static void insert(Connection connection, int id) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO scratch (id) VALUES (" + id + ")");
        }
    }

    private java.util.List<Integer> ids() {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM scratch ORDER BY id")) {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
