package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's liveness defect: a second 10 MB AEO list sent right behind the first was accepted and never forwarded
 * (80,000 records enqueued one Camel exchange at a time in one transaction, and every consumer idle). Both lists,
 * back to back, must reach the national system in full, in batches, with nothing twice.
 */
class LargeListsTest {
    private static final String HEADER =
            "aeo_id,operator_name,address_line,city,postcode,country,programme,status,valid_from,valid_until,status_changed_at,status_reason\n";

    @Test
    void two_10_mb_aeo_lists_sent_back_to_back_are_both_delivered_in_full(@TempDir Path root) {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)
                .withNationalBatches()
                .with("gateway.inbound.max-bytes", String.valueOf(32 * 1024 * 1024))
                .start()) {
            byte[] first = TestPki.signCms(tenMegabyteList(0), gateway.cnSigner);
            int firstRows = rows;
            byte[] second = TestPki.signCms(tenMegabyteList(firstRows), gateway.cnSigner);
            int allRows = rows;

            HttpResponse<String> one = gateway.postCms(first);
            HttpResponse<String> two = gateway.postCms(second);
            assertThat(one.statusCode()).as(one.body()).isEqualTo(202);
            assertThat(two.statusCode()).as(two.body()).isEqualTo(202);
            assertThat(GatewayUnderTest.json(one).path("records").asInt()
                            + GatewayUnderTest.json(two).path("records").asInt())
                    .isEqualTo(allRows);

            await().atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofSeconds(1))
                    .alias("every record of both lists at the national system")
                    .until(() -> gateway.national().received().size() >= allRows);
            assertEachDeliveredOnce(gateway, allRows);
            assertThat(gateway.national().batches())
                    .as("records went in batches, not one request each")
                    .isLessThan(allRows / 50);
            for (HttpResponse<String> answer : java.util.List.of(one, two)) {
                String messageId =
                        GatewayUnderTest.json(answer).path("messageId").asText();
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> "FORWARDED"
                                .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                        .path("status")
                                        .asText()));
            }
        }
    }

    /**
     * A list owing more than {@link RecordDispatch#QUEUED_WITH_ENTRY_MAX} records queues them in transactions of their
     * own, committed before its accepted message is taken off the accept log (one transaction held all 80,000 of a
     * 10 MB list in the broker's memory until the last was delivered: some 300 MiB). A crash part-way leaves some
     * queued and takes the message again, which queues every record owed once more: here the message is put back on
     * the accept log by hand after its records were queued, so that two copies of every record wait side by side.
     * Each record reaches the national system once.
     */
    @Test
    void a_large_list_queued_again_part_way_reaches_the_national_system_once_per_record(@TempDir Path root)
            throws Exception {
        try (GatewayUnderTest gateway =
                new GatewayUnderTest(root).withNationalBatches().start()) {
            ConnectionFactory factory = gateway.brokerConnectionFactory();
            // The records wait in their queue until both copies are there.
            gateway.runtime().camel().getRouteController().stopRoute("forward-aeo-status");
            byte[] list = TestPki.signCms(aeoList(0, 2_500), gateway.cnSigner);
            int listRows = rows;
            HttpResponse<String> answer = gateway.postCms(list);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            String messageId = GatewayUnderTest.json(answer).path("messageId").asText();
            await().atMost(Duration.ofMinutes(1))
                    .alias("the list's records queued")
                    .until(() -> gateway.queueDepth(RecordQueue.AEO_QUEUE) == listRows);

            try (Connection connection = factory.createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(AcceptLog.QUEUE));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                producer.send(session.createTextMessage(messageId));
            }
            await().atMost(Duration.ofMinutes(1))
                    .alias("every record queued a second time")
                    .until(() -> gateway.queueDepth(RecordQueue.AEO_QUEUE) == 2 * listRows);

            gateway.runtime().camel().getRouteController().startRoute("forward-aeo-status");
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .alias("both copies of every record taken off the queue")
                    .until(() -> gateway.national().received().size() >= listRows
                            && gateway.queueDepth(RecordQueue.AEO_QUEUE) == 0);
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertEachDeliveredOnce(gateway, listRows);
        }
    }

    /** The national system has {@code rows} records, each idempotency key once. */
    private static void assertEachDeliveredOnce(GatewayUnderTest gateway, int rows) {
        Set<String> keys = new HashSet<>();
        for (NationalSystemStub.Received received : gateway.national().received()) {
            assertThat(keys.add(received.idempotencyKey()))
                    .as("delivered once: %s", received.idempotencyKey())
                    .isTrue();
        }
        assertThat(keys).hasSize(rows);
    }

    private int rows;

    /** An AEO CSV of {@code count} operators numbered from {@code from}. */
    private byte[] aeoList(int from, int count) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int row = from + 1; row <= from + count; row++) {
            csv.append(String.format(
                    Locale.ROOT,
                    "CN%010d,Operator number %d of a list,%d Keji Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,%n",
                    row,
                    row,
                    row));
        }
        rows = count;
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A little over 10 MiB of AEO CSV, operators numbered from {@code from}. */
    private byte[] tenMegabyteList(int from) {
        StringBuilder csv = new StringBuilder(HEADER);
        int row = from;
        while (csv.length() < 10 * 1024 * 1024) {
            row++;
            csv.append(String.format(
                    Locale.ROOT,
                    "CN%010d,Operator number %d of the big list,%d Keji Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,%n",
                    row,
                    row,
                    row));
        }
        rows = row;
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
