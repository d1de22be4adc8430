package org.cbec.gateway.recognition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.MutualRecognition;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.Sql;

/**
 * The AEO registry: per partner, every status statement about every operator with its history, and the
 * mutual-recognition rules built on it. Statements are recorded in the same transaction that archives
 * their message, so a message accepted afterwards sees them.
 */
public final class AeoRegistry {
    private static final ObjectMapper JSON = CanonicalJson.mapper();
    /** Statement rows sent to the database at a time. */
    private static final int BATCH_ROWS = 500;

    private final DataSource dataSource;

    public AeoRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One operator's current statement: the one with the latest statusChangedAt, and the operator's details in it. */
    public record CurrentStatus(String aeoId, AeoStatus status, Instant statusChangedAt, OperatorDetails operator) {}

    /** Who an operator is, as a statement describes it: what a withdrawal repeats. */
    public record OperatorDetails(
            String name, Address address, String programme, LocalDate validFrom, LocalDate validUntil) {}

    /**
     * Records the AEO statements among the records of an accepted message, inside the caller's transaction.
     * The canonical record is in the message's records document; a statement row keeps only what the
     * registry reads. The records are read once, in order (a large list's are made as they are read).
     */
    public void record(
            Connection connection, String messageId, Instant receivedAt, List<? extends CanonicalRecord> records)
            throws SQLException {
        // A message's records are all of its format's one record type: a shipment message has no statements.
        if (records.isEmpty() || !(records.get(0) instanceof AeoStatusRecord)) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO aeo_statement (partner_id, aeo_id, status_changed_at, status, record_id, record_version, message_id, received_at,"
                        + " operator_name, address_line, city, postcode, country, programme, valid_from, valid_until)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            OffsetDateTime received = OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC);
            int batched = 0;
            for (CanonicalRecord record : records) {
                if (!(record instanceof AeoStatusRecord statement)) {
                    continue;
                }
                Address address = statement.address();
                insert.setString(1, statement.sourcePartner());
                insert.setString(2, statement.aeoId());
                insert.setObject(3, OffsetDateTime.ofInstant(statement.statusChangedAt(), ZoneOffset.UTC));
                insert.setString(4, statement.status().name());
                insert.setString(5, statement.recordId());
                insert.setString(6, statement.recordVersion());
                insert.setString(7, messageId);
                insert.setObject(8, received);
                insert.setString(9, statement.operatorName());
                insert.setString(10, address == null ? null : address.line());
                insert.setString(11, address == null ? null : address.city());
                insert.setString(12, address == null ? null : address.postcode());
                insert.setString(13, address == null ? null : address.country());
                insert.setString(14, statement.programme());
                insert.setObject(15, statement.validFrom());
                insert.setObject(16, statement.validUntil());
                insert.addBatch();
                // In slices: a batch holds every row's parameters until it runs, and a 10 MB list has 80,000 rows.
                if (++batched == BATCH_ROWS) {
                    insert.executeBatch();
                    batched = 0;
                }
            }
            if (batched > 0) {
                insert.executeBatch();
            }
        }
    }

    /** The current status of each of the partner's operators named, as far as the partner ever reported it. */
    public Map<String, AeoStatus> current(String partnerId, Collection<String> aeoIds) {
        Map<String, AeoStatus> current = new HashMap<>();
        if (aeoIds.isEmpty()) {
            return current;
        }
        String sql = "SELECT s.status FROM aeo_statement s WHERE s.partner_id = ? AND s.aeo_id = ?"
                + " ORDER BY s.status_changed_at DESC, s.received_at DESC LIMIT 1";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (String aeoId : Set.copyOf(aeoIds)) {
                statement.setString(1, partnerId);
                statement.setString(2, aeoId);
                try (ResultSet row = statement.executeQuery()) {
                    if (row.next()) {
                        current.put(aeoId, AeoStatus.valueOf(row.getString(1)));
                    }
                }
            }
            return current;
        } catch (SQLException e) {
            throw Sql.failure("cannot read the AEO registry", e);
        }
    }

    /** Every operator of the partner whose current status is not WITHDRAWN. */
    public List<CurrentStatus> listed(String partnerId) {
        String sql =
                "SELECT s.aeo_id, s.status, s.status_changed_at, s.record, s.operator_name, s.address_line, s.city, s.postcode,"
                        + " s.country, s.programme, s.valid_from, s.valid_until FROM aeo_statement s WHERE s.partner_id = ?"
                        + " AND NOT EXISTS (SELECT 1 FROM aeo_statement later WHERE later.partner_id = s.partner_id AND later.aeo_id = s.aeo_id"
                        + " AND later.status_changed_at > s.status_changed_at) ORDER BY s.aeo_id, s.received_at DESC";
        Map<String, CurrentStatus> byOperator = new java.util.LinkedHashMap<>();
        for (CurrentStatus status :
                Sql.list(dataSource, "cannot read the AEO registry", sql, AeoRegistry::currentOf, partnerId)) {
            byOperator.putIfAbsent(status.aeoId(), status);
        }
        return byOperator.values().stream()
                .filter(s -> s.status() != AeoStatus.WITHDRAWN)
                .toList();
    }

    /**
     * For a FULL list: WITHDRAWN statements for the partner's listed operators that the list omits, dated
     * {@code withdrawnAt} and carrying the operator's last known details.
     */
    public List<AeoStatusRecord> withdrawalsForFullList(
            RecordSource source, Set<String> listedInDocument, Instant withdrawnAt) {
        List<AeoStatusRecord> withdrawals = new ArrayList<>();
        for (CurrentStatus operator : listed(source.partnerId())) {
            if (listedInDocument.contains(operator.aeoId()) || !withdrawnAt.isAfter(operator.statusChangedAt())) {
                continue;
            }
            OperatorDetails last = operator.operator();
            withdrawals.add(AeoStatusRecord.create(
                    source,
                    operator.aeoId(),
                    last.name(),
                    last.address(),
                    last.programme(),
                    AeoStatus.WITHDRAWN,
                    last.validFrom(),
                    last.validUntil(),
                    withdrawnAt,
                    "absent from the FULL list of message " + source.messageId()));
        }
        return withdrawals;
    }

    /**
     * The records of one document of {@code type}, recognised: each shipment with its seller's mutual-recognition
     * status as the source partner last reported it. Other documents carry no recognition and are returned as
     * they are, not copied (a large AEO list's records are made on demand).
     */
    public List<CanonicalRecord> recognise(String partnerId, RecordType type, List<CanonicalRecord> records) {
        if (type != RecordType.ECOM_SHIPMENT) {
            return records;
        }
        List<String> sellers = new ArrayList<>();
        for (CanonicalRecord record : records) {
            if (record instanceof ShipmentRecord shipment
                    && shipment.seller() != null
                    && shipment.seller().aeoId() != null) {
                sellers.add(shipment.seller().aeoId());
            }
        }
        Map<String, AeoStatus> current = current(partnerId, sellers);
        List<CanonicalRecord> recognised = new ArrayList<>(records.size());
        for (CanonicalRecord record : records) {
            if (record instanceof ShipmentRecord shipment) {
                String seller =
                        shipment.seller() == null ? null : shipment.seller().aeoId();
                AeoStatus status = seller == null ? null : current.get(seller);
                recognised.add(shipment.withMutualRecognition(
                        status == null ? MutualRecognition.unknown() : MutualRecognition.of(status)));
            } else {
                recognised.add(record);
            }
        }
        return recognised;
    }

    /**
     * Whether an AEO statement may go to the national system now: never one older than the latest already
     * forwarded for its operator. Called by the forward route, one operator at a time (message groups).
     */
    public boolean isCurrentForForwarding(String partnerId, String aeoId, Instant statusChangedAt) {
        return lastForwarded(partnerId, aeoId)
                .map(last -> !statusChangedAt.isBefore(last))
                .orElse(true);
    }

    public Optional<Instant> lastForwarded(String partnerId, String aeoId) {
        return Sql.first(
                dataSource,
                "cannot read the forwarded AEO statements",
                "SELECT status_changed_at FROM aeo_forwarded WHERE partner_id = ? AND aeo_id = ?",
                row -> Sql.instant(row, 1),
                partnerId,
                aeoId);
    }

    /** Remembers that this statement reached the national system, inside the caller's transaction. */
    public static void rememberForwarded(Connection connection, String partnerId, String aeoId, Instant statusChangedAt)
            throws SQLException {
        // Insert first: an operator's first statement (the usual case) costs one write and no lookup.
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO aeo_forwarded (partner_id, aeo_id, status_changed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, partnerId);
            insert.setString(2, aeoId);
            insert.setObject(3, Sql.utc(statusChangedAt));
            if (insert.executeUpdate() == 1) {
                return;
            }
        }
        // Only ever forward: an older statement does not move the operator's mark back.
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE aeo_forwarded SET status_changed_at = ? WHERE partner_id = ? AND aeo_id = ? AND status_changed_at < ?")) {
            update.setObject(1, Sql.utc(statusChangedAt));
            update.setString(2, partnerId);
            update.setString(3, aeoId);
            update.setObject(4, Sql.utc(statusChangedAt));
            update.executeUpdate();
        }
    }

    private static CurrentStatus currentOf(ResultSet row) throws SQLException {
        return new CurrentStatus(
                row.getString(1),
                AeoStatus.valueOf(row.getString(2)),
                Sql.instant(row, 3),
                row.getString(4) == null ? detailsInColumns(row) : detailsInJson(row.getString(4)));
    }

    private static OperatorDetails detailsInColumns(ResultSet row) throws SQLException {
        // Every translator requires an address's country: a row without one had no address.
        Address address = row.getString(9) == null
                ? null
                : new Address(row.getString(6), row.getString(7), row.getString(8), row.getString(9));
        return new OperatorDetails(
                row.getString(5),
                address,
                row.getString(10),
                row.getObject(11, LocalDate.class),
                row.getObject(12, LocalDate.class));
    }

    /** A row written before V11, which kept the whole canonical record as JSON. */
    private static OperatorDetails detailsInJson(String json) {
        try {
            AeoStatusRecord record = JSON.readValue(json, AeoStatusRecord.class);
            return new OperatorDetails(
                    record.operatorName(),
                    record.address(),
                    record.programme(),
                    record.validFrom(),
                    record.validUntil());
        } catch (JsonProcessingException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "an AEO statement in the registry cannot be read", e);
        }
    }
}
