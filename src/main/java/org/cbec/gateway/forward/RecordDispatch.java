package org.cbec.gateway.forward;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Body;
import org.cbec.gateway.evidence.EvidenceArchive;
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

    private final Clock clock;
    private final Duration grace;

    /** @param grace how long an accepted message may wait in the queue before it counts as never dispatched */
    public RecordDispatch(DeliveryLedger ledger, EvidenceArchive archive, Clock clock, Duration grace) {
        this.ledger = ledger;
        this.archive = archive;
        this.clock = clock;
        this.grace = grace;
    }

    public List<OutboundRecord> dispatch(@Body String messageId) {
        return ledger.dispatch(messageId);
    }

    /** Accepted messages whose dispatch never happened (a crash between archive and queue): queue them again. */
    public List<String> undispatched() {
        List<String> ids = archive.acceptedButNotDispatched(clock.instant().minus(grace));
        if (!ids.isEmpty()) {
            LOG.warn("Re-queueing {} accepted message(s) that were never dispatched", ids.size());
        }
        return ids;
    }
}
