package org.cbec.gateway.forward;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of {@link ForwardQueueComponent}: {@code consumers} threads, each with its own transacted JMS
 * session, each taking what the queue has ready (up to {@code maxRecords}) as one exchange. Artemis hands all
 * of one message group (one AEO operator) to one consumer, so a batch keeps each operator's order.
 */
final class ForwardQueueConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardQueueConsumer.class);
    private static final long RECEIVE_TIMEOUT_MS = 500;
    private static final long PAUSE_AFTER_FAILURE_MS = 1000;
    private static final long STOP_WAIT_MS = 60_000;

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final int maxRecords;
    private final int consumers;
    private final List<Thread> threads = new ArrayList<>();
    private final Object pause = new Object();
    private volatile boolean running;
    private Connection connection;

    ForwardQueueConsumer(
            ForwardQueueComponent.ForwardQueueEndpoint endpoint,
            Processor processor,
            ConnectionFactory connectionFactory,
            String queue,
            int maxRecords,
            int consumers) {
        super(endpoint, processor);
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.maxRecords = maxRecords;
        this.consumers = consumers;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        startedAtMillis = System.currentTimeMillis();
        connection = connectionFactory.createConnection();
        connection.start();
        running = true;
        for (int i = 0; i < consumers; i++) {
            Thread thread = new Thread(this::consume, "forward-queue-" + queue + "-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        synchronized (pause) {
            pause.notifyAll();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MS);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                LOG.warn(
                        "{} did not finish its batch in time; closing its session gives the batch back to the queue",
                        thread.getName());
            }
        }
        threads.clear();
        if (connection != null) {
            connection.close();
            connection = null;
        }
        super.doStop();
    }

    private void consume() {
        try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            while (running) {
                List<RecordBatch.QueuedRecord> records = take(consumer);
                if (records.isEmpty()) {
                    continue;
                }
                if (!deliver(session, records)) {
                    pauseAfterFailure();
                }
            }
        } catch (JMSException e) {
            if (running) {
                LOG.error("The forward consumer of {} lost its session and stops: {}", queue, e.toString());
                getExceptionHandler().handleException("forward consumer of " + queue + " stopped", e);
            }
        }
    }

    /** What the queue has ready, up to maxRecords: blocks only for the first. */
    private List<RecordBatch.QueuedRecord> take(MessageConsumer consumer) throws JMSException {
        List<RecordBatch.QueuedRecord> records = new ArrayList<>();
        Message message = consumer.receive(RECEIVE_TIMEOUT_MS);
        while (message != null) {
            records.add(queued(message));
            if (records.size() >= maxRecords) {
                break;
            }
            message = consumer.receiveNoWait();
        }
        return records;
    }

    /**
     * A record queued before this consumer started may have been handled before a crash, or queued again by the start
     * (a second copy): its ledger row is read before it is sent, as for a redelivery.
     */
    private volatile long startedAtMillis = Long.MAX_VALUE;

    private RecordBatch.QueuedRecord queued(Message message) throws JMSException {
        String json = RecordQueue.json(message);
        String seq = message.getStringProperty(RecordQueue.RECORD_SEQ);
        return new RecordBatch.QueuedRecord(
                message.getStringProperty(RecordQueue.MESSAGE_ID),
                seq == null ? -1 : Integer.parseInt(seq),
                message.getStringProperty(RecordQueue.RECORD_TYPE),
                message.getStringProperty(RecordQueue.IDEMPOTENCY_KEY),
                json,
                message,
                message.getJMSRedelivered()
                        || message.propertyExists(RecordQueue.QUEUED_AGAIN)
                        || message.getJMSTimestamp() < startedAtMillis);
    }

    /** Runs the route on the batch; commits when it succeeded, rolls back otherwise. True when committed. */
    private boolean deliver(Session session, List<RecordBatch.QueuedRecord> records) throws JMSException {
        Exchange exchange = createExchange(false);
        try {
            exchange.getIn().setBody(new RecordBatch(queue, records, session, () -> !running));
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        try {
            if (exchange.getException() == null) {
                session.commit();
                return true;
            }
            session.rollback();
            if (running) {
                getExceptionHandler()
                        .handleException(
                                "forwarding " + records.size() + " record(s) from " + queue
                                        + " failed; they stay queued",
                                exchange,
                                exchange.getException());
            }
            return false;
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private void pauseAfterFailure() {
        synchronized (pause) {
            if (!running) {
                return;
            }
            try {
                pause.wait(PAUSE_AFTER_FAILURE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
