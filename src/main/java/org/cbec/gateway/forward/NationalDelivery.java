package org.cbec.gateway.forward;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forward routes' bean: prepares a record for its national system, judges the answer, and records
 * delivery or dead-lettering in the {@link DeliveryLedger}.
 */
public final class NationalDelivery {
    public static final String MESSAGE_ID = "GatewayMessageId";
    public static final String RECORD_SEQ = "GatewayRecordSeq";
    public static final String IDEMPOTENCY_KEY = "GatewayIdempotencyKey";
    public static final String ALREADY_DELIVERED = "gatewayAlreadyDelivered";
    private static final Logger LOG = LoggerFactory.getLogger(NationalDelivery.class);

    private final DeliveryLedger ledger;

    public NationalDelivery(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    /** Moves the queue headers into exchange properties and leaves exactly the headers the national system gets. */
    public void prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        String messageId = message.getHeader(MESSAGE_ID, String.class);
        Integer seq = message.getHeader(RECORD_SEQ, Integer.class);
        String key = message.getHeader(IDEMPOTENCY_KEY, String.class);
        if (messageId == null || seq == null || key == null) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "a forward-queue message lacks its record headers");
        }
        exchange.setProperty(MESSAGE_ID, messageId);
        exchange.setProperty(RECORD_SEQ, seq);
        exchange.setProperty(IDEMPOTENCY_KEY, key);
        exchange.setProperty(ALREADY_DELIVERED, ledger.alreadyDelivered(key));
        message.removeHeaders("*");
        message.setHeader("Idempotency-Key", key);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_METHOD, "POST");
    }

    public void delivered(Exchange exchange) {
        ledger.markDelivered(exchange.getProperty(MESSAGE_ID, String.class), exchange.getProperty(RECORD_SEQ, Integer.class),
                exchange.getProperty(IDEMPOTENCY_KEY, String.class));
    }

    /**
     * Called once the retries are spent: the record is dead-lettered and the message's status says so.
     * While the gateway stops, the record is not dead-lettered but rolled back onto its queue.
     */
    public void deadLettered(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (exchange.getContext().isStopping() || exchange.getContext().isStopped()) {
            throw new GatewayException(GatewayError.NATIONAL_SYSTEM_UNAVAILABLE,
                    "the gateway is stopping: record " + exchange.getProperty(IDEMPOTENCY_KEY) + " stays queued", failure);
        }
        String messageId = exchange.getProperty(MESSAGE_ID, String.class);
        Integer seq = exchange.getProperty(RECORD_SEQ, Integer.class);
        String reason = failure == null ? "unknown failure" : failure.getMessage();
        LOG.warn("Dead-lettered record {} of message {} ({}): {}", seq, messageId, exchange.getProperty(IDEMPOTENCY_KEY), reason);
        if (messageId != null && seq != null) {
            ledger.markDeadLettered(messageId, seq, reason);
        }
    }
}
