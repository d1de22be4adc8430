package org.cbec.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.component.jms.JmsComponent;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * What every other part stands on: the database, the broker and the JMS component on it. Opened by the runtime
 * before Camel starts and closed by it after Camel stopped (the routes use both until their last exchange), so they
 * are bound as ready objects, not made by Camel.
 */
@Configuration
public final class GatewayInfrastructure implements CamelConfiguration, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayInfrastructure.class);

    private final Database database;
    private final MessageBroker broker;

    private final CachingConnectionFactory connectionFactory;

    private GatewayInfrastructure(Database database, MessageBroker broker, CachingConnectionFactory connectionFactory) {
        this.database = database;
        this.broker = broker;
        this.connectionFactory = connectionFactory;
    }

    /** Opens the data directory, the database and the broker, in that order; nothing stays open if one fails. */
    public static GatewayInfrastructure open(GatewaySettings settings) {
        Path dataDir = settings.getPath("gateway.data.dir");
        createDirectories(dataDir);
        Database database = Database.open(
                settings.get("gateway.db.url", ""),
                settings.get("gateway.db.user", ""),
                settings.get("gateway.db.password", ""),
                dataDir);
        MessageBroker broker;
        try {
            broker = MessageBroker.start(
                    settings.get("gateway.broker.url", ""),
                    settings.get("gateway.broker.user", ""),
                    settings.get("gateway.broker.password", ""),
                    dataDir,
                    settings.getLong("gateway.broker.queue-memory-bytes"));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        CachingConnectionFactory connectionFactory = new CachingConnectionFactory(broker.connectionFactory());
        connectionFactory.setSessionCacheSize(64);
        return new GatewayInfrastructure(database, broker, connectionFactory);
    }

    /** The JMS component of the routes ({@code jms:queue:...}) on the cached connection to the broker. */
    @BindToRegistry("jms")
    public JmsComponent jms() {
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(connectionFactory);
        // Transacted routes use the JMS session's own transaction, with no transaction manager: the listener's
        // session is then the one the route's sends go into, so taking a message off a queue and queueing what
        // comes of it commit together. (With the transaction manager Camel creates by default, a cached consumer
        // session committed its acknowledgement before the manager's session committed the sends: a kill -9
        // between the two lost the sends. Seen in TwoInstancesIT.)
        jms.getConfiguration().setLazyCreateTransactionManager(false);
        return jms;
    }

    @BindToRegistry("database")
    public Database database() {
        return database;
    }

    @BindToRegistry("broker")
    public MessageBroker broker() {
        return broker;
    }

    /** Closes the JMS connections, then the broker, then the database. */
    @Override
    public void close() {
        connectionFactory.destroy();
        try {
            broker.close();
        } catch (RuntimeException e) {
            LOG.warn("The broker did not stop cleanly", e);
        }
        database.close();
    }

    private static void createDirectories(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "cannot create data directory " + dataDir.toAbsolutePath(), e);
        }
    }
}
