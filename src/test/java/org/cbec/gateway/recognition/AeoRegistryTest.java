package org.cbec.gateway.recognition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.config.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on its real database: a withdrawal repeats the operator's last details exactly, whether the
 * statement was written with its details in columns (V11 on) or as the JSON of its whole record (before V11).
 */
class AeoRegistryTest {
    private static final Instant LISTED_AT = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant WITHDRAWN_AT = Instant.parse("2026-11-28T06:00:00Z");

    Database database;
    AeoRegistry registry;

    @BeforeEach
    void open(@TempDir Path dataDir) {
        database = Database.open(null, null, null, dataDir);
        registry = new AeoRegistry(database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void a_withdrawal_repeats_the_details_of_a_statement_written_in_columns() throws Exception {
        AeoStatusRecord listed = statement(
                "CN0000000001", new Address("1 Keji Road", "Shenzhen", "518057", "CN"), LocalDate.parse("2029-01-14"));
        try (Connection connection = database.dataSource().getConnection()) {
            registry.record(connection, "01KB0000000000000000000001", LISTED_AT, List.of(listed));
        }

        assertWithdrawalRepeats(listed);
    }

    @Test
    void a_withdrawal_repeats_the_details_of_a_statement_written_before_v11_as_json() throws Exception {
        AeoStatusRecord listed =
                statement("CN0000000002", new Address(null, null, null, "CN"), LocalDate.parse("2030-06-30"));
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO aeo_statement (partner_id, aeo_id, status_changed_at, status,"
                                + " record_id, record_version, message_id, received_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, listed.sourcePartner());
            insert.setString(2, listed.aeoId());
            insert.setObject(3, OffsetDateTime.ofInstant(listed.statusChangedAt(), ZoneOffset.UTC));
            insert.setString(4, listed.status().name());
            insert.setString(5, listed.recordId());
            insert.setString(6, listed.recordVersion());
            insert.setString(7, listed.sourceMessageId());
            insert.setObject(8, OffsetDateTime.ofInstant(LISTED_AT, ZoneOffset.UTC));
            insert.setString(9, CanonicalJson.mapper().writeValueAsString(listed));
            insert.executeUpdate();
        }

        assertWithdrawalRepeats(listed);
    }

    @Test
    void an_operator_the_full_list_names_is_not_withdrawn() throws Exception {
        AeoStatusRecord listed = statement("CN0000000003", new Address("1 Road", null, null, "CN"), null);
        try (Connection connection = database.dataSource().getConnection()) {
            registry.record(connection, "01KB0000000000000000000003", LISTED_AT, List.of(listed));
        }

        assertThat(registry.withdrawalsForFullList(fullList(), Set.of(listed.aeoId()), WITHDRAWN_AT))
                .isEmpty();
        assertThat(registry.current("CN-GACC", List.of(listed.aeoId())))
                .containsEntry(listed.aeoId(), AeoStatus.ACTIVE);
    }

    private void assertWithdrawalRepeats(AeoStatusRecord listed) {
        List<AeoStatusRecord> withdrawals = registry.withdrawalsForFullList(fullList(), Set.of(), WITHDRAWN_AT);

        assertThat(withdrawals).hasSize(1);
        AeoStatusRecord withdrawal = withdrawals.get(0);
        assertThat(withdrawal.status()).isEqualTo(AeoStatus.WITHDRAWN);
        assertThat(withdrawal.statusChangedAt()).isEqualTo(WITHDRAWN_AT);
        assertThat(withdrawal.aeoId()).isEqualTo(listed.aeoId());
        assertThat(withdrawal.operatorName()).isEqualTo(listed.operatorName());
        assertThat(withdrawal.address()).isEqualTo(listed.address());
        assertThat(withdrawal.programme()).isEqualTo(listed.programme());
        assertThat(withdrawal.validFrom()).isEqualTo(listed.validFrom());
        assertThat(withdrawal.validUntil()).isEqualTo(listed.validUntil());
    }

    private static RecordSource fullList() {
        return new RecordSource("CN-GACC", "01KB0000000000000000000099", "aeo-status-json");
    }

    private static AeoStatusRecord statement(String aeoId, Address address, LocalDate validUntil) {
        return AeoStatusRecord.create(
                new RecordSource("CN-GACC", "01KB0000000000000000000000", "aeo-status-csv"),
                aeoId,
                "Operator " + aeoId,
                address,
                "AEO",
                AeoStatus.ACTIVE,
                LocalDate.parse("2019-05-01"),
                validUntil,
                LISTED_AT,
                null);
    }
}
