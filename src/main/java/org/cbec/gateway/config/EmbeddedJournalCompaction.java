package org.cbec.gateway.config;

import org.apache.activemq.artemis.core.journal.impl.JournalFile;
import org.apache.activemq.artemis.core.journal.impl.JournalImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the embedded broker's journal its disk back after a burst. Artemis compacts its journal (copies the few live
 * records out of files of consumed ones, then frees those files, deleting those past {@code journal-pool-files}) only
 * when it opens a new journal file, and only past {@code journal-compact-min-files} files. After a burst nothing more
 * is written: the files of a 10 MB list's records, all delivered, stayed (100 MiB, ten files) until the next burst
 * rolled a file. Every {@link #PERIOD_MS} ms this looks at the journal: once it has opened no new file since the last
 * look (the burst is over) and more files than its minimum are less than {@code journal-compact-percentage} live, it
 * compacts them. While files are still being opened, Artemis' own rule applies at each one.
 */
final class EmbeddedJournalCompaction implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedJournalCompaction.class);
    static final long PERIOD_MS = 5_000;
    private static final int COMPACT_TIMEOUT_SECONDS = 60;

    private final JournalImpl journal;
    private PeriodicTask task;
    /** The journal's current file at the last look: another one since means it is still growing. */
    private long lastFileId = -1;

    private EmbeddedJournalCompaction(JournalImpl journal) {
        this.journal = journal;
    }

    /** Starts watching the message journal of {@code server}; null if it is not a file journal (nothing to do). */
    static EmbeddedJournalCompaction start(ActiveMQServer server) {
        if (!(server.getStorageManager().getMessageJournal() instanceof JournalImpl journal)) {
            return null;
        }
        EmbeddedJournalCompaction compaction = new EmbeddedJournalCompaction(journal);
        compaction.task = new PeriodicTask("gateway-broker-journal-compaction", PERIOD_MS, compaction::compactOnce);
        return compaction;
    }

    /**
     * Whether to compact now: the journal opened no new file since the last look, it holds more files than its
     * minimum, and less of them is live than its share.
     */
    boolean due() {
        JournalFile current = journal.getCurrentFile();
        long fileId = current == null ? -1 : current.getFileID();
        boolean growing = fileId != lastFileId;
        lastFileId = fileId;
        JournalFile[] files = journal.getDataFiles();
        if (growing || journal.getCompactMinFiles() == 0 || files.length + 1 <= journal.getMinFiles()) {
            return false;
        }
        long live = 0;
        for (JournalFile file : files) {
            live += file.getLiveSize();
        }
        return live < (long) files.length * journal.getFileSize() * journal.getCompactPercentage();
    }

    /** One round: compacts the journal when its rule says so, and waits for it. */
    void compactOnce() {
        try {
            if (journal.isStarted() && due()) {
                journal.scheduleCompactAndBlock(COMPACT_TIMEOUT_SECONDS);
            }
        } catch (Exception e) {
            if (journal.isStarted()) {
                LOG.warn("Compacting the embedded broker's journal failed this time: {}", e.toString());
            }
        }
    }

    /** How many data files the journal holds (not counting the free ones it keeps for the next burst). */
    int dataFiles() {
        return journal.getDataFilesCount();
    }

    @Override
    public void close() {
        task.close();
    }
}
