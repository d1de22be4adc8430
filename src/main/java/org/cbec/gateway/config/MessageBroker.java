package org.cbec.gateway.config;

import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The ActiveMQ Artemis broker the gateway queues on: embedded with a persistent journal under the data
 * directory by default, or the external broker of {@code gateway.broker.url}.
 */
public final class MessageBroker implements AutoCloseable {
    /** The queues the routes use; declared durable so that none is ever missing when a message is sent. */
    public static final List<String> QUEUES = List.of(
            "gateway.accepted",
            "gateway.forward.aeo",
            "gateway.forward.shipment",
            "gateway.dead-letter.forward",
            "gateway.dead-letter.routing");

    private static final int PAGE_FILE_BYTES = 1 << 20;

    private final EmbeddedActiveMQ embedded;
    private final ActiveMQConnectionFactory connectionFactory;

    private MessageBroker(EmbeddedActiveMQ embedded, ActiveMQConnectionFactory connectionFactory) {
        this.embedded = embedded;
        this.connectionFactory = connectionFactory;
    }

    /** The embedded broker's journal housekeeping; null on an external broker, which compacts its own. */
    private EmbeddedJournalCompaction journalCompaction;

    /**
     * @param queueMemoryBytes for the embedded broker: the messages a queue keeps in memory; those beyond wait
     *                         in page files on disk (an external broker has its own setting, see broker.properties)
     */
    public static MessageBroker start(String url, String user, String password, Path dataDir, long queueMemoryBytes) {
        if (queueMemoryBytes < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.broker.queue-memory-bytes must be positive, not " + queueMemoryBytes);
        }
        if (url != null && !url.isBlank()) {
            ActiveMQConnectionFactory external =
                    new ActiveMQConnectionFactory(url, emptyToNull(user), emptyToNull(password));
            declareQueues(external, url, emptyToNull(user), emptyToNull(password));
            return new MessageBroker(null, external);
        }
        Path brokerDir = dataDir.toAbsolutePath().resolve("broker");
        Configuration configuration = new ConfigurationImpl()
                .setName("cbec-gateway")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(brokerDir.resolve("journal").toString())
                .setBindingsDirectory(brokerDir.resolve("bindings").toString())
                .setPagingDirectory(brokerDir.resolve("paging").toString())
                .setLargeMessagesDirectory(brokerDir.resolve("large-messages").toString())
                .setJournalDatasync(true)
                // A burst grows the journal by as many 10 MiB files as it needs; once their records are consumed
                // and compacted (EmbeddedJournalCompaction), the files past this pool are deleted instead of kept for
                // the next burst, which makes its own (a file is made ahead of need, off the send path).
                .setJournalMinFiles(2)
                .setJournalPoolFiles(2)
                // Files whose records are all consumed are given back only when the journal is compacted, which
                // Artemis does past 10 files by default: after a 10 MB list the journal kept 14 files (110 MiB) of
                // consumed records. Past 4, it compacts as the burst is consumed.
                .setJournalCompactMinFiles(4);
        try {
            configuration.addAcceptorConfiguration("in-vm", "vm://0");
        } catch (Exception e) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "cannot configure the embedded broker", e);
        }
        configuration.addAddressSetting(
                "#", pagedQueueSettings(queueMemoryBytes).setMaxDeliveryAttempts(-1));
        // An accepted message that cannot be dispatched after this many tries is parked, not retried for ever.
        configuration.addAddressSetting(
                "gateway.accepted", pagedQueueSettings(queueMemoryBytes).setMaxDeliveryAttempts(20));
        for (String queue : QUEUES) {
            configuration.addQueueConfiguration(QueueConfiguration.of(queue)
                    .setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST)
                    .setDurable(true));
        }
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration);
        try {
            broker.start();
        } catch (Exception e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "the embedded broker cannot start on " + brokerDir + ": " + e.getMessage(),
                    e);
        }
        MessageBroker started = new MessageBroker(broker, new ActiveMQConnectionFactory("vm://0"));
        started.journalCompaction = EmbeddedJournalCompaction.start(broker.getActiveMQServer());
        return started;
    }

    /**
     * On an external broker the gateway declares its durable queues itself (if they are not there yet), so
     * that none is missing when a message is sent; their address settings (redelivery, dead letters) are
     * the broker's, from {@code deploy/artemis/broker.properties} or its broker.xml equivalent.
     */
    private static void declareQueues(ActiveMQConnectionFactory factory, String url, String user, String password) {
        try (ClientSessionFactory sessions = factory.getServerLocator().createSessionFactory();
                ClientSession session = sessions.createSession(user, password, false, true, true, false, 0)) {
            for (String queue : QUEUES) {
                try {
                    session.createQueue(QueueConfiguration.of(queue)
                            .setAddress(queue)
                            .setRoutingType(RoutingType.ANYCAST)
                            .setDurable(true)
                            .setAutoCreated(false));
                } catch (ActiveMQQueueExistsException alreadyThere) {
                    // declared by another instance or by the broker's configuration: nothing to do
                }
            }
        } catch (Exception e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "cannot declare the gateway's queues on the broker " + url + ": " + e.getMessage(),
                    e);
        }
    }

    /** What every gateway queue has: dead-letter and expiry addresses, no auto-delete, growing redelivery pauses. */
    private static AddressSettings queueSettings() {
        return new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("gateway.dead-letter"))
                .setExpiryAddress(SimpleString.of("gateway.expired"))
                .setAutoCreateDeadLetterResources(true)
                .setAutoCreateExpiryResources(true)
                // An auto-created queue is deleted when its last consumer goes for a moment, and a message sent
                // to an address without a queue is dropped: the gateway's queues are declared and never deleted.
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false)
                // A rolled-back delivery comes back after a pause that grows, never in a tight loop.
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000);
    }

    /**
     * The embedded broker's queues, each keeping at most {@code queueMemoryBytes} of messages in memory. A
     * backlog (a national system down for hours, a 10 MB list of 80,000 records) waits in page files beyond
     * that, not in the heap: without a limit Artemis keeps messages in memory up to half the heap.
     */
    private static AddressSettings pagedQueueSettings(long queueMemoryBytes) {
        return queueSettings()
                .setMaxSizeBytes(queueMemoryBytes)
                .setPageSizeBytes(PAGE_FILE_BYTES)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                // Read back from the page files while this much is still unacknowledged. The default (two page files)
                // is less than the forward consumers' prefetch buffers: reading stopped until they had drained.
                .setMaxReadPageBytes(
                        (int) Math.min(Integer.MAX_VALUE, Math.max(queueMemoryBytes, 2L * PAGE_FILE_BYTES)));
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    public boolean embedded() {
        return embedded != null;
    }

    /** Null when the broker is up, otherwise what is wrong. */
    public String problem() {
        if (embedded != null) {
            return embedded.getActiveMQServer() != null
                            && embedded.getActiveMQServer().isActive()
                    ? null
                    : "embedded broker is not active";
        }
        try (var connection = connectionFactory.createConnection()) {
            return null;
        } catch (jakarta.jms.JMSException e) {
            return "broker unreachable: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        connectionFactory.close();
        if (journalCompaction != null) {
            journalCompaction.close();
        }
        if (embedded != null) {
            try {
                embedded.stop();
            } catch (Exception e) {
                throw new GatewayException(GatewayError.INTERNAL_ERROR, "the embedded broker did not stop cleanly", e);
            }
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
