package org.cbec.gateway.forward;

import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * {@code forward-queue:<queue>?maxRecords=200&consumers=8}: a Camel consumer that takes the records waiting
 * on a forward queue several at a time, in one JMS transaction, and hands them to its route as ONE exchange
 * whose body is a {@link RecordBatch}. The transaction commits when the route returns without an exception and
 * rolls back otherwise, so a record leaves its queue only once its outcome is booked.
 *
 * <p>Why not {@code jms:}: one exchange per record (headers, type conversions, a transaction and a database
 * commit each) was what bounded forwarding; a batch costs one of each for up to {@code maxRecords} records,
 * and can go to the national system in one request. The route stays the place an operator sees, stops and
 * starts forwarding.
 */
public final class ForwardQueueComponent extends DefaultComponent {
    private final ConnectionFactory connectionFactory;

    public ForwardQueueComponent(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int maxRecords = getAndRemoveParameter(parameters, "maxRecords", Integer.class, 200);
        int consumers = getAndRemoveParameter(parameters, "consumers", Integer.class, 8);
        if (remaining == null || remaining.isBlank() || maxRecords < 1 || consumers < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "forward-queue needs a queue name, maxRecords >= 1 and consumers >= 1: " + uri);
        }
        return new ForwardQueueEndpoint(uri, this, remaining, maxRecords, consumers);
    }

    ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** The endpoint of one forward queue. */
    static final class ForwardQueueEndpoint extends DefaultEndpoint {
        private final String queue;
        private final int maxRecords;
        private final int consumers;

        ForwardQueueEndpoint(String uri, ForwardQueueComponent component, String queue, int maxRecords, int consumers) {
            super(uri, component);
            this.queue = queue;
            this.maxRecords = maxRecords;
            this.consumers = consumers;
        }

        @Override
        public Producer createProducer() {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "forward-queue only consumes; queue records with RecordQueue");
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            ForwardQueueConsumer consumer = new ForwardQueueConsumer(
                    this,
                    processor,
                    ((ForwardQueueComponent) getComponent()).connectionFactory(),
                    queue,
                    maxRecords,
                    consumers);
            configureConsumer(consumer);
            return consumer;
        }

        @Override
        public boolean isSingleton() {
            return true;
        }
    }
}
