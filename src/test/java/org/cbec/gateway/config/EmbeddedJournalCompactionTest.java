package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, storage: after a burst is consumed and nothing more is written, the embedded broker's journal gives its files
 * back. Artemis compacts only when it opens a new file, so the consumed burst's files (a 10 MB list's: ten files, 100
 * MiB) stayed on disk until the next burst.
 */
class EmbeddedJournalCompactionTest {
    private static final int JOURNAL_FILE_BYTES = 10 << 20;

    @Test
    void the_journal_files_of_a_consumed_burst_are_given_back_once_it_is_quiet(@TempDir Path dataDir) throws Exception {
        burstConsumedThenQuiet(dataDir, 8);
    }

    /** Four files are not more than journal-compact-min-files: Artemis' own rule never compacts them, even at a roll. */
    @Test
    void a_burst_of_no_more_files_than_artemis_compacts_from_is_given_back_too(@TempDir Path dataDir) throws Exception {
        burstConsumedThenQuiet(dataDir, 4);
    }

    private static void burstConsumedThenQuiet(Path dataDir, int files) throws Exception {
        Path journal = dataDir.resolve("broker").resolve("journal");
        try (MessageBroker broker = MessageBroker.start(null, null, null, dataDir, 256L << 20);
                Connection connection = broker.connectionFactory().createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            String queue = "gateway.forward.aeo";
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            byte[] record = new byte[4096];
            int burst = files * JOURNAL_FILE_BYTES / record.length;
            for (int i = 1; i <= burst; i++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(record);
                producer.send(message);
                if (i % 1_000 == 0) {
                    session.commit();
                }
            }
            session.commit();
            int filesAtPeak = journalFiles(journal);
            assertThat(filesAtPeak).as("the burst's journal files").isGreaterThanOrEqualTo(files);

            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            int consumed = 0;
            while (consumer.receive(2_000) != null) {
                if (++consumed % 1_000 == 0) {
                    session.commit();
                }
            }
            session.commit();
            assertThat(consumed).isEqualTo(burst);

            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .alias(
                            "the consumed burst's journal files given back (at most the pool of two the gateway keeps, and the current)")
                    .until(() -> journalFiles(journal) <= 3);
        }
    }

    private static int journalFiles(Path journal) throws IOException {
        try (Stream<Path> files = Files.list(journal)) {
            return (int) files.filter(file -> file.getFileName().toString().endsWith(".amq"))
                    .count();
        }
    }
}
