package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An entry in the accept log that cannot be read (a damaged journal record, a message put there by hand) failed the
 * whole batch the projection took with it: every accepted message taken together with it was rolled back and taken
 * again, over and over, behind it. Now the unreadable entry alone is parked on {@code gateway.dead-letter}, where an
 * operator finds it, and the messages accepted with it are projected and delivered.
 */
class PoisonedAcceptLogEntryTest {
    private static final byte[] POISON = "not an accept-log entry".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path root;

    @Test
    void an_unreadable_accept_log_entry_is_parked_and_the_messages_accepted_with_it_are_delivered() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).start()) {
            ConnectionFactory factory = gateway.brokerConnectionFactory();
            assertThat(factory).as("the gateway's broker connection factory").isNotNull();
            // The projection is held while the poison and a real message wait side by side, so they are taken together.
            gateway.runtime().camel().getRouteController().stopRoute("records-dispatch");
            try (Connection connection = factory.createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(AcceptLog.QUEUE));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                BytesMessage poison = session.createBytesMessage();
                poison.writeBytes(POISON);
                poison.setStringProperty("GatewayMessageId", "POISONED-ENTRY");
                producer.send(poison);
            }
            byte[] shipment =
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner);
            assertThat(gateway.postCms(shipment).statusCode()).isEqualTo(202);
            gateway.runtime().camel().getRouteController().startRoute("records-dispatch");

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(gateway.national().received()).hasSize(1));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(parkedIds(factory)).contains("POISONED-ENTRY"));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(gateway.queueDepth(AcceptLog.QUEUE))
                            .as("nothing left in the accept log")
                            .isZero());
        }
    }

    private static java.util.List<String> parkedIds(ConnectionFactory factory) throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = session.createBrowser(session.createQueue("gateway.dead-letter"))) {
                java.util.List<String> ids = new java.util.ArrayList<>();
                for (Object message : Collections.list(browser.getEnumeration())) {
                    ids.add(((jakarta.jms.Message) message).getStringProperty("GatewayMessageId"));
                }
                return ids;
            }
        }
    }
}
