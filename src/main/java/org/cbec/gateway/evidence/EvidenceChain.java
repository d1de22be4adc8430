package org.cbec.gateway.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
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
import java.util.Optional;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.CmsSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links every archived message into one append-only hash chain, in batches off the hot path, and seals
 * the chain head with the gateway's signature at intervals. One writer at a time: extending the chain
 * locks its head row, which holds across gateway instances sharing a database.
 *
 * <p>Reading the chain and its seals back, for an export, is {@link EvidenceChainReads}.
 */
public final class EvidenceChain {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceChain.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private final DataSource dataSource;
    private final Clock clock;
    private final Sealing sealing;
    private final EvidenceChainReads reads;

    /**
     * Who seals the chain head, and how the seal is time-stamped.
     *
     * @param signer      the gateway's CMS signer of each seal
     * @param timeStamper who time-stamps each seal (RFC 3161)
     * @param trustedTime told whether seals get their tokens, which the intake reads
     */
    public record Sealing(CmsSigner signer, TimeStamper timeStamper, TrustedTime trustedTime) {}

    public EvidenceChain(DataSource dataSource, Clock clock, Sealing sealing) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.sealing = sealing;
        this.reads = new EvidenceChainReads(dataSource);
    }

    /** The chain and its seals as kept, for an export. */
    EvidenceChainReads reads() {
        return reads;
    }

    /**
     * A seal: the gateway's CMS signature over {@code {"chainSeq":n,"headHash":h,"sealedAt":t}}, and the TSA's RFC 3161
     * token over those CMS bytes (null until the TSA answered).
     */
    public record Seal(long chainSeq, String headHash, Instant sealedAt, byte[] cms, byte[] timeStampToken) {}

    /** Links every message archived but not yet chained; returns how many were linked. */
    public int extend() {
        int total = 0;
        int linked;
        do {
            linked = extendBatch();
            total += linked;
        } while (linked == BATCH);
        return total;
    }

    private int extendBatch() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Head current = head(connection, " FOR UPDATE");
                long seq = current.seq();
                String head = current.hash();
                List<ObjectNode> entries = lockablePrefix(connection, unchained(connection));
                Instant now = clock.instant();
                try (PreparedStatement insert = connection.prepareStatement(
                                "INSERT INTO evidence_chain (chain_seq, message_id, previous_hash, entry_hash, entry, chained_at) VALUES (?, ?, ?, ?, ?, ?)");
                        PreparedStatement mark = connection.prepareStatement(
                                "UPDATE inbound_message SET chain_seq = ? WHERE message_id = ?")) {
                    for (ObjectNode entry : entries) {
                        seq++;
                        entry.put("chainSeq", seq);
                        String hash = ChainEntry.hashOf(head, entry);
                        insert.setLong(1, seq);
                        insert.setString(2, entry.path("messageId").asText());
                        insert.setString(3, head);
                        insert.setString(4, hash);
                        insert.setString(5, JSON.writeValueAsString(entry));
                        insert.setObject(6, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                        insert.addBatch();
                        mark.setLong(1, seq);
                        mark.setString(2, entry.path("messageId").asText());
                        mark.addBatch();
                        head = hash;
                    }
                    if (!entries.isEmpty()) {
                        insert.executeBatch();
                        mark.executeBatch();
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(
                        "UPDATE evidence_chain_head SET chain_seq = ?, head_hash = ? WHERE id = 1")) {
                    statement.setLong(1, seq);
                    statement.setString(2, head);
                    statement.executeUpdate();
                }
                connection.commit();
                return entries.size();
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot extend the evidence chain: " + e.getMessage(), e);
        }
    }

    /**
     * The entries, in chain order, up to the first whose message row another transaction holds (a group commit
     * booking its delivery, on this instance or another): the chain never waits for such a row while holding
     * others, so it cannot deadlock with them; the rest is linked next time.
     */
    private static List<ObjectNode> lockablePrefix(Connection connection, List<ObjectNode> entries)
            throws SQLException {
        if (entries.isEmpty()) {
            return entries;
        }
        String sql = "SELECT message_id FROM inbound_message WHERE message_id IN ("
                + String.join(",", java.util.Collections.nCopies(entries.size(), "?")) + ") FOR UPDATE SKIP LOCKED";
        java.util.Set<String> locked = new java.util.HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < entries.size(); i++) {
                statement.setString(i + 1, entries.get(i).path("messageId").asText());
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    locked.add(row.getString(1));
                }
            }
        }
        int prefix = 0;
        while (prefix < entries.size()
                && locked.contains(entries.get(prefix).path("messageId").asText())) {
            prefix++;
        }
        return prefix == entries.size() ? entries : new ArrayList<>(entries.subList(0, prefix));
    }

    private static List<ObjectNode> unchained(Connection connection) throws SQLException {
        String sql =
                "SELECT m.message_id, m.received_at, m.sha256, m.size_bytes, m.content_type, m.partner_id, m.signer_subject,"
                        + " m.signing_time, m.document_format, m.verdict, m.refusal_code, m.refusal_detail, d.errors, m.record_count,"
                        + " d.records, d.receipt, m.duplicate_of, c.message_id, m.direction"
                        + " FROM inbound_message m LEFT JOIN inbound_content c ON c.message_id = m.message_id"
                        + " LEFT JOIN inbound_decision d ON d.message_id = m.message_id"
                        + " WHERE m.chain_seq IS NULL ORDER BY m.received_at, m.message_id LIMIT " + BATCH;
        List<ObjectNode> entries = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                ObjectNode entry = JSON.createObjectNode();
                entry.put("messageId", row.getString(1));
                entry.put("receivedAt", Sql.instant(row, 2).toString());
                entry.put("sha256", row.getString(3));
                entry.put("sizeBytes", row.getLong(4));
                entry.put("contentType", row.getString(5));
                entry.put("partner", row.getString(6));
                entry.put("signer", row.getString(7));
                Instant signingTime = Sql.instant(row, 8);
                entry.put("signingTime", signingTime == null ? null : signingTime.toString());
                entry.put("documentFormat", row.getString(9));
                entry.put("verdict", row.getString(10));
                entry.put("refusalCode", row.getString(11));
                entry.put("refusalDetail", row.getString(12));
                entry.put("errorsSha256", ChainEntry.sha256Hex(row.getString(13)));
                entry.put("recordCount", row.getInt(14));
                entry.put("recordsSha256", ChainEntry.sha256Hex(row.getCharacterStream(15)));
                entry.put("receiptSha256", ChainEntry.sha256Hex(row.getString(16)));
                entry.put("duplicateOf", row.getString(17));
                // The kept bytes are the bytes whose digest the intake took: no need to read and hash them again.
                entry.put("contentSha256", row.getString(18) == null ? null : row.getString(3));
                if (row.getString(19) != null) {
                    entry.put(
                            "direction",
                            row.getString(19)); // absent for inbound: their entries hash as they always did
                }
                entries.add(entry);
            }
        }
        return entries;
    }

    /** The chain's head: the position and hash of its last entry. */
    private record Head(long seq, String hash) {}

    private static Head head(Connection connection, String lock) throws SQLException {
        return Sql.first(
                        connection,
                        "SELECT chain_seq, head_hash FROM evidence_chain_head WHERE id = 1" + lock,
                        row -> new Head(row.getLong(1), row.getString(2)))
                .orElseThrow(() -> new SQLException("the evidence chain has no head row"));
    }

    /** Signs the chain head when it moved since the last seal; returns the new seal, if any. */
    public Optional<Seal> seal() {
        extend();
        try (Connection connection = dataSource.getConnection()) {
            Head current = head(connection, "");
            long seq = current.seq();
            String head = current.hash();
            if (seq == 0) {
                return Optional.empty();
            }
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT 1 FROM evidence_seal WHERE chain_seq = ?")) {
                statement.setLong(1, seq);
                try (ResultSet row = statement.executeQuery()) {
                    if (row.next()) {
                        // Nothing new to seal; a seal made while the TSA was away gets its token now (recovery needs no
                        // traffic).
                        stampPending(connection);
                        return Optional.empty();
                    }
                }
            }
            Instant now = clock.instant();
            ObjectNode sealed = JSON.createObjectNode();
            sealed.put("chainSeq", seq);
            sealed.put("headHash", head);
            sealed.put("sealedAt", now.toString());
            byte[] cms = sealing.signer().sign(JSON.writeValueAsString(sealed).getBytes(StandardCharsets.UTF_8));
            try {
                Sql.update(
                        connection,
                        "INSERT INTO evidence_seal (chain_seq, head_hash, sealed_at, cms) VALUES (?, ?, ?, ?)",
                        seq,
                        head,
                        now,
                        cms);
            } catch (SQLException concurrentSeal) {
                // Another instance sealed the same head first: one seal is enough.
                LOG.debug("Seal of chain head {} already written: {}", seq, concurrentSeal.getMessage());
                return Optional.empty();
            }
            LOG.info("Sealed the evidence chain at entry {} ({})", seq, head);
            stampPending(connection);
            return Optional.of(new Seal(seq, head, now, cms, tokenOf(connection, seq)));
        } catch (SQLException | JsonProcessingException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot seal the evidence chain: " + e.getMessage(), e);
        }
    }

    /**
     * Time-stamps every seal still without a token, oldest first, one TSA request per seal (per seal interval, never per
     * message); the first failure stops the round and starts or continues the outage that {@link TrustedTime} measures.
     */
    private void stampPending(Connection connection) throws SQLException {
        List<Long> sequences = new ArrayList<>();
        List<byte[]> seals = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT chain_seq, cms FROM evidence_seal WHERE tsa_token IS NULL ORDER BY chain_seq LIMIT 100");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                sequences.add(rows.getLong(1));
                seals.add(rows.getBytes(2));
            }
        }
        for (int i = 0; i < sequences.size(); i++) {
            byte[] token;
            try {
                token = sealing.timeStamper().stamp(seals.get(i));
            } catch (GatewayException e) {
                sealing.trustedTime().failed(e.detail());
                LOG.warn(
                        "The evidence seal at entry {} could not be time-stamped by {} (retried at the next seal interval; intake "
                                + "refuses with EVIDENCE_UNAVAILABLE after {}): {}",
                        sequences.get(i),
                        sealing.timeStamper().describe(),
                        sealing.trustedTime().maxOutage(),
                        e.detail());
                return;
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE evidence_seal SET tsa_token = ? WHERE chain_seq = ? AND tsa_token IS NULL")) {
                update.setBytes(1, token);
                update.setLong(2, sequences.get(i));
                update.executeUpdate();
            }
        }
        if (sealing.trustedTime().problem() != null) {
            LOG.info(
                    "Evidence seals are time-stamped again by {}",
                    sealing.timeStamper().describe());
        }
        sealing.trustedTime().stamped();
    }

    private static byte[] tokenOf(Connection connection, long chainSeq) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT tsa_token FROM evidence_seal WHERE chain_seq = ?")) {
            statement.setLong(1, chainSeq);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getBytes(1) : null;
            }
        }
    }
}
