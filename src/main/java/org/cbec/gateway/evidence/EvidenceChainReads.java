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
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT COALESCE(MAX(chain_seq), 0) FROM inbound_message WHERE received_at <= ? AND chain_seq IS NOT NULL")) {
            statement.setObject(1, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot read the evidence chain: " + e.getMessage(), e);
        }
    }

    /** The first seal at or after the given chain position. */
    Optional<EvidenceChain.Seal> sealCovering(long chainSeq) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT chain_seq, head_hash, sealed_at, cms, tsa_token FROM evidence_seal WHERE chain_seq >= ? ORDER BY chain_seq LIMIT 1")) {
            statement.setLong(1, chainSeq);
            try (ResultSet row = statement.executeQuery()) {
                return row.next()
                        ? Optional.of(new EvidenceChain.Seal(
                                row.getLong(1),
                                row.getString(2),
                                Sql.instant(row, 3),
                                row.getBytes(4),
                                row.getBytes(5)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot read the evidence seals: " + e.getMessage(), e);
        }
    }

    /** Every seal between two chain positions, inclusive. */
    List<EvidenceChain.Seal> seals(long fromSeq, long toSeq) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT chain_seq, head_hash, sealed_at, cms, tsa_token FROM evidence_seal WHERE chain_seq BETWEEN ? AND ? ORDER BY chain_seq")) {
            statement.setLong(1, fromSeq);
            statement.setLong(2, toSeq);
            List<EvidenceChain.Seal> seals = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    seals.add(new EvidenceChain.Seal(
                            row.getLong(1), row.getString(2), Sql.instant(row, 3), row.getBytes(4), row.getBytes(5)));
                }
            }
            return seals;
        } catch (SQLException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot read the evidence seals: " + e.getMessage(), e);
        }
    }
}
