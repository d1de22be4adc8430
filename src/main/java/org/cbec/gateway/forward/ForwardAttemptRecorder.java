package org.cbec.gateway.forward;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Called by the forward error handler on every failed attempt: counts it and keeps its error. */
public final class ForwardAttemptRecorder implements Processor {
    private final DeliveryLedger ledger;

    public ForwardAttemptRecorder(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void process(Exchange exchange) {
        String messageId = exchange.getProperty(NationalDelivery.MESSAGE_ID, String.class);
        Integer seq = exchange.getProperty(NationalDelivery.RECORD_SEQ, Integer.class);
        Exception failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (messageId != null && seq != null) {
            ledger.recordAttempt(messageId, seq, failure == null ? "failed" : failure.getMessage());
        }
    }
}
