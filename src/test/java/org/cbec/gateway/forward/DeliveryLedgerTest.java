package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.config.Database;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.forward.DeliveryLedger.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery ledger on a real H2 file database migrated by Flyway, written through the real group commit: dispatch
 * once, book a batch of outcomes (failed attempts, deliveries, dead letters) and the message's final status.
 */
class DeliveryLedgerTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dataDir;

    private Database database;
    private DeliveryLedger ledger;

    @BeforeEach
    void openDatabase() {
        database = Database.open(null, null, null, dataDir);
        ledger = new DeliveryLedger(database, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void closeDatabase() throws Exception {
        database.close();
    }

    private static String record(String id, String version) {
        return "{\"recordType\":\"SHIPMENT\",\"recordId\":\"" + id + "\",\"recordVersion\":\"" + version
                + "\",\"weightKg\":1.5}";
    }

    /** An accepted message as the archive leaves it: its evidence row and its decision with the records document. */
    private void accepted(String messageId, String... records) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            try (PreparedStatement message = connection.prepareStatement(
                    "INSERT INTO inbound_message (message_id, received_at, sha256,"
                            + " size_bytes, partner_id, verdict, record_count, status) VALUES (?, ?, ?, 10, 'P1', 'ACCEPTED', ?, 'ACCEPTED')")) {
                message.setString(1, messageId);
                message.setObject(2, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
                message.setString(3, "0".repeat(63) + messageId.charAt(messageId.length() - 1));
                message.setInt(4, records.length);
                message.executeUpdate();
            }
            try (PreparedStatement decision =
                    connection.prepareStatement("INSERT INTO inbound_decision (message_id, records) VALUES (?, ?)")) {
                decision.setString(1, messageId);
                decision.setString(2, "[" + String.join(",", records) + "]");
                decision.executeUpdate();
            }
        }
    }

    private String messageStatus(String messageId) throws SQLException {
        return single("SELECT status FROM inbound_message WHERE message_id = ?", messageId);
    }

    private List<String> history(String messageId) throws SQLException {
        List<String> statuses = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT status, note FROM message_status_history WHERE message_id = ? ORDER BY at, status")) {
            statement.setString(1, messageId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    statuses.add(rows.getString(1) + (rows.getString(2) == null ? "" : " (" + rows.getString(2) + ")"));
                }
            }
        }
        return statuses;
    }

    private String single(String sql, String messageId) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /**
     * A large message's dispatch makes its rows from the records' keys, then hands over each record owed with its JSON
     * as it is read again; a record another message already forwarded with the same content is not owed; dispatched
     * again, the message hands over only what is still pending, each once.
     */
    @Test
    void a_large_message_is_dispatched_in_pages_each_owed_record_once_with_its_json() throws Exception {
        accepted("01M0", record("P1:HWB-7", "00000000000000a7"));
        ledger.dispatch("01M0");
        String[] records = new String[2_500];
        for (int i = 0; i < records.length; i++) {
            records[i] = record("P1:HWB-" + i, String.format("%016x", i));
        }
        records[7] = record("P1:HWB-7", "00000000000000a7"); // forwarded already by 01M0
        accepted("01M9", records);
        assertThat(ledger.recordCount("01M9")).isEqualTo(2_500);

        List<OutboundRecord> owed = new ArrayList<>();
        int count = ledger.dispatchInPages("01M9", owed::add);

        assertThat(count).isEqualTo(2_499).isEqualTo(owed.size());
        assertThat(owed).extracting(OutboundRecord::seq).doesNotContain(7).doesNotHaveDuplicates();
        assertThat(owed).allSatisfy(record -> assertThat(record.json()).contains("\"weightKg\":1.5"));
        assertThat(owed.get(0).idempotencyKey()).isEqualTo("P1:HWB-0:0000000000000000");

        List<OutboundRecord> again = new ArrayList<>();
        assertThat(ledger.dispatchInPages("01M9", again::add)).isEqualTo(2_499);
        assertThat(again)
                .extracting(OutboundRecord::seq)
                .containsExactlyElementsOf(
                        owed.stream().map(OutboundRecord::seq).toList());
        assertThat(again).allSatisfy(record -> assertThat(record.json()).isNotNull());
    }

    @Test
    void dispatch_creates_one_pending_row_per_record_and_returns_them_in_order() throws Exception {
        accepted("01M1", record("P1:HWB-1", "00000000000000a1"), record("P1:HWB-2", "00000000000000a2"));

        List<OutboundRecord> pending = ledger.dispatch("01M1");

        assertThat(pending)
                .extracting(OutboundRecord::seq, OutboundRecord::idempotencyKey)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, "P1:HWB-1:00000000000000a1"),
                        org.assertj.core.groups.Tuple.tuple(1, "P1:HWB-2:00000000000000a2"));
        assertThat(pending.get(0).json()).contains("\"weightKg\":1.5");
        assertThat(ledger.recordsOf("01M1"))
                .extracting(RecordDelivery::status, RecordDelivery::attempts)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("PENDING", 0));
        assertThat(ledger.backlog()).isEqualTo(2);
        assertThat(ledger.alreadyDelivered("P1:HWB-1:00000000000000a1")).isFalse();
    }

    @Test
    void dispatching_again_creates_nothing_and_returns_what_is_still_owed() throws Exception {
        accepted("01M2", record("P1:HWB-1", "00000000000000b1"), record("P1:HWB-2", "00000000000000b2"));
        ledger.dispatch("01M2");
        ledger.markDelivered("01M2", 0);

        List<OutboundRecord> again = ledger.dispatch("01M2");

        assertThat(again).extracting(OutboundRecord::seq).containsExactly(1);
        assertThat(ledger.recordsOf("01M2")).hasSize(2);
        assertThat(ledger.backlog()).isEqualTo(1);
    }

    @Test
    void one_batch_books_failed_attempts_and_resolutions_and_the_last_resolution_sets_the_final_status()
            throws Exception {
        accepted(
                "01M3",
                record("P1:HWB-1", "00000000000000c1"),
                record("P1:HWB-2", "00000000000000c2"),
                record("P1:HWB-3", "00000000000000c3"));
        ledger.dispatch("01M3");

        ledger.book(List.of(
                Outcome.of("01M3", 0, "ATTEMPT_FAILED", "national system answered 503"),
                Outcome.of("01M3", 1, "DELIVERED", null),
                Outcome.of("01M3", 2, "ATTEMPT_FAILED", "timeout"),
                Outcome.of("01M3", 2, "ATTEMPT_FAILED", "timeout again")));

        List<RecordDelivery> records = ledger.recordsOf("01M3");
        assertThat(records)
                .extracting(RecordDelivery::status, RecordDelivery::attempts, RecordDelivery::lastError)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("PENDING", 1, "national system answered 503"),
                        org.assertj.core.groups.Tuple.tuple("DELIVERED", 0, null),
                        org.assertj.core.groups.Tuple.tuple("PENDING", 2, "timeout again"));
        assertThat(records.get(1).deliveredAt()).isEqualTo(NOW);
        assertThat(messageStatus("01M3")).isEqualTo("ACCEPTED");
        assertThat(ledger.alreadyDelivered("P1:HWB-2:00000000000000c2")).isTrue();

        ledger.book(List.of(
                Outcome.of("01M3", 0, "DEAD_LETTERED", "gave up after 5 attempts"),
                Outcome.of("01M3", 2, "DELIVERED", null)));

        assertThat(ledger.recordsOf("01M3"))
                .extracting(RecordDelivery::status, RecordDelivery::lastError)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("DEAD_LETTERED", "gave up after 5 attempts"),
                        org.assertj.core.groups.Tuple.tuple("DELIVERED", null),
                        org.assertj.core.groups.Tuple.tuple("DELIVERED", "timeout again"));
        assertThat(messageStatus("01M3")).isEqualTo("PARTIALLY_FORWARDED");
        assertThat(history("01M3")).containsExactly("PARTIALLY_FORWARDED");
        assertThat(ledger.deadLetterCount()).isEqualTo(1);
        assertThat(ledger.deadLetters("P1", 10))
                .extracting(DeliveryLedger.DeadLetter::seq)
                .containsExactly(0);
        assertThat(ledger.backlog()).isZero();
    }

    @Test
    void every_record_dead_lettered_leaves_the_message_dead_lettered() throws Exception {
        accepted("01M4", record("P1:HWB-1", "00000000000000d1"));
        ledger.dispatch("01M4");

        ledger.markDeadLettered("01M4", 0, "refused by the national system");

        assertThat(messageStatus("01M4")).isEqualTo("DEAD_LETTERED");
    }

    @Test
    void a_resolution_booked_twice_counts_once() throws Exception {
        accepted("01M5", record("P1:HWB-1", "00000000000000e1"), record("P1:HWB-2", "00000000000000e2"));
        ledger.dispatch("01M5");

        ledger.book(List.of(Outcome.of("01M5", 0, "DELIVERED", null)));
        ledger.book(List.of(Outcome.of("01M5", 0, "DELIVERED", null), Outcome.of("01M5", 0, "DEAD_LETTERED", "late")));

        assertThat(messageStatus("01M5")).isEqualTo("ACCEPTED");
        assertThat(single("SELECT records_pending FROM message_progress WHERE message_id = ?", "01M5"))
                .isEqualTo("1");
        assertThat(ledger.recordsOf("01M5").get(0).status()).isEqualTo("DELIVERED");

        ledger.markDelivered("01M5", 1);

        assertThat(messageStatus("01M5")).isEqualTo("FORWARDED");
        assertThat(history("01M5")).containsExactly("FORWARDED");
    }

    @Test
    void a_record_version_already_dispatched_by_another_message_is_not_sent_again() throws Exception {
        accepted("01M6", record("P1:HWB-1", "00000000000000f1"));
        accepted("01M7", record("P1:HWB-1", "00000000000000f1"), record("P1:HWB-1", "00000000000000f2"));
        ledger.dispatch("01M6");

        List<OutboundRecord> pending = ledger.dispatch("01M7");

        assertThat(pending).extracting(OutboundRecord::seq).containsExactly(1);
        assertThat(ledger.recordsOf("01M7"))
                .extracting(RecordDelivery::status, RecordDelivery::lastError)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "UNCHANGED", "same content already forwarded from message 01M6"),
                        org.assertj.core.groups.Tuple.tuple("PENDING", null));
    }

    @Test
    void a_message_with_nothing_new_to_send_is_forwarded_at_once_saying_why() throws Exception {
        accepted("01M8", record("P1:HWB-1", "0000000000000011"));
        accepted("01M9", record("P1:HWB-1", "0000000000000011"));
        accepted("01MA");
        ledger.dispatch("01M8");

        assertThat(ledger.dispatch("01M9")).isEmpty();
        assertThat(ledger.dispatch("01MA")).isEmpty();

        assertThat(messageStatus("01M9")).isEqualTo("FORWARDED");
        assertThat(history("01M9"))
                .containsExactly("FORWARDED (every record was already forwarded with the same content)");
        assertThat(history("01MA")).containsExactly("FORWARDED (no records to forward)");
        assertThat(ledger.dispatch("01M9")).isEmpty();
        assertThat(history("01M9")).hasSize(1);
    }

    @Test
    void states_reads_the_status_and_attempts_of_a_batch_of_records() throws Exception {
        accepted("01MB", record("P1:HWB-1", "0000000000000021"), record("P1:HWB-2", "0000000000000022"));
        List<OutboundRecord> pending = ledger.dispatch("01MB");
        ledger.book(List.of(Outcome.of("01MB", 0, "ATTEMPT_FAILED", "x"), Outcome.of("01MB", 1, "DELIVERED", null)));

        var states = ledger.states(queued(pending, false));

        assertThat(states).containsOnlyKeys("01MB/0", "01MB/1");
        assertThat(states.get("01MB/0")).isEqualTo(new DeliveryLedger.RecordState("PENDING", 1));
        assertThat(states.get("01MB/1")).isEqualTo(new DeliveryLedger.RecordState("DELIVERED", 0));
    }

    /** The states are read as a range of each message's rows: the rows between the batch's records are not its. */
    @Test
    void states_of_records_spread_over_a_message_are_theirs_alone() throws Exception {
        accepted(
                "01MC",
                record("P1:HWB-1", "0000000000000031"),
                record("P1:HWB-2", "0000000000000032"),
                record("P1:HWB-3", "0000000000000033"),
                record("P1:HWB-4", "0000000000000034"));
        List<OutboundRecord> pending = ledger.dispatch("01MC");
        ledger.book(List.of(Outcome.of("01MC", 3, "DELIVERED", null)));

        var states = ledger.states(queued(List.of(pending.get(0), pending.get(3)), true));

        assertThat(states).containsOnlyKeys("01MC/0", "01MC/3");
        assertThat(states.get("01MC/0")).isEqualTo(new DeliveryLedger.RecordState("PENDING", 0));
        assertThat(states.get("01MC/3")).isEqualTo(new DeliveryLedger.RecordState("DELIVERED", 0));
    }

    /** Dispatched records as a forward batch holds them (no JMS message). */
    private static List<RecordBatch.QueuedRecord> queued(List<OutboundRecord> records, boolean again) {
        return records.stream()
                .map(r -> new RecordBatch.QueuedRecord(
                        r.messageId(), r.seq(), r.recordType(), r.idempotencyKey(), r.json(), null, again))
                .toList();
    }

    @Test
    void refuses_to_dispatch_a_message_that_was_not_accepted_or_to_resolve_one_never_dispatched() {
        assertThatThrownBy(() -> ledger.dispatch("01NOPE"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.NOT_FOUND));
        assertThatThrownBy(() -> ledger.markDelivered("01NOPE", 0))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.NOT_FOUND));
    }
}
