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
}
