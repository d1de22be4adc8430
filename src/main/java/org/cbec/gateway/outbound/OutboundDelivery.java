package org.cbec.gateway.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.Body;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.forward.RecordBatch;
import org.cbec.gateway.forward.Retries;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerOutbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbound messages to partners, off the {@code gateway.forward.outbound} queue through the same forward-queue
 * consumer, ledger, dead letters and replay as the national side: at least once, every attempt with the message's one
 * idempotency key and the same signed bytes; a failed attempt is booked and retried with exponential backoff, and after
 * {@code gateway.forward.max-attempts} the message is dead-lettered for an operator to replay. Every attempt is a line of
 * the message's history; the partner's signed receipt, when it sends one, is archived.
 */
public final class OutboundDelivery {
    public static final String QUEUE = "gateway.forward.outbound";
    public static final String DEAD_LETTER_QUEUE = "gateway.dead-letter.outbound";
    private static final Logger LOG = LoggerFactory.getLogger(OutboundDelivery.class);
    private static final ReentrantLock[] LOCKS = new ReentrantLock[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new ReentrantLock();
        }
    }

    private final DeliveryLedger ledger;
    private final OutboundPartners partners;
    private final Retries retries;
    private final Clock clock;
    private final OutboundStatus status;

    public OutboundDelivery(
            DeliveryLedger ledger, OutboundPartners partners, Retries retries, Clock clock, OutboundStatus status) {
        this.ledger = ledger;
        this.partners = partners;
        this.retries = retries;
        this.clock = clock;
        this.status = status;
    }

    /** Delivers each message of the batch still owed; returns once each is delivered, dead-lettered, or handed back on a stop. */
    public void deliver(@Body RecordBatch batch) {
        for (RecordBatch.QueuedRecord record : batch.records()) {
            if (record.messageId() == null || record.json() == null) {
                LOG.error("A message on {} lacks its headers; parked on {}", batch.queue(), DEAD_LETTER_QUEUE);
                batch.park(record, DEAD_LETTER_QUEUE);
                continue;
            }
            // After a restart the journal's copy and the ledger's re-queued copy of one message can reach two consumers
            // at
            // once, and the journal's copy need not say it was delivered before: one copy at a time per key, and the
            // ledger
            // read each time (an outbound message is one row, and a partner must never get one key twice).
            ReentrantLock lock = LOCKS[Math.floorMod(record.idempotencyKey().hashCode(), LOCKS.length)];
            lock.lock();
            try {
                DeliveryLedger.RecordState state =
                        ledger.states(List.of(record)).get(record.messageId() + "/" + record.seq());
                if (state == null || !"PENDING".equals(state.status())) {
                    continue; // delivered, dead-lettered or discarded already: never sent twice
                }
                deliverOne(batch, record, state.attempts());
            } finally {
                lock.unlock();
            }
        }
    }

    private void deliverOne(RecordBatch batch, RecordBatch.QueuedRecord record, int attemptsBefore) {
        JsonNode delivery = read(record.json());
        String partnerId = delivery.path("partner").asText();
        OutboundTransport.Document document = new OutboundTransport.Document(
                record.messageId(),
                partnerId,
                record.idempotencyKey(),
                delivery.path("legalBasis").asText(),
                Base64.getDecoder().decode(delivery.path("signed").asText()));
        int attempts = attemptsBefore;
        for (int round = 0; ; round++) {
            OutboundTransport.Result result = attempt(document);
            attempts++;
            if (result.delivered()) {
                String note = "attempt " + attempts + " to " + partnerId + ": " + result.note();
                ledger.book(List.of(new DeliveryLedger.Outcome(
                        record.messageId(), record.seq(), "DELIVERED", null, connection -> {
                            EvidenceArchive.insertHistoryRow(
                                    connection, record.messageId(), "DELIVERED", clock.instant(), note);
                            if (result.receipt() != null) {
                                archiveReceipt(connection, record.messageId(), result.receipt(), result.sent());
                            }
                        })));
                status.delivered(partnerId, clock.instant(), result.receipt() != null);
                LOG.info("Outbound message {} delivered to {} ({})", record.messageId(), partnerId, result.note());
                return;
            }
            String failure = result.failure();
            status.failed(partnerId);
            boolean dead = attempts >= retries.maxAttempts();
            List<DeliveryLedger.Outcome> outcomes = new ArrayList<>();
            outcomes.add(DeliveryLedger.Outcome.of(record.messageId(), record.seq(), "ATTEMPT_FAILED", failure));
            if (dead) {
                outcomes.add(DeliveryLedger.Outcome.of(record.messageId(), record.seq(), "DEAD_LETTERED", failure));
            }
            ledger.book(outcomes);
            ledger.addHistory(
                    record.messageId(), "DELIVERY_FAILED", "attempt " + attempts + " to " + partnerId + ": " + failure);
            if (dead) {
                LOG.warn(
                        "Dead-lettered outbound message {} to {} after {} attempt(s): {}",
                        record.messageId(),
                        partnerId,
                        attempts,
                        failure);
                batch.park(record, DEAD_LETTER_QUEUE);
                return;
            }
            retries.waitBeforeRetry(batch, round, "outbound message " + record.messageId() + " stays queued");
        }
    }

    /** One attempt over the partner's transport as its file says now (a hot reload may have moved its URL). */
    private OutboundTransport.Result attempt(OutboundTransport.Document document) {
        Partner partner = partners.partner(document.partnerId()).orElse(null);
        PartnerOutbound outbound = partner == null ? null : partner.outbound();
        if (outbound == null) {
            return OutboundTransport.Result.failed(
                    "partner " + document.partnerId() + " has no outbound section any more");
        }
        OutboundTransport transport = partners.transport(outbound.transport()).orElse(null);
        if (transport == null) {
            return OutboundTransport.Result.failed("no " + outbound.transport() + " sender in this gateway");
        }
        return transport.send(document, partner);
    }

    /** The partner's receipt, and for a transport that builds its request per attempt (AS4) the exact request it answers. */
    private static void archiveReceipt(java.sql.Connection connection, String messageId, byte[] receipt, byte[] sent)
            throws java.sql.SQLException {
        try (java.sql.PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO signed_receipt (message_id, signed_at, cms, sent_request) VALUES (?, ?, ?, ?)")) {
            statement.setString(1, messageId);
            statement.setObject(2, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
            statement.setBytes(3, receipt);
            statement.setBytes(4, sent);
            statement.executeUpdate();
        }
    }

    private static JsonNode read(String json) {
        try {
            return CanonicalJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "a queued outbound delivery cannot be read", e);
        }
    }
}
