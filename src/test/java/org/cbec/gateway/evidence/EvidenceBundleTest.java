package org.cbec.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.cbec.gateway.canonical.RecordsDocument;
import org.cbec.gateway.cli.GatewayCli;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.translate.AeoStatusCsvTranslator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence archive proves things offline: an export verifies intact, and an export altered in any of
 * the ways an attacker or an accident could alter it is caught, naming the entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvidenceBundleTest {
    GatewayUnderTest gateway;
    Path root;
    Path bundle;
    String acceptedId;
    String refusedId;
    String streamedId;

    @BeforeAll
    void exportSomeEvidence(@TempDir Path root) {
        this.root = root;
        gateway = new GatewayUnderTest(root.resolve("gateway")).start();
        Instant from = Instant.now().minusSeconds(1);
        HttpResponse<String> accepted = gateway.postCms(
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner));
        gateway.postCmsForSignedReceipt(
                TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner));
        HttpResponse<String> refused = gateway.postCms(TestPki.signCms(
                Fixtures.load("invalid/aeo-status-bad-status-and-date.csv").bytes(), gateway.cnSigner));
        // Large enough for its records document to be streamed into the archive record by record.
        HttpResponse<String> streamed = gateway.postCms(
                TestPki.signCms(listOf(STREAMED_ROWS).getBytes(StandardCharsets.UTF_8), gateway.cnSigner));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(202);
        streamedId = GatewayUnderTest.json(streamed).path("messageId").asText();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "FORWARDED"
                        .equals(gateway.getJson("/api/v1/messages/" + streamedId)
                                .path("status")
                                .asText()));
        acceptedId = GatewayUnderTest.json(accepted).path("messageId").asText();
        refusedId = GatewayUnderTest.json(refused).path("messageId").asText();
        bundle = root.resolve("bundle");

        int exit = GatewayCli.execute(
                "evidence",
                "export",
                "--config",
                gateway.configDir().toString(),
                "--from",
                from.toString(),
                "--to",
                Instant.now().toString(),
                bundle.toString());

        assertThat(exit).isZero();
    }

    private static final int STREAMED_ROWS = RecordsDocument.STREAMED_FROM_RECORDS + 200;
    private final String runPrefix = "CN7" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);

    private String listOf(int rows) {
        StringBuilder csv = new StringBuilder(AeoStatusCsvTranslator.HEADER).append('\n');
        for (int row = 1; row <= rows; row++) {
            csv.append(aeoId(row))
                    .append(",Operator ")
                    .append(row)
                    .append(",1 Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,\n");
        }
        return csv.toString();
    }

    private String aeoId(int row) {
        return runPrefix + String.format("%04d", row);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void a_fresh_export_verifies_intact_with_its_bytes_receipts_and_seal() {
        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(bundle);

        assertThat(report.problems()).isEmpty();
        assertThat(report.entries()).isEqualTo(4);
        assertThat(report.seals()).isGreaterThanOrEqualTo(1);
        assertThat(bundle.resolve("content/" + acceptedId + ".bin")).exists();
        assertThat(bundle.resolve("receipts/" + acceptedId + ".json")).exists();
        assertThat(bundle.resolve("errors/" + refusedId + ".json")).exists();
        assertThat(GatewayCli.execute("evidence", "verify", bundle.toString())).isZero();
    }

    @Test
    void a_list_whose_records_were_streamed_into_the_archive_is_exported_whole_and_was_forwarded_whole()
            throws IOException {
        JsonNode records = new ObjectMapper()
                .readTree(bundle.resolve("records/" + streamedId + ".json").toFile());

        assertThat(records.size()).isEqualTo(STREAMED_ROWS);
        assertThat(records.get(STREAMED_ROWS - 1).path("aeoId").asText()).isEqualTo(aeoId(STREAMED_ROWS));
        assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:" + runPrefix))
                .hasSize(STREAMED_ROWS);
    }

    @Test
    void one_byte_changed_in_an_archived_message_is_caught_naming_the_entry() throws IOException {
        Path copy = copyOfBundle("byte-changed");
        Path content = copy.resolve("content/" + acceptedId + ".bin");
        byte[] bytes = Files.readAllBytes(content);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(content, bytes);

        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(copy);

        assertThat(report.problems())
                .anySatisfy(p -> assertThat(p).contains(acceptedId).contains("altered"));
        assertThat(GatewayCli.execute("evidence", "verify", copy.toString())).isEqualTo(1);
    }

    @Test
    void an_entry_removed_from_the_chain_is_caught() throws IOException {
        Path copy = copyOfBundle("entry-removed");
        List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve("chain.jsonl")));
        lines.remove(1);
        Files.write(copy.resolve("chain.jsonl"), lines);

        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(copy);

        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("missing"));
    }

    @Test
    void entries_reordered_in_the_chain_are_caught() throws IOException {
        Path copy = copyOfBundle("entries-reordered");
        List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve("chain.jsonl")));
        Collections.swap(lines, 0, 1);
        Files.write(copy.resolve("chain.jsonl"), lines);

        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(copy);

        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("out of order"));
    }

    @Test
    void a_verdict_rewritten_in_the_chain_is_caught_naming_the_entry() throws IOException {
        Path copy = copyOfBundle("verdict-rewritten");
        Path chain = copy.resolve("chain.jsonl");
        Files.writeString(
                chain, Files.readString(chain).replace("\"verdict\":\"REJECTED\"", "\"verdict\":\"ACCEPTED\""));

        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(copy);

        assertThat(report.problems())
                .anySatisfy(p -> assertThat(p).contains(refusedId).contains("altered"));
    }

    @Test
    void a_seal_not_signed_by_the_gateway_is_caught() throws IOException {
        Path copy = copyOfBundle("seal-by-another-key");
        TestPki.Credential other = TestPki.signer(TestPki.certificateAuthority("CN=Other CA,C=XX"), "CN=Other,C=XX");
        TestPki.writePem(copy.resolve("certificates/gateway.pem"), other.certificate());

        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(copy);

        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("seal"));
    }

    @Test
    void every_seal_carries_a_demo_tsa_token_that_openssl_ts_verifies_against_the_demo_tsa_certificate()
            throws IOException, InterruptedException {
        org.cbec.gateway.testing.Openssl.require();
        List<JsonNode> seals = new ArrayList<>();
        for (String line : Files.readAllLines(bundle.resolve("seals.jsonl"))) {
            seals.add(new ObjectMapper().readTree(line));
        }
        assertThat(seals)
                .isNotEmpty()
                .allSatisfy(
                        seal -> assertThat(seal.path("timeStampToken").asText()).endsWith(".tst"));

        for (JsonNode seal : seals) {
            Process openssl = new ProcessBuilder(
                            "openssl",
                            "ts",
                            "-verify",
                            "-data",
                            bundle.resolve(seal.path("file").asText()).toString(),
                            "-in",
                            bundle.resolve(seal.path("timeStampToken").asText()).toString(),
                            "-token_in",
                            "-CAfile",
                            Path.of("certs-example/tsa/ca.pem").toAbsolutePath().toString(),
                            "-untrusted",
                            Path.of("certs-example/tsa/tsa.pem")
                                    .toAbsolutePath()
                                    .toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(openssl.waitFor()).as(output).isZero();
            assertThat(output).contains("Verification: OK");
        }
    }

    @Test
    void with_the_demo_tsa_ca_given_the_bundle_verifies_and_with_another_tsa_ca_its_tokens_do_not() {
        assertThat(GatewayCli.execute("evidence", "verify", "--tsa-ca", "certs-example/tsa/ca.pem", bundle.toString()))
                .isZero();

        Path otherCa = root.resolve("other-tsa-ca.pem");
        TestPki.writePem(otherCa, new org.cbec.gateway.testing.TestTsa("Other TSA").root.certificate());
        EvidenceBundleVerifier.Report report =
                new EvidenceBundleVerifier(EvidenceBundleVerifier.readCertificates(otherCa)).verify(bundle);

        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("does not chain to the given TSA CA"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("signed by no TSA certificate"));
        assertThat(GatewayCli.execute("evidence", "verify", "--tsa-ca", otherCa.toString(), bundle.toString()))
                .isEqualTo(1);
    }

    @Test
    void a_time_stamp_token_swapped_for_another_seals_is_caught() throws IOException {
        Path copy = copyOfBundle("time-stamp-of-other-bytes");
        JsonNode seal = new ObjectMapper()
                .readTree(Files.readAllLines(copy.resolve("seals.jsonl")).get(0));
        // A genuine demo TSA token, over other bytes than this seal's.
        byte[] other = new DemoTimeStamper(
                        org.cbec.gateway.signature.GatewaySigningKey.load(
                                Path.of("certs-example/tsa/tsa.p12"), "demo-only".toCharArray()),
                        java.time.Clock.systemUTC())
                .stamp("another seal".getBytes(StandardCharsets.UTF_8));
        Files.write(copy.resolve(seal.path("timeStampToken").asText()), other);

        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(copy);

        assertThat(report.problems())
                .anySatisfy(p -> assertThat(p)
                        .contains("seal at entry " + seal.path("chainSeq").asLong())
                        .contains("stamps other bytes"));
    }

    @Test
    void a_time_stamp_token_by_a_tsa_other_than_the_bundles_is_caught() throws IOException {
        Path copy = copyOfBundle("time-stamp-by-unknown-tsa");
        TestPki.writePem(
                copy.resolve("certificates/tsa.pem"),
                new org.cbec.gateway.testing.TestTsa("Other TSA").tsa.certificate());

        EvidenceBundleVerifier.Report report = new EvidenceBundleVerifier().verify(copy);

        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("signed by no TSA certificate"));
    }

    private Path copyOfBundle(String name) throws IOException {
        Path copy = root.resolve(name);
        try (Stream<Path> files = Files.walk(bundle)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(bundle.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return copy;
    }
}
