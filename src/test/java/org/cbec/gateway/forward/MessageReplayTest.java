package org.cbec.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub.Received;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.translate.AeoStatusCsvTranslator;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.EcomShipmentJsonTranslator;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translator;
import org.cbec.gateway.translate.Translators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay from the archive: after a mapping fix, only the records whose content changed reach the national
 * system again; after a national outage, dead-lettered records are sent again.
 */
class MessageReplayTest {
    @TempDir
    Path root;

    @Test
    void replay_after_a_mapping_fix_forwards_only_the_changed_records() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.start(new Translators(List.of(new MappingWithABug(), new EcomShipmentJsonTranslator())));
            Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
            String messageId = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(csv.bytes(), gateway.cnSigner)))
                    .path("messageId")
                    .asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.national()
                                    .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                    .size()
                            == 3);
            gateway.stop();

            gateway.start();
            HttpResponse<String> replay = gateway.post("/api/v1/messages/" + messageId + "/replay", new byte[0], null);

            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
            assertThat(GatewayUnderTest.json(replay).path("newVersions").asInt())
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.national()
                                    .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                    .size()
                            == 4);
            List<Received> received = gateway.national().receivedWithKeyPrefix("CN-GACC:CN" + csv.number() + "2");
            assertThat(received)
                    .extracting(r -> r.record().path("operatorName").asText())
                    .containsExactly("NINGBO HARBOUR TRADING, LTD", "Ningbo Harbour Trading, Ltd");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            JsonNode tracked = gateway.getJson("/api/v1/messages/" + messageId);
            assertThat(tracked.path("history").findValuesAsText("status")).contains("REPLAYED");
            // The replay is an operator's action: its history row says who acted, as a dead letter's does.
            assertThat(tracked.path("history").toString()).contains("replay 1 by " + GatewayUnderTest.ADMIN + ":");
        }
    }

    @Test
    void replay_after_a_national_outage_sends_the_dead_lettered_records_again() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with("gateway.forward.max-attempts", "2").start();
            gateway.national().setDown(true);
            Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
            String messageId = GatewayUnderTest.json(
                            gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner)))
                    .path("messageId")
                    .asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "DEAD_LETTERED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            gateway.national().setDown(false);

            HttpResponse<String> replay = gateway.post("/api/v1/messages/" + messageId + "/replay", new byte[0], null);

            assertThat(GatewayUnderTest.json(replay).path("resent").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:784-" + shipment.number()))
                    .hasSize(1);
        }
    }

    @Test
    void a_refused_message_cannot_be_replayed() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.start();
            String messageId = GatewayUnderTest.json(gateway.postCms(new byte[] {1, 2, 3}))
                    .path("messageId")
                    .asText();

            HttpResponse<String> replay = gateway.post("/api/v1/messages/" + messageId + "/replay", new byte[0], null);

            assertThat(replay.statusCode()).isEqualTo(409);
            assertThat(GatewayUnderTest.json(replay).path("code").asText()).isEqualTo("NOT_REPLAYABLE");
        }
    }

    /** The CSV mapping before its fix: it upper-cased operator names that contain a comma. */
    private static final class MappingWithABug implements Translator {
        private final AeoStatusCsvTranslator fixed = new AeoStatusCsvTranslator();

        @Override
        public DocumentFormat format() {
            return DocumentFormat.AEO_STATUS_CSV;
        }

        @Override
        public Translation translate(byte[] document, TranslationContext context) {
            Translation translation = fixed.translate(document, context);
            if (!(translation instanceof Translation.Records records)) {
                return translation;
            }
            List<CanonicalRecord> buggy = new ArrayList<>();
            for (CanonicalRecord record : records.records()) {
                AeoStatusRecord r = (AeoStatusRecord) record;
                buggy.add(
                        r.operatorName().contains(",")
                                ? AeoStatusRecord.create(
                                        new RecordSource(r.sourcePartner(), r.sourceMessageId(), r.sourceFormat()),
                                        r.aeoId(),
                                        r.operatorName().toUpperCase(java.util.Locale.ROOT),
                                        r.address(),
                                        r.programme(),
                                        r.status(),
                                        r.validFrom(),
                                        r.validUntil(),
                                        r.statusChangedAt(),
                                        r.statusReason())
                                : r);
            }
            return new Translation.Records(records.format(), buggy);
        }
    }
}
