package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 (data directory growth): with every commit written at once, H2 never moves live pages out of mostly-dead
 * chunks by itself, and its file grew with every commit. A real H2 file database, written as the gateway writes it
 * (many small commits, each touching pages all over an index): its live share falls far under the target, and the
 * compaction brings it back up.
 */
class EmbeddedStoreCompactionTest {

    @TempDir
    Path directory;

    @Test
    void scattered_commits_leave_the_file_mostly_dead_and_compaction_brings_its_live_share_back() throws Exception {
        HikariConfig config = new HikariConfig();
        // H2 rewrites only chunks older than its retention time (45 s by default, which the gateway keeps): none here.
        config.setJdbcUrl("jdbc:h2:file:" + directory.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=0");
        config.setMaximumPoolSize(2);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE digest (sha CHAR(64) PRIMARY KEY, message VARCHAR(26))");
                statement.execute("CREATE TABLE progress (id INT PRIMARY KEY, n INT)");
                statement.execute("INSERT INTO progress SELECT X, 0 FROM SYSTEM_RANGE(1, 5000)");
            }
            Random random = new Random(19);
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO digest VALUES (?, ?)");
                    PreparedStatement update =
                            connection.prepareStatement("UPDATE progress SET n = n + 1 WHERE id = ?")) {
                for (int i = 0; i < 4_000; i++) {
                    // A random key, as a content digest is, and a random row, as a delivery's progress row is: each
                    // commit
                    // rewrites pages all over both trees, and leaves the chunks before it a little deader.
                    insert.setString(1, String.format("%064x", random.nextLong()));
                    insert.setString(2, "M" + i);
                    insert.executeUpdate();
                    update.setInt(1, 1 + random.nextInt(5000));
                    update.executeUpdate();
                }
            }
            EmbeddedStoreCompaction compaction = EmbeddedStoreCompaction.start(dataSource);
            assertThat(compaction)
                    .as("an embedded H2 database can be compacted")
                    .isNotNull();
            try {
                int before = compaction.fillRate();
                assertThat(before)
                        .as("live share of the file after scattered commits")
                        .isLessThan(EmbeddedStoreCompaction.TARGET_FILL_RATE);
                for (int round = 0;
                        round < 50 && compaction.fillRate() < EmbeddedStoreCompaction.TARGET_FILL_RATE;
                        round++) {
                    compaction.compactOnce();
                }
                System.out.printf(
                        "embedded store: live share %d %% before compaction, %d %% after%n",
                        before, compaction.fillRate());
                assertThat(compaction.fillRate()).isGreaterThanOrEqualTo(EmbeddedStoreCompaction.TARGET_FILL_RATE);
            } finally {
                compaction.close();
            }
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement();
                    var rows = statement.executeQuery("SELECT COUNT(*), (SELECT SUM(n) FROM progress) FROM digest")) {
                rows.next();
                assertThat(rows.getInt(1))
                        .as("every row still there after compaction")
                        .isEqualTo(4_000);
                assertThat(rows.getInt(2)).isEqualTo(4_000);
            }
        }
    }
    /**
     * The second step: a burst fills the file, most of it is then removed (as the ledger retention removes settled
     * messages), and the file kept the size of the burst (36 % in use after a soak). Compaction moves the chunks left
     * towards the start and truncates the file; every row kept is still there, and the file opens again.
     */
    @Test
    void a_file_left_mostly_free_after_a_burst_shrinks_and_keeps_every_row() throws Exception {
        Path file = directory.resolve("burst.mv.db");
        String url = "jdbc:h2:file:" + directory.resolve("burst") + ";WRITE_DELAY=0;RETENTION_TIME=0";
        long burstSize;
        try (HikariDataSource dataSource = dataSource(url)) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE body (id INT PRIMARY KEY, text VARCHAR(2000))");
            }
            Random random = new Random(22);
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO body VALUES (?, ?)")) {
                for (int i = 0; i < 12_000; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, randomText(random, 1_000));
                    insert.executeUpdate();
                }
            }
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM body WHERE MOD(id, 10) <> 0");
            }
            burstSize = java.nio.file.Files.size(file);
            EmbeddedStoreCompaction compaction = EmbeddedStoreCompaction.start(dataSource);
            assertThat(compaction).isNotNull();
            try {
                for (int round = 0; round < 100; round++) {
                    compaction.compactOnce();
                }
                System.out.printf(
                        "embedded store: file %d KiB after the burst, %d KiB after compaction (%d %% of it in use)%n",
                        burstSize >> 10, java.nio.file.Files.size(file) >> 10, compaction.fileFillRate());
                assertThat(compaction.fileFillRate())
                        .as("share of the file in use after compaction (the rest is free space between chunks)")
                        .isGreaterThanOrEqualTo(EmbeddedStoreCompaction.TARGET_FILL_RATE);
                assertThat(java.nio.file.Files.size(file))
                        .as("the file after compaction, against its size after the burst (a tenth of it is kept)")
                        .isLessThan(burstSize / 10);
            } finally {
                compaction.close();
            }
        }
        try (HikariDataSource reopened = dataSource(url);
                Connection connection = reopened.getConnection();
                Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT COUNT(*), SUM(LENGTH(text)) FROM body")) {
            rows.next();
            assertThat(rows.getInt(1))
                    .as("rows kept, read from the reopened file")
                    .isEqualTo(1_200);
            assertThat(rows.getLong(2)).isEqualTo(1_200L * 1_000);
        }
    }

    private static HikariDataSource dataSource(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
