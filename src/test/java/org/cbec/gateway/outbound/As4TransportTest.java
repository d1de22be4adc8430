package org.cbec.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerOutbound;
import org.cbec.gateway.partner.RevocationPolicy;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.as4.As4Request;
import org.cbec.gateway.signature.as4.As4SecurityVerifier;
import org.cbec.gateway.signature.as4.As4Signals;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The AS4 sender against answers phase4 cannot be made to give: the peer is the gateway's own AS4 inbound code (it parses
 * and verifies the request with {@link As4Request} and {@link As4SecurityVerifier}, and answers with {@link As4Signals}
 * signed by the partner's key), on a real HTTP server, with the receipt altered case by case. Each bad answer is a failed
 * attempt with its stable code; only a receipt that holds delivers, with the exact request kept.
 */
class As4TransportTest {
    private final TestPki.Credential gatewayCa =
            TestPki.certificateAuthority("CN=Gateway Test CA,O=National Customs,C=DE");
    private final TestPki.Credential gatewayKey =
            TestPki.signer(gatewayCa, "CN=Gateway Receipts,O=National Customs,C=DE");
    private final TestPki.Credential partnerCa =
            TestPki.certificateAuthority("CN=SG-CUSTOMS Test CA,O=Singapore Customs,C=SG");
    private final TestPki.Credential partnerKey =
            TestPki.signer(partnerCa, "CN=SG-CUSTOMS Signer,O=Singapore Customs,C=SG");
    private final TestPki.Credential otherCa = TestPki.certificateAuthority("CN=Other Test CA,O=Elsewhere,C=XX");
    private final TestPki.Credential otherKey = TestPki.signer(otherCa, "CN=Other Signer,O=Elsewhere,C=XX");
    private HttpServer server;

    private final AtomicReference<As4Request> lastRequest = new AtomicReference<>();

    private String peer(int status, String contentType, Function<As4Request, byte[]> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/as4", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            As4Request request =
                    As4Request.parse(body, exchange.getRequestHeaders().getFirst("Content-Type"));
            lastRequest.set(request);
            byte[] reply = answer.apply(request);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                exchange.getResponseBody().write(reply);
            }
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/as4";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private As4SecurityVerifier.Verified verifiedByPartner(As4Request request) {
        return new As4SecurityVerifier(new GatewaySigningKey(partnerKey.key(), partnerKey.chain()), 1 << 20)
                .verify(request);
    }

    private byte[] receipt(TestPki.Credential by, String refTo, List<org.w3c.dom.Element> references) {
        return new As4Signals(new GatewaySigningKey(by.key(), by.chain()), "sg-customs")
                .receipt(refTo, references, Instant.now());
    }

    private OutboundTransport.Result send(String url) throws Exception {
        As4Transport transport = new As4Transport(
                new GatewaySigningKey(gatewayKey.key(), gatewayKey.chain()),
                1 << 20,
                new As4Transport.Identity("CBEC-GATEWAY", Partner.As4Party.UNREGISTERED, "urn:cbec:gateway:exchange"),
                javax.net.ssl.SSLContext.getDefault(),
                Duration.ofSeconds(10),
                Clock.systemUTC());
        Partner partner = new Partner(
                "SG-CUSTOMS",
                "Singapore Customs",
                "SG",
                List.of(partnerCa.certificate()),
                Set.of(),
                RevocationPolicy.NONE,
                List.of(),
                Set.of(RecordType.AEO_STATUS),
                true,
                null,
                null,
                null,
                Set.of(),
                null,
                new PartnerOutbound(
                        PartnerOutbound.AS4,
                        URI.create(url),
                        "aeo-status-json",
                        partnerKey.certificate(),
                        List.of(partnerCa.certificate())),
                null);
        byte[] signed = TestPki.signCms("{\"records\":[]}".getBytes(StandardCharsets.UTF_8), gatewayKey);
        return transport.send(
                new OutboundTransport.Document(
                        "01TESTMESSAGE",
                        "SG-CUSTOMS",
                        "SG-CUSTOMS:01TESTMESSAGE:0123456789abcdef",
                        "DE-SG MRA (TEST)",
                        signed),
                partner);
    }

    @Test
    void a_signed_receipt_naming_what_was_signed_delivers_and_the_exact_request_is_kept() throws Exception {
        String url = peer(200, As4Signals.CONTENT_TYPE, request -> {
            As4SecurityVerifier.Verified verified = verifiedByPartner(request);
            assertThat(new String(verified.payloads().get(0).content(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"records\":[]}");
            return receipt(partnerKey, request.userMessage().header().messageId(), verified.references());
        });

        OutboundTransport.Result result = send(url);

        assertThat(result.failure()).isNull();
        assertThat(result.note()).contains("verified").contains("payload encrypted");
        assertThat(result.receipt()).isNotEmpty();
        assertThat(new String(result.sent(), StandardCharsets.ISO_8859_1))
                .startsWith("Content-Type: multipart/related;")
                .contains(lastRequest.get().userMessage().header().messageId());
        assertThat(lastRequest.get().userMessage().header().messageProperties())
                .containsEntry("idempotencyKey", "SG-CUSTOMS:01TESTMESSAGE:0123456789abcdef");
    }

    @Test
    void a_receipt_whose_non_repudiation_information_names_other_references_is_a_failed_attempt() throws Exception {
        String url = peer(200, As4Signals.CONTENT_TYPE, request -> {
            List<org.w3c.dom.Element> references = verifiedByPartner(request).references();
            return receipt(
                    partnerKey,
                    request.userMessage().header().messageId(),
                    references.subList(0, references.size() - 1));
        });

        assertThat(send(url).failure())
                .startsWith(As4Transport.RECEIPT_INVALID + ": the NonRepudiationInformation does not match");
    }

    @Test
    void a_receipt_for_another_message_is_a_failed_attempt() throws Exception {
        String url = peer(
                200,
                As4Signals.CONTENT_TYPE,
                request -> receipt(
                        partnerKey,
                        "someone-else@sg-customs",
                        verifiedByPartner(request).references()));

        assertThat(send(url).failure())
                .startsWith(As4Transport.RECEIPT_INVALID + ": the eb:Receipt answers someone-else@sg-customs");
    }

    @Test
    void a_receipt_signed_outside_the_partners_receipt_anchors_is_a_failed_attempt() throws Exception {
        String url = peer(
                200,
                As4Signals.CONTENT_TYPE,
                request -> receipt(
                        otherKey,
                        request.userMessage().header().messageId(),
                        verifiedByPartner(request).references()));

        assertThat(send(url).failure())
                .startsWith(As4Transport.RECEIPT_INVALID + ": the eb:Receipt whose signer does not chain");
    }

    @Test
    void a_receipt_altered_after_signing_is_a_failed_attempt() throws Exception {
        String url = peer(200, As4Signals.CONTENT_TYPE, request -> {
            String receipt = new String(
                    receipt(
                            partnerKey,
                            request.userMessage().header().messageId(),
                            verifiedByPartner(request).references()),
                    StandardCharsets.UTF_8);
            return receipt.replaceFirst("<eb:Timestamp>2", "<eb:Timestamp>1").getBytes(StandardCharsets.UTF_8);
        });

        assertThat(send(url).failure()).startsWith(As4Transport.RECEIPT_INVALID + ": the eb:Receipt's signature");
    }

    @Test
    void an_answer_that_is_no_as4_signal_is_a_failed_attempt() throws Exception {
        String url = peer(200, "text/plain", request -> "OK".getBytes(StandardCharsets.UTF_8));

        assertThat(send(url).failure()).startsWith(As4Transport.RECEIPT_INVALID + ": HTTP 200, no AS4 signal");
    }

    @Test
    void a_server_error_without_a_signal_is_a_failed_attempt_of_an_unreachable_partner() throws Exception {
        String url = peer(503, "text/plain", request -> new byte[0]);

        assertThat(send(url).failure()).startsWith(As4Transport.UNREACHABLE + ": the partner's access point");
    }

    @Test
    void a_partner_nobody_listens_for_is_unreachable() throws Exception {
        String url = peer(200, "text/plain", request -> new byte[0]);
        server.stop(0);
        server = null;

        assertThat(send(url).failure()).startsWith(As4Transport.UNREACHABLE + ": cannot reach");
    }
}
