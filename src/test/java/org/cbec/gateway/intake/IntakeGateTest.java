package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Back-pressure and stopping: the intake answers 503 OVERLOADED with Retry-After instead of taking what it cannot hold. */
class IntakeGateTest {
    private static final IntakeGate.Limits LIMITS = new IntakeGate.Limits(100, Duration.ofSeconds(2), 1_048_576, 4);

    @TempDir
    Path root;

    @Test
    void past_the_backlog_limit_new_messages_are_overloaded_with_retry_after() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.with("gateway.inbound.max-backlog", "0")
                    .with("gateway.forward.initial-delay", "PT5S")
                    .start();
            gateway.national().setDown(true);
            assertThat(gateway.postCms(TestPki.signCms(
                                    Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner))
                            .statusCode())
                    .isEqualTo(202);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.postCms(TestPki.signCms(
                                            Fixtures.load("valid/ecom-shipment.json")
                                                    .bytes(),
                                            gateway.cnSigner))
                                    .statusCode()
                            == 503);
            HttpResponse<String> shed = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner));

            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(GatewayUnderTest.json(shed).path("code").asText()).isEqualTo("OVERLOADED");
            assertThat(shed.headers().firstValue("Retry-After")).isPresent();
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void while_the_gateway_drains_for_a_stop_new_messages_are_overloaded() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            gateway.start();

            gateway.runtime().intakeGate().drain(Duration.ZERO);
            HttpResponse<String> response = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(GatewayUnderTest.json(response).path("code").asText()).isEqualTo("OVERLOADED");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        }
    }

    @Test
    void a_message_that_waited_past_max_wait_for_a_worker_is_overloaded_and_one_that_did_not_is_let_in()
            throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange waitedLong = new DefaultExchange(camel);
            Exchange fresh = new DefaultExchange(camel);
            // The gate's clock runs ten seconds past the moment both requests arrived: the first has waited that long.
            try (IntakeGate late = new IntakeGate(
                            LIMITS, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10)), () -> 0, () -> {});
                    IntakeGate onTime = new IntakeGate(LIMITS, Clock.systemUTC(), () -> 0, () -> {})) {

                assertThatThrownBy(() -> late.enter(waitedLong)).isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error()).isEqualTo(GatewayError.OVERLOADED);
                    assertThat(e.detail()).contains("gateway.inbound.max-wait");
                });
                onTime.enter(fresh);
                assertThat(onTime.drain(Duration.ZERO))
                        .as("the fresh message is counted in flight")
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void max_wait_must_be_positive() {
        assertThatThrownBy(() -> new IntakeGate.Limits(100, Duration.ZERO, 1024, 1))
                .hasMessageContaining("gateway.inbound.max-wait");
    }

    @Test
    void large_documents_are_taken_only_so_many_at_once_and_a_finished_one_makes_room() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext();
                IntakeGate gate = new IntakeGate(
                        new IntakeGate.Limits(100, Duration.ofSeconds(2), 1024, 1),
                        Clock.systemUTC(),
                        () -> 0,
                        () -> {})) {
            Exchange firstLarge = exchangeWithBody(camel, 2048);
            Exchange secondLarge = exchangeWithBody(camel, 2048);
            Exchange small = exchangeWithBody(camel, 512);

            gate.enter(firstLarge);
            assertThatThrownBy(() -> gate.enter(secondLarge)).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.error()).isEqualTo(GatewayError.OVERLOADED);
                assertThat(e.detail()).contains("gateway.inbound.large-bodies-at-once");
            });
            gate.enter(small);

            // The first large document's exchange completes (the route answered it): its place is free again.
            firstLarge.getExchangeExtension().handoverCompletions().forEach(done -> done.onComplete(firstLarge));
            gate.enter(exchangeWithBody(camel, 2048));
        }
    }

    @Test
    void over_http_a_large_document_past_the_limit_is_overloaded_and_taken_once_there_is_room() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root);
                DefaultCamelContext camel = new DefaultCamelContext()) {
            gateway.with("gateway.inbound.large-body-bytes", "100")
                    .with("gateway.inbound.large-bodies-at-once", "1")
                    .start();
            byte[] shipment =
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner);
            assertThat(shipment.length)
                    .as("the signed shipment is a large document here")
                    .isGreaterThan(100);
            // Another large document is being taken: it holds the one place.
            Exchange inProgress = exchangeWithBody(camel, 4096);
            gateway.runtime().intakeGate().enter(inProgress);

            HttpResponse<String> shed = gateway.postCms(shipment);
            HttpResponse<String> small = gateway.post("/api/v1/inbound", new byte[50], "application/pkcs7-mime");

            assertThat(shed.statusCode()).as(shed.body()).isEqualTo(503);
            assertThat(GatewayUnderTest.json(shed).path("code").asText()).isEqualTo("OVERLOADED");
            assertThat(shed.headers().firstValue("Retry-After")).isPresent();
            assertThat(GatewayUnderTest.json(small).path("code").asText())
                    .as("a small body passes the gate")
                    .isNotEqualTo("OVERLOADED");

            inProgress.getExchangeExtension().handoverCompletions().forEach(done -> done.onComplete(inProgress));
            assertThat(gateway.postCms(shipment).statusCode()).isEqualTo(202);
        }
    }

    private static Exchange exchangeWithBody(DefaultCamelContext camel, int bytes) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(new byte[bytes]);
        return exchange;
    }
}
