package org.cbec.gateway.forward;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Records taken off a forward queue together, in one JMS transaction that commits once the route has booked
 * each record's outcome. What the route sends in {@link #park} goes into the same transaction.
 */
public final class RecordBatch {
    /**
     * One queued record, as the forward queue holds it.
     *
     * @param again whether this record may have been handled before: the broker redelivers it (a rollback, a crash), or
     *              it was queued again (an operator's replay, recovery after a start), so its ledger row must be read
     */
    public record QueuedRecord(
            String messageId,
            int seq,
            String recordType,
            String idempotencyKey,
            String json,
            Message message,
            boolean again) {}

    private final String queue;
    private final List<QueuedRecord> records;
    private final Session session;
    private final BooleanSupplier stopping;

    RecordBatch(String queue, List<QueuedRecord> records, Session session, BooleanSupplier stopping) {
        this.queue = queue;
        this.records = List.copyOf(records);
        this.session = session;
        this.stopping = stopping;
    }

    /** A batch outside any JMS transaction, for tests of the delivery's decisions. */
    public static RecordBatch detached(String queue, List<QueuedRecord> records) {
        return new RecordBatch(queue, records, null, () -> false);
    }

    public String queue() {
        return queue;
    }

    public List<QueuedRecord> records() {
        return records;
    }

    /** True once the route is stopping: a delivery waiting between retries gives its records back to the queue. */
    public boolean stopping() {
        return stopping.getAsBoolean();
    }

    /** Queues records on their forward queues in the batch's transaction (the accept log's projection). */
    public void queue(List<OutboundRecord> owed, boolean again) {
        if (session == null || owed.isEmpty()) {
            return;
        }
        try {
            RecordQueue.send(session, owed, again);
        } catch (JMSException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot queue records: " + e.getMessage(), e);
        }
    }

    /** How often an entry may go back to its queue before it is parked on the dead letters, as the broker would. */
    static final int MAX_REQUEUES = 20;

    static final String REQUEUES = "GatewayRequeues";

    /**
     * Puts one entry back at the end of its queue, in the batch's transaction, with its attempts counted; after
     * {@link #MAX_REQUEUES} it is parked on {@code gateway.dead-letter}, where the broker parks what it gave up on.
     */
    public void requeue(QueuedRecord record) {
        try {
            int requeues =
                    record.message().propertyExists(REQUEUES) ? record.message().getIntProperty(REQUEUES) : 0;
            if (requeues + 1 >= MAX_REQUEUES) {
                park(record, "gateway.dead-letter");
                return;
            }
            if (session == null) {
                return;
            }
            Message copy = copyOf(record.message());
            copy.setIntProperty(REQUEUES, requeues + 1);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            try {
                producer.send(copy);
            } finally {
                producer.close();
            }
        } catch (JMSException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot put an entry back on " + queue, e);
        }
    }

    private Message copyOf(Message original) throws JMSException {
        Message copy;
        if (original instanceof jakarta.jms.BytesMessage bytes) {
            jakarta.jms.BytesMessage made = session.createBytesMessage();
            made.writeBytes(bytes.getBody(byte[].class));
            copy = made;
        } else {
            copy = session.createTextMessage(original.getBody(String.class));
        }
        for (java.util.Enumeration<?> names = original.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (!name.startsWith("JMSX")) {
                copy.setObjectProperty(name, original.getObjectProperty(name));
            }
        }
        return copy;
    }

    /** Puts a copy of a record's queued message on another queue (the dead letters) in the batch's transaction. */
    public void park(QueuedRecord record, String destination) {
        if (session == null) {
            return;
        }
        try {
            MessageProducer producer = session.createProducer(session.createQueue(destination));
            try {
                producer.send(record.message());
            } finally {
                producer.close();
            }
        } catch (JMSException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "cannot park record " + record.idempotencyKey() + " on " + destination,
                    e);
        }
    }
}
