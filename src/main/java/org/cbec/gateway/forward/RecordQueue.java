package org.cbec.gateway.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Puts records on their national system's forward queue with plain JMS, one JMS message per record
 * (the unit of retries, dead letters and ordering), without a Camel exchange per record: a 10 MB list's
 * 80,000 records went through a split of 80,000 exchanges at ~230 a second before the first was forwarded.
 *
 * <p>Inside a transacted route the records go into the route's own JMS session, so that taking the accepted
 * message off its queue and queueing its records commit together.
 */
public final class RecordQueue {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordQueue.class);
    public static final String AEO_QUEUE = "gateway.forward.aeo";
    public static final String SHIPMENT_QUEUE = "gateway.forward.shipment";
    /** Outbound messages to partners (org.cbec.gateway.outbound): one delivery per message, the same ledger and retries. */
    public static final String OUTBOUND_QUEUE = "gateway.forward.outbound";

    public static final String OUTBOUND_TYPE = "OUTBOUND";
    /** Shipments are also published, labelled, for content-based routes (shipment-routing-example.camel.yaml). */
    public static final String SHIPMENT_TOPIC = "gateway.shipments.routing";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "gatewayJmsSession";
    private static final String REDELIVERED = "gatewayEntryRedelivered";
    /** Set on a record queued again (replay, recovery after a start). */
    static final String QUEUED_AGAIN = "GatewayQueuedAgain";
    // The properties of a queued record, which the forward queues' consumer reads back.
    static final String MESSAGE_ID = "GatewayMessageId";
    static final String RECORD_SEQ = "GatewayRecordSeq";
    static final String IDEMPOTENCY_KEY = "GatewayIdempotencyKey";
    static final String RECORD_TYPE = "GatewayRecordType";

    private final ConnectionFactory connectionFactory;

    /** @param connectionFactory for queueing outside a route's transaction (operators' replays, recovery after a start) */
    public RecordQueue(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** The forward queue of a record type. */
    public static String queueOf(String recordType) {
        return "AEO_STATUS".equals(recordType)
                ? AEO_QUEUE
                : OUTBOUND_TYPE.equals(recordType) ? OUTBOUND_QUEUE : SHIPMENT_QUEUE;
    }

    /**
     * Keeps the JMS session of the route's transaction for {@link #queueInRouteTransaction}: called first, while the
     * exchange's message is still the one the JMS consumer made (a bean's answer as the body replaces it).
     */
    public void holdRouteSession(Exchange exchange) {
        JmsMessage jms = exchange.getIn(JmsMessage.class);
        if (jms != null && jms.getJmsSession() != null) {
            exchange.setProperty(SESSION, jms.getJmsSession());
            try {
                // A redelivered entry may have queued some of its records already (a crash before the commit).
                exchange.setProperty(
                        REDELIVERED,
                        jms.getJmsMessage() != null && jms.getJmsMessage().getJMSRedelivered());
            } catch (JMSException e) {
                exchange.setProperty(REDELIVERED, true);
            }
        }
    }

    /**
     * Queues the records in the JMS session of the route's transaction (the exchange came from a transacted
     * JMS consumer); the route's commit sends them. Returns how many were queued.
     */
    public int queueInRouteTransaction(Exchange exchange, @Body List<OutboundRecord> records) {
        Session session = exchange.getProperty(SESSION, Session.class);
        if (session == null) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "records can be queued in a route's transaction only from a JMS consumer");
        }
        try {
            send(session, records, Boolean.TRUE.equals(exchange.getProperty(REDELIVERED, Boolean.class)));
        } catch (JMSException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot queue records: " + e.getMessage(), e);
        }
        return records.size();
    }

    /**
     * The most records queued in one broker transaction: the broker keeps a transaction's messages in memory until it
     * commits (a 10 MB list's 80,000 records in one held some 300 MiB of heap until the last was delivered).
     */
    public static final int RECORDS_PER_TRANSACTION = 1_000;

    /**
     * Queues the records (an operator's replay or resend, what the ledger owes after a start, an outbound message) in
     * transactions of their own of {@link #RECORDS_PER_TRANSACTION}, all committed before this returns; each is marked
     * queued again, so its delivery reads its ledger row first.
     */
    public int queue(@Body List<OutboundRecord> records) {
        if (records.isEmpty()) {
            return 0;
        }
        try (Pages pages = pages()) {
            records.forEach(pages);
        }
        return records.size();
    }

    /**
     * Records queued as they come, committed {@link #RECORDS_PER_TRANSACTION} at a time (and the rest on
     * {@link Pages#close}), each marked queued again: for records read one by one (a large list's, see
     * {@link DeliveryLedger#dispatchInPages}), which are then never all in hand.
     */
    public Pages pages() {
        try {
            return new Pages(connectionFactory.createConnection());
        } catch (JMSException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot queue records: " + e.getMessage(), e);
        }
    }

    /** See {@link #pages()}. */
    public static final class Pages implements AutoCloseable, java.util.function.Consumer<OutboundRecord> {
        private final Connection connection;
        private final Session session;
        private final List<OutboundRecord> page = new java.util.ArrayList<>();

        private Pages(Connection connection) throws JMSException {
            this.connection = connection;
            try {
                this.session = connection.createSession(true, Session.SESSION_TRANSACTED);
            } catch (JMSException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        public void accept(OutboundRecord record) {
            page.add(record);
            if (page.size() == RECORDS_PER_TRANSACTION) {
                commit();
            }
        }

        private void commit() {
            try {
                send(session, page, true);
                session.commit();
            } catch (JMSException e) {
                throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot queue records: " + e.getMessage(), e);
            }
            page.clear();
        }

        /** Queues what is left, then closes the connection. */
        @Override
        public void close() {
            try {
                if (!page.isEmpty()) {
                    commit();
                }
            } finally {
                try {
                    connection.close();
                } catch (JMSException e) {
                    LOG.warn("Closing a connection to the broker failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Sends the records into {@code session} (its caller commits).
     *
     * @param again records queued again (a replay, recovery): the forward consumer reads their ledger rows before
     *              sending, since another copy may have been delivered meanwhile
     */
    public static void send(Session session, List<OutboundRecord> records, boolean again) throws JMSException {
        MessageProducer producer = session.createProducer(null);
        try {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            var aeo = session.createQueue(AEO_QUEUE);
            var shipments = session.createQueue(SHIPMENT_QUEUE);
            var routing = session.createTopic(SHIPMENT_TOPIC);
            for (OutboundRecord record : records) {
                Message message = message(session, record);
                if (again) {
                    message.setBooleanProperty(QUEUED_AGAIN, true);
                }
                if ("AEO_STATUS".equals(record.recordType())) {
                    producer.send(aeo, message);
                } else if (OUTBOUND_TYPE.equals(record.recordType())) {
                    producer.send(
                            session.createQueue(OUTBOUND_QUEUE), message); // national data on its way to a partner
                } else {
                    producer.send(shipments, message);
                    producer.send(routing, labelled(session, record));
                }
            }
        } finally {
            producer.close();
        }
    }

    /**
     * One record as a JMS message for its forward queue, with the headers the forward workers read: the record's JSON
     * as UTF-8 bytes. A text message's body is kept by the broker as UTF-16 (two bytes a character, in its journal and
     * in its memory): a 10 MB list's 80,000 records took twice the journal and heap they do as bytes.
     */
    public static Message message(Session session, OutboundRecord record) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(record.json().getBytes(StandardCharsets.UTF_8));
        return withHeaders(message, record);
    }

    /** The JSON of a record read back from its forward queue: bytes, or text as queued before bytes were. */
    static String json(Message message) throws JMSException {
        if (message instanceof BytesMessage bytes) {
            return new String(bytes.getBody(byte[].class), StandardCharsets.UTF_8);
        }
        return message instanceof TextMessage text ? text.getText() : null;
    }

    /**
     * A shipment record as the routing topic publishes it, labelled (see {@link #label}): a text message, which the
     * integrators' routes (shipment-routing-example.camel.yaml) take as it is.
     */
    private static Message labelled(Session session, OutboundRecord record) throws JMSException {
        TextMessage message = session.createTextMessage(record.json());
        label(message, record.json());
        return withHeaders(message, record);
    }

    private static Message withHeaders(Message message, OutboundRecord record) throws JMSException {
        message.setStringProperty(MESSAGE_ID, record.messageId());
        message.setIntProperty(RECORD_SEQ, record.seq());
        message.setStringProperty(IDEMPOTENCY_KEY, record.idempotencyKey());
        message.setStringProperty(RECORD_TYPE, record.recordType());
        // Records about one AEO operator share a message group: Artemis delivers them one at a time, in order.
        if (record.groupId() != null) {
            message.setStringProperty("JMSXGroupID", record.groupId());
        }
        return message;
    }

    /**
     * The labels of {@link ShipmentRouting}: {@code GatewayHsCodes} ",851830,847130,", {@code GatewayDestination},
     * {@code GatewayExportCountry}, for JMS selectors.
     */
    static void label(Message message, String json) throws JMSException {
        JsonNode record;
        try {
            record = JSON.readTree(json);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "a shipment record cannot be read for routing", e);
        }
        StringBuilder hsCodes = new StringBuilder(",");
        for (JsonNode item : record.path("items")) {
            hsCodes.append(item.path("hsCode").asText()).append(',');
        }
        message.setStringProperty("GatewayHsCodes", hsCodes.toString());
        message.setStringProperty(
                "GatewayDestination", record.path("destinationCountry").asText());
        message.setStringProperty(
                "GatewayExportCountry", record.path("exportCountry").asText());
    }
}
