package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.helger.phase4.sender.EAS4UserMessageSendResult;
import com.helger.scope.mgr.ScopeManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbec.gateway.testing.As4Partner;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * AS4 partners: phase4's own sender, with the eDelivery PMode, pushes to the real gateway's {@code /as4}; phase4 checks
 * each receipt (the gateway's signature against its CA, the NonRepudiationInformation against what it signed), and the
 * records reach the national system once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class As4InboundTest {
    GatewayUnderTest gateway;
    String endpoint;

    @BeforeAll
    void start(@TempDir Path root) {
        if (!ScopeManager.isGlobalScopePresent()) {
            ScopeManager.onGlobalBegin("as4-partner");
        }
        gateway = new GatewayUnderTest(root).start();
        endpoint = "http://127.0.0.1:" + gateway.runtime().httpPort() + "/as4";
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private As4Partner cn() {
        return new As4Partner(gateway.cnSigner, "CN-GACC", gateway.gatewayKey, gateway.gatewayCa);
    }

    @Test
    void a_signed_message_gets_a_receipt_that_phase4_validates_and_its_records_reach_the_national_system_once() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        As4Partner.Sent sent = cn().send(endpoint, List.of(csv.bytes()));

        assertThat(sent.result()).as("error %s: %s", sent.errorCode(), sent.errorDescription()).isEqualTo(EAS4UserMessageSendResult.SUCCESS);
        assertThat(sent.signal().getReceipt()).isNotNull();
        assertThat(sent.nrr()).isEqualTo("valid");
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.national().receivedWithKeyPrefix("CN-GACC:CN" + csv.number()).size() == 3);
        JsonNode found = gateway.getJson("/api/v1/messages?partner=CN-GACC&limit=50");
        assertThat(found.toString()).contains(sent.messageId());
    }
}
