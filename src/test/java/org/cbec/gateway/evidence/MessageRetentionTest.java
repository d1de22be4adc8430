package org.cbec.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.cbec.gateway.config.Database;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, storage bounded by a retention policy: {@code gateway.ledger.retention} removes settled messages' rows as a
 * prefix of the hash chain up to a seal. What is kept still exports and verifies offline; a message with records still
 * owed to the national system is never removed, and holds back every message after it; the same bytes sent again
 * after their message was removed are a new message, not a duplicate of rows that are gone.
 */
class MessageRetentionTest {
    /** Every table with a message_id column the retention empties (the AEO registry is state, not a message's). */
    private static final List<String> MESSAGE_TABLES = List.of(
            "inbound_message",
            "inbound_decision",
            "inbound_content",
            "message_status_history",
            "outbound_record",
            "message_progress",
            "dispatched_key",
            "accepted_digest",
            "accepted_content",
            "evidence_chain");

    @TempDir
    Path root;

    @Test
    void settled_messages_go_as_a_sealed_prefix_of_the_chain_and_what_is_kept_still_verifies() throws Exception {
        try (GatewayUnderTest gateway = inOwnSchema(new GatewayUnderTest(root.resolve("gateway")))
                .with("gateway.evidence.retention", "PT1S")
                .with("gateway.ledger.retention", "PT1S")
                // the owed record waits for the national system instead of being dead-lettered while it is down
                .with("gateway.forward.max-attempts", "100000")
                .start()) {
            DataSource database = bean(gateway, "database", Database.class).dataSource();
            MessageRetention retention = bean(gateway, "messageRetention", MessageRetention.class);
            EvidenceChain chain = bean(gateway, "evidenceChain", EvidenceChain.class);

            byte[] shipment =
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner);
            String forwarded = accepted(gateway.postCms(shipment));
            String csv = accepted(gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner)));
            String refused = idOf(gateway.postCms(TestPki.signCms(
                    Fixtures.load("invalid/aeo-status-bad-status-and-date.csv").bytes(), gateway.cnSigner)));
            awaitStatus(gateway, forwarded, "FORWARDED");
            awaitStatus(gateway, csv, "FORWARDED");
            awaitStatus(gateway, refused, "REJECTED");
            // The national system goes down: this one is accepted and owed, and is the chain's next entry.
            gateway.national().setDown(true);
            // (Each fixture load numbers its document anew: another document, not a duplicate.)
            String owed = accepted(gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner)));
            await().atMost(Duration.ofSeconds(30)).until(() -> chained(database, owed));
            String afterOwed = idOf(gateway.postCms(TestPki.signCms(
                    Fixtures.load("invalid/aeo-status-bad-status-and-date.csv").bytes(), gateway.cnSigner)));
            awaitStatus(gateway, afterOwed, "REJECTED");
            List<String> first = List.of(forwarded, csv, refused);
            await().atMost(Duration.ofSeconds(30)).until(() -> chained(database, afterOwed));
            chain.seal().orElseThrow();

            // Older than the retention once a second has passed; removed then, and only up to the owed message.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                retention.apply();
                return rowsOf(database, forwarded) + rowsOf(database, csv) + rowsOf(database, refused) == 0;
            });
            assertThat(retention.apply().messages())
                    .as("nothing more goes while a message is owed")
                    .isZero();
            for (String id : first) {
                assertThat(rowsOf(database, id))
                        .as("rows of the settled message %s", id)
                        .isZero();
                assertThat(gateway.get("/api/v1/messages/" + id).statusCode()).isEqualTo(404);
            }
            assertThat(rowsOf(database, owed)).as("the owed message's rows").isPositive();
            assertThat(rowsOf(database, afterOwed))
                    .as("a settled message after the owed one stays: the chain loses only a prefix")
                    .isPositive();
            assertKeptChainStartsAt(database, owed);

            // Delivered at last: then it goes too, with the one behind it.
            gateway.national().setDown(false);
            awaitStatus(gateway, owed, "FORWARDED");
            chain.seal();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                retention.apply();
                return rowsOf(database, owed) == 0 && rowsOf(database, afterOwed) == 0;
            });

            // The same bytes as a removed message: a new message, delivered again under the same idempotency key.
            String again = accepted(gateway.postCms(shipment));
            assertThat(again).isNotEqualTo(forwarded);
            awaitStatus(gateway, again, "FORWARDED");
            await().atMost(Duration.ofSeconds(30)).until(() -> chained(database, again));
            assertKeptChainStartsAt(database, again);

            Path bundle = root.resolve("bundle");
            // The export the evidence command makes, with the running gateway's beans (on PostgreSQL the command would
            // read GATEWAY_DB_URL from the environment, the shared schema, not this test's own).
            new EvidenceExport(
                            chain,
                            bean(gateway, "evidenceArchive", EvidenceArchive.class),
                            org.cbec.gateway.config.GatewayRuntime.signingKey(
                                            gateway.runtime().settings())
                                    .chain(),
                            java.time.Clock.systemUTC())
                    .export(Instant.EPOCH, Instant.now(), bundle);
            EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(bundle);
            assertThat(report.problems()).isEmpty();
            assertThat(report.entries()).isEqualTo(1);
        }
    }

    @Test
    void a_ledger_retention_without_a_shorter_body_retention_is_refused_at_start() {
        GatewayUnderTest gateway =
                new GatewayUnderTest(root.resolve("refused")).with("gateway.ledger.retention", "P30D");
        try {
            assertThatThrownBy(gateway::start)
                    .hasStackTraceContaining("gateway.ledger.retention (PT720H) needs gateway.evidence.retention")
                    .satisfies(e -> assertThat(causeOf(e).error()).isEqualTo(GatewayError.CONFIGURATION_INVALID));
        } finally {
            gateway.close();
        }
    }

    /**
     * On PostgreSQL (-Pexternal-engines) the tests share one database; the chain's prefix there holds other tests'
     * messages, some never settled. This test's gateway gets a schema of its own.
     */
    private static GatewayUnderTest inOwnSchema(GatewayUnderTest gateway) throws SQLException {
        if (!Boolean.getBoolean("cbec.test.external-database")) {
            return gateway;
        }
        String url = System.getenv("GATEWAY_DB_URL");
        String schema = "retention_" + Long.toUnsignedString(System.nanoTime(), 36);
        try (Connection connection = java.sql.DriverManager.getConnection(
                        url, System.getenv("GATEWAY_DB_USER"), System.getenv("GATEWAY_DB_PASSWORD"));
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return gateway.with("gateway.db.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    private static GatewayException causeOf(Throwable thrown) {
        for (Throwable e = thrown; e != null; e = e.getCause()) {
            if (e instanceof GatewayException gateway) {
                return gateway;
            }
        }
        throw new AssertionError("no GatewayException in " + thrown);
    }

    /** The chain now starts at that message's entry, and a seal covers every entry removed before it. */
    private static void assertKeptChainStartsAt(DataSource database, String messageId) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement first = connection.prepareStatement(
                        "SELECT c.chain_seq, c.message_id, (SELECT MAX(s.chain_seq) FROM evidence_seal s)"
                                + " FROM evidence_chain c ORDER BY c.chain_seq LIMIT 1");
                ResultSet row = first.executeQuery()) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(2)).as("the first message kept").isEqualTo(messageId);
            assertThat(row.getLong(1)).as("some of the chain was removed").isGreaterThan(1);
            assertThat(row.getLong(3))
                    .as("a seal covers every entry removed")
                    .isGreaterThanOrEqualTo(row.getLong(1) - 1);
        }
    }

    private static boolean chained(DataSource database, String messageId) throws SQLException {
        return count(database, "SELECT COUNT(*) FROM evidence_chain WHERE message_id = ?", messageId) == 1;
    }

    private static int rowsOf(DataSource database, String messageId) throws SQLException {
        return leftOf(database, messageId).values().stream()
                .mapToInt(Integer::intValue)
                .sum();
    }

    /** The tables that still hold rows of the message, with how many. */
    private static java.util.Map<String, Integer> leftOf(DataSource database, String messageId) throws SQLException {
        java.util.Map<String, Integer> left = new java.util.TreeMap<>();
        for (String table : MESSAGE_TABLES) {
            int rows = count(database, "SELECT COUNT(*) FROM " + table + " WHERE message_id = ?", messageId);
            if (rows > 0) {
                left.put(table, rows);
            }
        }
        return left;
    }

    private static int count(DataSource database, String sql, String messageId) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static void awaitStatus(GatewayUnderTest gateway, String messageId, String status) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> status.equals(gateway.getJson("/api/v1/messages/" + messageId)
                        .path("status")
                        .asText()));
    }

    private static String accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return idOf(response);
    }

    private static String idOf(HttpResponse<String> response) {
        String id = GatewayUnderTest.json(response).path("messageId").asText();
        assertThat(id).as(response.body()).isNotBlank();
        return id;
    }

    private static <T> T bean(GatewayUnderTest gateway, String name, Class<T> type) {
        T bean = gateway.runtime().camel().getRegistry().lookupByNameAndType(name, type);
        assertThat(bean).as(name).isNotNull();
        return bean;
    }
}
