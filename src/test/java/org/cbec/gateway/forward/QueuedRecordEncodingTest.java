package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record waits on its forward queue as its JSON in UTF-8 bytes. As a JMS text message the broker kept it as UTF-16,
 * two bytes a character in its journal and its memory (issue 19: a 10 MB list's 80,000 records). Records queued as
 * text by an earlier version, still in a broker's journal after an upgrade, are delivered as before.
 */
class QueuedRecordEncodingTest {
    private static final String LIST = "aeo_id,operator_name,address_line,city,postcode,country,programme,status,"
            + "valid_from,valid_until,status_changed_at,status_reason\n"
            + "CN0000000901,深圳市前海海关测试贸易有限公司,科技园南区 1 号,深圳,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,\n"
            + "CN0000000902,Ürümqi Überseehandel GmbH,Keji Road 2,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,\n"
            + "CN0000000903,Plain Operator Ltd,Keji Road 3,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,\n";

    @Test
    void a_queued_record_is_its_json_in_utf8_bytes_and_reaches_the_national_system_unchanged(@TempDir Path root)
            throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).start()) {
            gateway.runtime().camel().getRouteController().stopRoute("forward-aeo-status");
            String messageId = postList(gateway);

            List<String> queued = new ArrayList<>();
            try (Connection connection = gateway.brokerConnectionFactory().createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Enumeration<?> waiting = session.createBrowser(session.createQueue(RecordQueue.AEO_QUEUE))
                        .getEnumeration();
                while (waiting.hasMoreElements()) {
                    Message message = (Message) waiting.nextElement();
                    assertThat(message).as("a record on its forward queue").isInstanceOf(BytesMessage.class);
                    byte[] body = message.getBody(byte[].class);
                    queued.add(new String(body, StandardCharsets.UTF_8));
                    assertThat(message.getStringProperty(RecordQueue.MESSAGE_ID))
                            .isEqualTo(messageId);
                }
            }
            assertThat(queued).hasSize(3);
            assertThat(String.join("\n", queued)).contains("深圳市前海海关测试贸易有限公司").contains("Ürümqi Überseehandel GmbH");

            gateway.runtime().camel().getRouteController().startRoute("forward-aeo-status");
            assertDeliveredUnchanged(gateway, messageId);
        }
    }

    @Test
    void records_queued_as_text_by_an_earlier_version_are_delivered_unchanged(@TempDir Path root) throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).start()) {
            gateway.runtime().camel().getRouteController().stopRoute("forward-aeo-status");
            String messageId = postList(gateway);

            // What an earlier version left in the journal: the same records, as text messages with the same headers.
            // (On the broker's own factory: the routes' caching one keeps a closed consumer open, with what it took.)
            try (ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory("vm://0");
                    Connection connection = broker.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(RecordQueue.AEO_QUEUE));
                List<Message> taken = new ArrayList<>();
                for (Message bytes = consumer.receive(5_000); bytes != null; bytes = consumer.receive(1_000)) {
                    taken.add(bytes);
                }
                consumer.close();
                MessageProducer producer = session.createProducer(session.createQueue(RecordQueue.AEO_QUEUE));
                for (Message bytes : taken) {
                    TextMessage text =
                            session.createTextMessage(new String(bytes.getBody(byte[].class), StandardCharsets.UTF_8));
                    for (Enumeration<?> names = bytes.getPropertyNames(); names.hasMoreElements(); ) {
                        String name = (String) names.nextElement();
                        if (!name.equals("JMSXDeliveryCount")) {
                            text.setObjectProperty(name, bytes.getObjectProperty(name));
                        }
                    }
                    producer.send(text);
                }
                session.commit();
                int rewritten = taken.size();
                assertThat(rewritten).isEqualTo(3);
            }

            assertThat(gateway.queueDepth(RecordQueue.AEO_QUEUE)).isEqualTo(3);
            gateway.runtime().camel().getRouteController().startRoute("forward-aeo-status");
            assertDeliveredUnchanged(gateway, messageId);
        }
    }

    /** Posts the three-operator list and waits until its records are queued; returns its message id. */
    private static String postList(GatewayUnderTest gateway) throws Exception {
        HttpResponse<String> answer =
                gateway.postCms(TestPki.signCms(LIST.getBytes(StandardCharsets.UTF_8), gateway.cnSigner));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(1))
                .alias("the list's records queued")
                .until(() -> gateway.queueDepth(RecordQueue.AEO_QUEUE) == 3);
        return GatewayUnderTest.json(answer).path("messageId").asText();
    }

    /** Each record once, with the operator names as the partner wrote them, and the message FORWARDED. */
    private static void assertDeliveredUnchanged(GatewayUnderTest gateway, String messageId) {
        await().atMost(Duration.ofMinutes(1))
                .alias("the three records at the national system")
                .until(() -> gateway.national().received().size() >= 3);
        List<String> names = new ArrayList<>();
        for (NationalSystemStub.Received received : gateway.national().received()) {
            names.add(received.record().path("operatorName").asText());
        }
        assertThat(names)
                .containsExactlyInAnyOrder("深圳市前海海关测试贸易有限公司", "Ürümqi Überseehandel GmbH", "Plain Operator Ltd");
        await().atMost(Duration.ofMinutes(1))
                .until(() -> "FORWARDED"
                        .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                .path("status")
                                .asText()));
    }
}
