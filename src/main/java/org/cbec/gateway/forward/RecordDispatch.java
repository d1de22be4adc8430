package org.cbec.gateway.forward;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Body;
import org.cbec.gateway.config.GroupCommit;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands an accepted message's records to the forward queues. Idempotent: the same message dispatched
 * twice yields only its records not yet delivered.
 */
public final class RecordDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDispatch.class);
    /** Where the broker parks what it gave up on, and where the projection parks an entry it cannot read. */
    private static final String DEAD_LETTERS = "gateway.dead-letter";

    private final DeliveryLedger ledger;
    private final EvidenceArchive archive;
    private final GroupCommit groupCommit;
    private final AcceptLog acceptLog;

    /** How long an accepted message may wait in the queue before it counts as never dispatched. */
    private static final Duration GRACE = Duration.ofMinutes(2);

    private final Clock clock;
    private final java.time.Instant startedAt;
    private final boolean queueOwedAfterStart;
    private volatile org.cbec.gateway.monitor.GatewayMetrics metrics;
    private volatile RecordQueue apart;

    /**
     * A message owing more records than this queues them apart from the batch's transaction, in transactions of this
     * many ({@link RecordQueue#queue}); fewer go with the batch, committed with the entry.
     */
    static final int QUEUED_WITH_ENTRY_MAX = RecordQueue.RECORDS_PER_TRANSACTION;

    /**
     * @param queueOwedAfterStart whether a start queues again what the ledger owes (the embedded broker); with an
     *        external broker the broker keeps what a dead instance held, and the other instances may have those
     *        records in hand right now: queueing them again would only send them twice
     */
    public RecordDispatch(
            DeliveryLedger ledger,
            EvidenceArchive archive,
            GroupCommit groupCommit,
            AcceptLog acceptLog,
            Clock clock,
            boolean queueOwedAfterStart) {
        this.groupCommit = groupCommit;
        this.acceptLog = acceptLog;
        this.ledger = ledger;
        this.archive = archive;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.queueOwedAfterStart = queueOwedAfterStart;
    }

    /** Entries projected together in one database commit: their rows share pages, so each costs a fraction of a commit. */
    private record Taken(RecordBatch.QueuedRecord queued, LogEntry entry, List<OutboundRecord> records) {}

    /**
     * The projection of the entries the accept log's consumer took together ({@code accept-log:gateway.accepted}, one
     * JMS transaction): every entry's archive rows and ledger rows go into ONE database commit, then every entry's
     * owed records are queued in the batch's JMS transaction, which commits when this returns. A commit's cost is
     * mostly pages written, and entries taken together write the same pages (the tables' last pages, the indexes'
     * roots): under load, the projection costs a fraction of a commit per message instead of one commit per eight.
     *
     * <p>When the shared commit fails, each entry is projected alone, so that one bad entry cannot hold back the
     * others: it fails the batch (rolled back, redelivered, parked after the broker's attempts) only if none could
     * be projected; otherwise it is put back on the log with its attempt counted, and the rest commit.
     *
     * @return how many records were queued
     */
    public int projectBatch(@Body RecordBatch batch) {
        long started = System.nanoTime();
        try {
            return projectEach(batch);
        } finally {
            if (metrics != null) {
                metrics.stage(
                        "project", System.nanoTime() - started, batch.records().size());
            }
        }
    }

    /**
     * Where a message owing more than {@link #QUEUED_WITH_ENTRY_MAX} records (a large list) queues them, in
     * transactions of their own; without it they go in the batch's one transaction.
     */
    public RecordDispatch queueingLargeListsWith(RecordQueue queue) {
        this.apart = queue;
        return this;
    }

    /** Whom to tell how long each projection took (the metrics' stage costs). */
    public RecordDispatch observedBy(org.cbec.gateway.monitor.GatewayMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    private int projectEach(RecordBatch batch) {
        List<Taken> entries = new ArrayList<>();
        List<RecordBatch.QueuedRecord> ids = new ArrayList<>();
        for (RecordBatch.QueuedRecord queued : batch.records()) {
            byte[] encoded = bytesOf(queued.message());
            if (encoded == null) {
                ids.add(queued);
                continue;
            }
            Taken taken = readable(queued, encoded);
            if (taken == null) {
                // Not an entry this gateway wrote (a damaged record, a message put there by hand): it would fail
                // every batch it is taken with, for ever. Parked alone, in this batch's transaction.
                batch.park(queued, DEAD_LETTERS);
            } else {
                entries.add(taken);
            }
        }
        int queued = 0;
        if (!entries.isEmpty()) {
            queued += projectTogether(batch, entries);
        }
        for (RecordBatch.QueuedRecord id : ids) {
            String messageId = textOf(id.message());
            RecordQueue queue = apart;
            if (queue != null && ledger.recordCount(messageId) > QUEUED_WITH_ENTRY_MAX) {
                // Committed before the entry is: a crash part-way leaves some queued and takes the entry again, which
                // queues its records once more. Every copy is marked again, so each is read in the ledger before it is
                // sent (one range read a batch), and none is sent twice whatever order the copies come in. The records
                // are read again from the records document as they are queued, never all in hand with their JSON.
                try (RecordQueue.Pages pages = queue.pages()) {
                    queued += ledger.dispatchInPages(messageId, pages);
                }
                continue;
            }
            List<OutboundRecord> owed = ledger.dispatch(messageId);
            batch.queue(owed, id.again());
            queued += owed.size();
        }
        return queued;
    }

    private static Taken readable(RecordBatch.QueuedRecord queued, byte[] encoded) {
        try {
            LogEntry entry = LogEntry.decode(encoded);
            return new Taken(queued, entry, DeliveryLedger.outboundRecords(entry.messageId(), entry.recordsJson()));
        } catch (RuntimeException unreadable) {
            LOG.error(
                    "An accept-log entry ({} bytes, message id property {}) cannot be read and is parked on {}: {}",
                    encoded.length,
                    queued.messageId(),
                    DEAD_LETTERS,
                    unreadable.getMessage());
            return null;
        }
    }

    private int projectTogether(RecordBatch batch, List<Taken> entries) {
        List<List<OutboundRecord>> owed = new ArrayList<>();
        int records = entries.stream().mapToInt(taken -> taken.records().size()).sum();
        try {
            groupCommit.run(
                    connection -> {
                        owed.clear();
                        for (Taken taken : entries) {
                            owed.add(projectIn(connection, taken));
                        }
                    },
                    records);
        } catch (GatewayException together) {
            return projectOneByOne(batch, entries, together);
        }
        int queued = 0;
        for (int i = 0; i < entries.size(); i++) {
            acceptLog.projected(entries.get(i).entry().messageId());
            batch.queue(owed.get(i), entries.get(i).queued().again());
            queued += owed.get(i).size();
        }
        return queued;
    }

    private List<OutboundRecord> projectIn(java.sql.Connection connection, Taken taken) throws java.sql.SQLException {
        LogEntry entry = taken.entry();
        if (taken.queued().again()
                && queueOwedAfterStart
                && DeliveryLedger.dispatchedBefore(connection, entry.messageId(), startedAt)) {
            // Projected before a crash, its transaction with the broker lost: the start queues again what the ledger
            // owes of it (owedSinceBeforeStart). Queueing it here too would put two copies in the queue at once.
            return List.of();
        }
        return archive.project(connection, entry.evidence(), entry.contentSha256())
                        == EvidenceArchive.Projection.DUPLICATE
                ? List.of()
                : ledger.dispatchIn(connection, entry.messageId(), taken.records());
    }

    private int projectOneByOne(RecordBatch batch, List<Taken> entries, GatewayException together) {
        List<Taken> failed = new ArrayList<>();
        GatewayException last = together;
        int queued = 0;
        for (Taken taken : entries) {
            AtomicReference<List<OutboundRecord>> owed = new AtomicReference<>();
            try {
                groupCommit.run(
                        connection -> owed.set(projectIn(connection, taken)),
                        taken.records().size());
            } catch (GatewayException e) {
                failed.add(taken);
                last = e;
                continue;
            }
            acceptLog.projected(taken.entry().messageId());
            batch.queue(owed.get(), taken.queued().again());
            queued += owed.get().size();
        }
        if (failed.size() == entries.size()) {
            throw last; // nothing could be projected: the database, not an entry; the batch waits and comes again
        }
        for (Taken taken : failed) {
            LOG.error(
                    "Accepted message {} could not be projected ({}); it goes back to the accept log",
                    taken.entry().messageId(),
                    last.getMessage());
            batch.requeue(taken.queued());
        }
        return queued;
    }

    private static byte[] bytesOf(Message message) {
        try {
            return message instanceof BytesMessage bytes ? bytes.getBody(byte[].class) : null;
        } catch (JMSException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "an accept-log entry cannot be read: " + e.getMessage(), e);
        }
    }

    private static String textOf(Message message) {
        try {
            return message.getBody(String.class);
        } catch (JMSException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "an accept-log entry cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * After a start: the records the ledger still owes national systems from before this process started
     * (a crash may have left them anywhere between the queue and a consumer's hands), to queue again.
     */
    public List<OutboundRecord> owedSinceBeforeStart() {
        if (!queueOwedAfterStart) {
            return List.of();
        }
        List<OutboundRecord> owed = ledger.pendingDispatchedBefore(startedAt);
        if (!owed.isEmpty()) {
            LOG.info("Queueing again {} record(s) still owed from before this start", owed.size());
        }
        return owed;
    }

    /**
     * Accepted messages whose dispatch never happened (a crash between archive and queue): queue them again.
     * A message younger than the grace may still be in the queue; but one accepted before this process started,
     * with the embedded broker, cannot be in the hands of anyone here: it is queued again at the first look
     * after a start, not a grace later (its partner, told DUPLICATE when it sent again, is owed it).
     */
    public List<String> undispatched() {
        java.time.Instant cutoff = clock.instant().minus(GRACE);
        if (queueOwedAfterStart && cutoff.isBefore(startedAt)) {
            cutoff = startedAt;
        }
        List<String> ids = archive.acceptedButNotDispatched(cutoff);
        if (!ids.isEmpty()) {
            LOG.warn("Re-queueing {} accepted message(s) that were never dispatched", ids.size());
        }
        return ids;
    }
}
