package org.cbec.gateway.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The hash chain and its seals read back as {@link EvidenceChain} wrote them, for {@link EvidenceExport}: the entries
 * of a time range and the seals that cover them. Read only; the chain's writer is never blocked by it.
 */
final class EvidenceChainReads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SEALS = "SELECT chain_seq, head_hash, sealed_at, cms, tsa_token FROM evidence_seal";

    private final DataSource dataSource;

    EvidenceChainReads(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Chain entries from the first message received at or after {@code from} up to the first seal covering {@code to}. */
    List<ChainEntry> entriesForExport(Instant from, Instant to, long throughSeq) {
        String sql = "SELECT c.chain_seq, c.message_id, c.previous_hash, c.entry_hash, c.entry FROM evidence_chain c"
                + " WHERE c.chain_seq >= (SELECT COALESCE(MIN(m.chain_seq), 0) FROM inbound_message m WHERE m.received_at >= ? AND m.chain_seq IS NOT NULL)"
                + " AND c.chain_seq <= ? ORDER BY c.chain_seq";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            statement.setLong(2, throughSeq);
            List<ChainEntry> entries = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    entries.add(new ChainEntry(
                            row.getLong(1), row.getString(2), row.getString(3), row.getString(4), (ObjectNode)
                                    JSON.readTree(row.getString(5))));
                }
            }
            return entries;
        } catch (SQLException | JsonProcessingException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot read the evidence chain: " + e.getMessage(), e);
        }
    }

    /** The chain position of the last message received at or before {@code to} (0 when none). */
    long lastSeqReceivedBy(Instant to) {
        return Sql.first(
                        dataSource,
                        "cannot read the evidence chain",
                        "SELECT COALESCE(MAX(chain_seq), 0) FROM inbound_message WHERE received_at <= ?"
                                + " AND chain_seq IS NOT NULL",
                        row -> row.getLong(1),
                        to)
                .orElse(0L);
    }

    /** The first seal at or after the given chain position. */
    Optional<EvidenceChain.Seal> sealCovering(long chainSeq) {
        return Sql.first(
                dataSource,
                "cannot read the evidence seals",
                SEALS + " WHERE chain_seq >= ? ORDER BY chain_seq LIMIT 1",
                EvidenceChainReads::seal,
                chainSeq);
    }

    /** Every seal between two chain positions, inclusive. */
    List<EvidenceChain.Seal> seals(long fromSeq, long toSeq) {
        return Sql.list(
                dataSource,
                "cannot read the evidence seals",
                SEALS + " WHERE chain_seq BETWEEN ? AND ? ORDER BY chain_seq",
                EvidenceChainReads::seal,
                fromSeq,
                toSeq);
    }

    private static EvidenceChain.Seal seal(ResultSet row) throws SQLException {
        return new EvidenceChain.Seal(
                row.getLong(1), row.getString(2), Sql.instant(row, 3), row.getBytes(4), row.getBytes(5));
    }
}
