package org.cbec.gateway.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.cbec.gateway.evidence.ArchiveSegments;
import org.flywaydb.core.Flyway;

/**
 * The gateway's relational database: an embedded H2 file under the data directory by default, or the
 * PostgreSQL of {@code gateway.db.url}. Flyway migrates it at start-up.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final boolean embedded;
    private final GroupCommit writer;
    /** The embedded archive's segment files roll at this size; retention removes whole segments. */
    private static final long ARCHIVE_SEGMENT_BYTES = 64L << 20;
    /**
     * How long H2 keeps a dead chunk before its space is reused (H2's default is 45 s). Under load every commit
     * writes a chunk, so the file carried 45 s of the gateway's writes on top of its live data: most of the data
     * directory after a benchmark. The window exists for disks that reorder writes across a power loss, which the
     * embedded database does not survive anyway (it does not fsync); a kill -9 leaves the operating system's buffers
     * intact. Zero is known to corrupt the file (h2database#2752, with versions-to-keep 0 too), so a few seconds.
     */
    static final int RETENTION_MS = 5_000;

    private ArchiveSegments segments;
    private EmbeddedStoreCompaction compaction;
    private final java.util.List<AutoCloseable> afterwards = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Database(HikariDataSource dataSource, boolean embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.writer = new GroupCommit(dataSource, "gateway-db");
    }

    public static Database open(String url, String user, String password, Path dataDir) {
        HikariConfig config = new HikariConfig();
        boolean embedded = url == null || url.isBlank();
        if (embedded) {
            Path file = dataDir.toAbsolutePath().resolve("db").resolve("gateway");
            config.setJdbcUrl("jdbc:h2:file:" + file
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                    // Lets the evidence command read the database while the gateway runs.
                    + ";AUTO_SERVER=TRUE"
                    // Each commit is written to the file before it returns: evidence survives a kill -9 of the process.
                    // (H2 still does not fsync: a power loss needs PostgreSQL.)
                    + ";WRITE_DELAY=0"
                    // Small documents (a shipment's records, its receipt, a signed 2 KiB message) stay in their row,
                    // written
                    // once with it; only larger ones go to H2's separate large-object store, which costs several more
                    // index writes per value.
                    + ";MAX_LENGTH_INPLACE_LOB=4096"
                    // The one writer's connection runs some twenty statements in turn; H2 keeps eight parsed per
                    // session
                    // by default, so each came back parsed anew.
                    + ";QUERY_CACHE_SIZE=64"
                    // The page cache (KiB; H2's default is 16 MiB): the ledger's and the duplicate index's pages are
                    // read
                    // back for every commit that touches them.
                    + ";CACHE_SIZE=65536"
                    + ";RETENTION_TIME=" + RETENTION_MS
                    + ";COMPRESS=TRUE");
            config.setUsername("gateway");
            config.setPassword("");
        } else {
            config.setJdbcUrl(url);
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setPoolName("gateway-db");
        config.setMaximumPoolSize(32);
        config.setAutoCommit(true);
        HikariDataSource dataSource = new HikariDataSource(config);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // Large documents go where each database keeps large objects apart from its table pages.
                .placeholders(
                        embedded
                                ? Map.of("large_text", "CHARACTER LARGE OBJECT", "large_bytes", "BINARY LARGE OBJECT")
                                : Map.of("large_text", "TEXT", "large_bytes", "BYTEA"))
                .load()
                .migrate();
        Database database = new Database(dataSource, embedded);
        if (embedded) {
            // The embedded archive keeps received bytes in append-only segments, forced before each commit that refers
            // to them.
            ArchiveSegments segments = ArchiveSegments.open(
                    dataDir.toAbsolutePath().resolve("archive"), ARCHIVE_SEGMENT_BYTES, java.time.Clock.systemUTC());
            database.segments = segments;
            database.writer.beforeEveryCommit(segments::sync);
            database.closeAfterwards(segments);
            // Stopped before the pool closes the database (closeAfterwards runs after that, which is harmless too).
            database.compaction = EmbeddedStoreCompaction.start(dataSource);
        }
        return database;
    }

    /** The embedded archive's segments for received bytes; null with an external database, which keeps them in rows. */
    public ArchiveSegments segments() {
        return segments;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean embedded() {
        return embedded;
    }

    /**
     * The one writer of the hot path: archiving, dispatching and booking deliveries all commit through it,
     * so that the work of every thread waiting at the same moment shares one transaction and one commit.
     * A large list is archived and dispatched alone ({@link GroupCommit#run(GroupCommit.Work, int)}), so that the group does not wait for it.
     * (Each commit costs the database a write of every page it touched; fewer, larger commits cost less.)
     */
    public GroupCommit writer() {
        return writer;
    }

    /** Closed with the database, after its writer's last commit (the archive segments that commit forces). */
    public void closeAfterwards(AutoCloseable resource) {
        afterwards.add(resource);
    }

    @Override
    public void close() {
        if (compaction != null) {
            compaction.close();
        }
        writer.close();
        dataSource.close();
        for (AutoCloseable resource : afterwards) {
            try {
                resource.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Database.class)
                        .warn("{} did not close cleanly: {}", resource, e.toString());
            }
        }
    }
}
