package org.cbec.gateway.forward;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Body;
import java.util.concurrent.atomic.AtomicReference;
import org.cbec.gateway.config.GroupCommit;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.InboundEvidence;
import org.cbec.gateway.evidence.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands an accepted message's records to the forward queues. Idempotent: the same message dispatched
 * twice yields only its records not yet delivered.
 */
public final class RecordDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDispatch.class);

    private final DeliveryLedger ledger;
    private final EvidenceArchive archive;
    private final GroupCommit groupCommit;
    private final AcceptLog acceptLog;

    private final Clock clock;
    private final Duration grace;
    private final java.time.Instant startedAt;
    private final boolean queueOwedAfterStart;

    /** @param grace how long an accepted message may wait in the queue before it counts as never dispatched */

    /**
     * @param queueOwedAfterStart whether a start queues again what the ledger owes (the embedded broker); with an
     *        external broker the broker keeps what a dead instance held, and the other instances may have those
     *        records in hand right now: queueing them again would only send them twice
     */
    public RecordDispatch(DeliveryLedger ledger, EvidenceArchive archive, GroupCommit groupCommit, AcceptLog acceptLog, Clock clock,
                          Duration grace, boolean queueOwedAfterStart) {
        this.groupCommit = groupCommit;
        this.acceptLog = acceptLog;
        this.ledger = ledger;
        this.archive = archive;
        this.clock = clock;
        this.grace = grace;
        this.startedAt = clock.instant();
        this.queueOwedAfterStart = queueOwedAfterStart;
    }

    /**
     * The projection of one entry of the accept log ({@code gateway.accepted}): an accepted message's entry is
     * archived and its records booked in one database commit shared with the other entries being projected, and
     * the records still owed come back to be queued; a message id alone (a message archived before its 202: AEO
     * statements, large lists, recovery) is dispatched from the archive.
     */
    public List<OutboundRecord> dispatch(@Body Object entryOrMessageId) {
        if (entryOrMessageId instanceof byte[] encoded) {
            return project(LogEntry.decode(encoded));
        }
        return ledger.dispatch(String.valueOf(entryOrMessageId));
    }

    private List<OutboundRecord> project(LogEntry entry) {
        InboundEvidence evidence = entry.evidence();
        List<OutboundRecord> records = DeliveryLedger.outboundRecords(entry.messageId(), entry.recordsJson());
        AtomicReference<List<OutboundRecord>> owed = new AtomicReference<>();
        groupCommit.run(connection -> owed.set(archive.project(connection, evidence, entry.contentSha256()) == EvidenceArchive.Projection.DUPLICATE
                ? List.of() : ledger.dispatchIn(connection, entry.messageId(), records)), records.size());
        acceptLog.projected(entry.messageId());
        return owed.get();
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
        java.time.Instant cutoff = clock.instant().minus(grace);
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
