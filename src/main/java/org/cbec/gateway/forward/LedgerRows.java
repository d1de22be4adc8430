package org.cbec.gateway.forward;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.Sql;

/**
 * The delivery ledger's rows of records (part of {@link DeliveryLedger}): one outbound row per record, the claim of
 * each record version by the first record that carries it ({@code dispatched_key}), what is still pending, and the
 * records documents read one record at a time. Every method works inside its caller's transaction.
 */
final class LedgerRows {
    // decimals as BigDecimal: a double would forward a 20-digit quantity rounded
    private static final ObjectMapper JSON = org.cbec.gateway.canonical.CanonicalJson.mapper();

    private LedgerRows() {}

    /**
     * Inserts one outbound row per record: PENDING when its content was never dispatched before, UNCHANGED
     * when another message already carried the same record version. Returns the PENDING ones.
     */
    static List<OutboundRecord> insertOutboundRows(Connection connection, List<OutboundRecord> records)
            throws SQLException {
        List<OutboundRecord> pending = new ArrayList<>();
        if (records.isEmpty()) {
            return pending;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO outbound_record (message_id, seq, record_type, record_id, record_version, idempotency_key, status, attempts, last_error)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
            for (OutboundRecord record : records) {
                String firstCarrier = claimKey(connection, record);
                boolean isNew = firstCarrier == null;
                if (isNew) {
                    pending.add(record);
                }
                statement.setString(7, isNew ? "PENDING" : "UNCHANGED");
                statement.setString(8, isNew ? null : "same content already forwarded from message " + firstCarrier);
                int split = record.idempotencyKey().lastIndexOf(':');
                statement.setString(1, record.messageId());
                statement.setInt(2, record.seq());
                statement.setString(3, record.recordType());
                statement.setString(4, record.idempotencyKey().substring(0, split));
                statement.setString(5, record.idempotencyKey().substring(split + 1));
                statement.setString(6, record.idempotencyKey());
                statement.addBatch();
            }
            statement.executeBatch();
        }
        return pending;
    }

    /** Claims a record version for this message; returns the message that claimed it first, or null when this one did. */
    static String claimKey(Connection connection, OutboundRecord record) throws SQLException {
        // Insert first: a new version (the usual case) costs one index write and no lookup. A concurrent claim of the
        // same key from another instance waits for that one to commit, then inserts nothing and reads its claim.
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO dispatched_key (idempotency_key, message_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, record.idempotencyKey());
            insert.setString(2, record.messageId());
            insert.setInt(3, record.seq());
            if (insert.executeUpdate() == 1) {
                return null;
            }
        }
        String claimant = Sql.first(
                        connection,
                        "SELECT message_id FROM dispatched_key WHERE idempotency_key = ?",
                        row -> row.getString(1),
                        record.idempotencyKey())
                .orElseThrow(() ->
                        new SQLException("the claim of " + record.idempotencyKey() + " conflicted but cannot be read"));
        return claimant.equals(record.messageId()) ? null : claimant;
    }

    static List<OutboundRecord> pendingOf(Connection connection, String messageId, List<OutboundRecord> records)
            throws SQLException {
        // A set, not a list: a list's 80,000 records against 80,000 pending seqs were 6.4 billion comparisons.
        Set<Integer> pendingSeqs = new HashSet<>(Sql.list(
                connection,
                "SELECT seq FROM outbound_record WHERE message_id = ? AND status = 'PENDING' ORDER BY seq",
                row -> row.getInt(1),
                messageId));
        return records.stream().filter(r -> pendingSeqs.contains(r.seq())).toList();
    }

    /**
     * The outbound records of a records document, read one record at a time: a 10 MB list's document is 40 MB
     * of JSON, and as one string and one tree it held several times that while it was dispatched.
     */
    static List<OutboundRecord> parse(String messageId, Reader recordsJson, int firstSeq) {
        List<OutboundRecord> records = new ArrayList<>();
        each(messageId, recordsJson, firstSeq, true, records::add);
        return records;
    }

    /**
     * Each record of a records document, in order, as it is read; {@code withJson} false leaves out its JSON (what its
     * ledger row needs is its key, type and group): a 10 MB list's 80,000 records are then a fraction of the memory.
     */
    static void each(
            String messageId, Reader recordsJson, int firstSeq, boolean withJson, Consumer<OutboundRecord> each) {
        if (recordsJson == null) {
            return;
        }
        try (Reader document = recordsJson;
                JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("the records document is not a JSON array");
            }
            int seq = firstSeq;
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode record = parser.readValueAsTree();
                String type = record.path("recordType").asText();
                // One group per operator: Artemis hands a group's records to one consumer at a time, in order.
                String group = "AEO_STATUS".equals(type)
                        ? aeoGroup(record.path("recordId").asText())
                        : null;
                each.accept(new OutboundRecord(
                        messageId,
                        seq++,
                        type,
                        record.path("recordId").asText() + ":"
                                + record.path("recordVersion").asText(),
                        group,
                        withJson ? JSON.writeValueAsString(record) : null));
            }
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the archived records of " + messageId + " cannot be read", e);
        }
    }

    /** "AEO:partner:aeoId" from the key partner:aeoId:statusChangedAt (an agreement may withhold aeoId itself). */
    static String aeoGroup(String recordId) {
        int second = recordId.indexOf(':', recordId.indexOf(':') + 1);
        return "AEO:" + (second < 0 ? recordId : recordId.substring(0, second));
    }

    static boolean isDispatched(Connection connection, String key) throws SQLException {
        return Sql.first(connection, "SELECT 1 FROM dispatched_key WHERE idempotency_key = ?", row -> true, key)
                .isPresent();
    }

    /** The message's original records and those of its replays. */
    static List<OutboundRecord> allRecordsOf(Connection connection, String messageId) throws SQLException {
        List<OutboundRecord> records = new ArrayList<>(Sql.first(
                        connection,
                        "SELECT records FROM inbound_decision WHERE message_id = ?",
                        row -> parse(messageId, row.getCharacterStream(1), 0),
                        messageId)
                .orElse(List.of()));
        for (List<OutboundRecord> replay : Sql.list(
                connection,
                "SELECT replay_no, records FROM message_replay WHERE message_id = ? ORDER BY replay_no",
                row -> parse(messageId, row.getCharacterStream(2), row.getInt(1) * 100_000),
                messageId)) {
            records.addAll(replay);
        }
        return records;
    }
}
