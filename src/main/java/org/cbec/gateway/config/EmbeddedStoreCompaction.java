package org.cbec.gateway.config;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded database file from growing without bound. H2 writes every commit as a new chunk and frees an old
 * chunk only once none of its pages is live any more; it moves the live pages out of mostly-dead chunks only in its
 * background writer, which does not run when every commit is written at once ({@code WRITE_DELAY=0}, what the
 * gateway needs for a commit to survive a kill -9). Under load, each chunk keeps a few live pages (the indexes' pages
 * written by each commit) and the file grew to 15-30 times the bytes received.
 *
 * <p>This does what H2's background writer would: every {@link #PERIOD_MS} ms, when the live share of the chunks is
 * under {@link #TARGET_FILL_RATE} %, it rewrites up to {@link #WRITE_BYTES} of live pages out of the emptiest chunks
 * older than H2's retention time (45 s) and commits them; the chunks left empty are reused once that time has passed.
 * H2's retention time is left as it is: it is what keeps the file readable after a crash (a retention of 0 is known
 * to corrupt MVStore files, h2database#2752), so the file holds about 45 s of the gateway's writes on top of its
 * live data, a constant that a long run amortises.
 */
final class EmbeddedStoreCompaction implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStoreCompaction.class);
    static final int TARGET_FILL_RATE = 80;
    static final int WRITE_BYTES = 8 << 20;
    static final long PERIOD_MS = 2_000;

    private final MVStore store;
    private PeriodicTask task;

    private EmbeddedStoreCompaction(MVStore store) {
        this.store = store;
    }

    /** Starts compacting the embedded H2 database behind {@code dataSource}; null if it is not one (nothing to do). */
    static EmbeddedStoreCompaction start(DataSource dataSource) {
        MVStore store;
        try (Connection connection = dataSource.getConnection()) {
            store = storeOf(connection);
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "The embedded database's file cannot be compacted while it runs ({}); it is compacted when the gateway stops",
                    e.toString());
            return null;
        }
        if (store == null) {
            return null;
        }
        EmbeddedStoreCompaction compaction = new EmbeddedStoreCompaction(store);
        compaction.task = new PeriodicTask("gateway-db-compaction", PERIOD_MS, compaction::compactOnce);
        return compaction;
    }

    private static MVStore storeOf(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)) {
            return null;
        }
        if (!(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)) {
            return null; // another process holds the file (AUTO_SERVER): it compacts it
        }
        return local.getDatabase().getStore().getMvStore();
    }

    /** One round: moves live pages out of the emptiest chunks when the file is less than the target full. */
    void compactOnce() {
        try {
            if (store.isClosed() || store.getFileStore().getChunksFillRate() >= TARGET_FILL_RATE) {
                return;
            }
            if (store.compact(TARGET_FILL_RATE, WRITE_BYTES)) {
                store.commit();
            }
        } catch (RuntimeException e) {
            if (!store.isClosed()) {
                LOG.warn("Compacting the embedded database failed this time: {}", e.toString());
            }
        }
    }

    /** The live share of the file, in percent. */
    int fillRate() {
        return store.getFileStore().getChunksFillRate();
    }

    @Override
    public void close() {
        task.close();
    }
}
