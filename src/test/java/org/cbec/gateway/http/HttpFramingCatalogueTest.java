package org.cbec.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP framing catalogue: each case writes raw bytes over a socket, named after the framing defect, and
 * asserts what comes back (status, the gateway's code, no second answer to a smuggled request, the connection
 * closed), the evidence where a body was read, and that the gateway is healthy after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFramingCatalogueTest {
    private static final String SMUGGLED = "GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n";
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root)
                .with("gateway.http.header-timeout", "PT1S")
                .with("gateway.http.body-timeout", "PT2S")
                .start();
    }

    @AfterEach
    void healthyAfterEachCase() {
        assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    /** RFC 9112 6.1: a front proxy that reads Content-Length and a gateway that reads chunked disagree on where a request ends. */
    @Test
    void content_length_with_transfer_encoding_chunked_is_refused_and_closed() {
        String body = "0\r\n\r\n" + SMUGGLED;
        Answer answer =
                exchange("POST /api/v1/inbound HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/pkcs7-mime\r\n"
                        + "Content-Length: " + body.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        answer.isFramingRefusal();
    }

    @Test
    void duplicate_content_length() {
        Answer answer =
                exchange("POST /api/v1/inbound HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/pkcs7-mime\r\n"
                        + "Content-Length: 5\r\nContent-Length: 45\r\n\r\nhello" + SMUGGLED);
        answer.isFramingRefusal();
    }

    @Test
    void obs_fold_header() {
        Answer answer =
                exchange("POST /api/v1/inbound HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/pkcs7-mime\r\n"
                        + "X-Note: first\r\n chunked\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED);
        answer.isFramingRefusal();
    }

    @Test
    void bare_lf_header() {
        Answer answer =
                exchange("POST /api/v1/inbound HTTP/1.1\r\nHost: gateway\nContent-Type: application/pkcs7-mime\r\n"
                        + "Content-Length: 5\r\n\r\nhello" + SMUGGLED);
        answer.isFramingRefusal();
    }

    /** Slowloris: a header section trickled a byte at a time is cut off at gateway.http.header-timeout (1 s here). */
    @Test
    void slow_header_sender_is_cut_off() throws Exception {
        byte[] request = ("POST /api/v1/inbound HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/pkcs7-mime\r\n"
                        + "X-Padding: " + "a".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            AtomicInteger sent = new AtomicInteger();
            trickle.scheduleAtFixedRate(
                    () -> {
                        int next = sent.get();
                        if (next < request.length) {
                            try {
                                out.write(request[next]);
                                out.flush();
                                sent.incrementAndGet();
                            } catch (IOException closedByTheGateway) {
                                sent.set(request.length);
                            }
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            String answer = readAll(socket.getInputStream());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(answer).contains("\"code\":\"HTTP_REQUEST_TIMEOUT\"");
            assertThat(took)
                    .as("cut off well before the whole header section (%s bytes, 100 ms each) arrived", request.length)
                    .isLessThan(Duration.ofSeconds(15));
        } finally {
            trickle.shutdownNow();
        }
        JsonNode event = httpRefusal("HTTP_REQUEST_TIMEOUT", "the header section took longer than PT1S");
        assertThat(event.path("channel").isNull())
                .as("no request line was read")
                .isTrue();
    }

    /**
     * A body trickled slower than gateway.http.body-timeout (2 s here) after its headers: the routes wait for a body
     * that never completes, so the server answers 408 HTTP_REQUEST_TIMEOUT in problem+json itself, records the refusal
     * as a security event (no route ran, so there is no message to archive), and closes the connection.
     */
    @Test
    void slow_body_sender_is_answered_408_and_recorded() throws Exception {
        byte[] head = ("POST /api/v1/inbound HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/pkcs7-mime\r\n"
                        + "Content-Length: 200\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            AtomicInteger sent = new AtomicInteger();
            trickle.scheduleAtFixedRate(
                    () -> {
                        if (sent.get() < 200) {
                            try {
                                out.write('x');
                                out.flush();
                                sent.incrementAndGet();
                            } catch (IOException closedByTheGateway) {
                                sent.set(200);
                            }
                        }
                    },
                    0,
                    250,
                    TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            String answer = readAll(socket.getInputStream());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(answer).as(answer).startsWith("HTTP/1.1 408");
            assertThat(answer).contains("Content-Type: application/problem+json");
            assertThat(answer).contains("\"code\":\"HTTP_REQUEST_TIMEOUT\"");
            assertThat(answer).contains("Connection: close");
            assertThat(answer.split("HTTP/1\\.1 ", -1))
                    .as("exactly one answer\n" + answer)
                    .hasSize(2);
            assertThat(answer).doesNotContain("<connection left open>");
            assertThat(sent.get()).as("cut off while the body was still coming").isLessThan(200);
            assertThat(took).isLessThan(Duration.ofSeconds(15));
        } finally {
            trickle.shutdownNow();
        }
        JsonNode event = httpRefusal("HTTP_REQUEST_TIMEOUT", "the request body did not arrive within PT2S");
        assertThat(event.path("channel").asText()).isEqualTo("POST /api/v1/inbound");
    }

    /** The security event the server recorded for a refusal of its own, waited for (a writer thread records it). */
    private JsonNode httpRefusal(String code, String detail) {
        return org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> {
                            HttpResponse<String> events =
                                    gateway.get("/api/v1/security-events?kind=HTTP_REFUSED&limit=1000");
                            assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
                            for (JsonNode event : GatewayUnderTest.json(events).path("events")) {
                                if (code.equals(event.path("code").asText())
                                        && event.path("detail").asText().startsWith(detail)
                                        && "127.0.0.1"
                                                .equals(event.path("address").asText())) {
                                    return java.util.Optional.of(event);
                                }
                            }
                            return java.util.Optional.<JsonNode>empty();
                        },
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    /** curl -d sends application/x-www-form-urlencoded: the signed bytes must still be read, archived and refused with a problem. */
    @Test
    void form_urlencoded_signed_body_is_archived_and_refused() throws Exception {
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);
        JsonNode archived =
                refusedAndArchived(gateway.post("/api/v1/inbound", signed, "application/x-www-form-urlencoded"));
        assertThat(archived.path("sha256").asText())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(signed)));
    }

    @Test
    void form_body_a_equals_b_is_archived_verbatim() {
        JsonNode archived = refusedAndArchived(gateway.post(
                "/api/v1/inbound", "a=b".getBytes(StandardCharsets.US_ASCII), "application/x-www-form-urlencoded"));
        HttpResponse<String> content =
                gateway.get("/api/v1/messages/" + archived.path("messageId").asText() + "/content");
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).isEqualTo("a=b");
    }

    private JsonNode refusedAndArchived(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = gateway.refusedAndArchived(response, 415, "UNSUPPORTED_FORMAT");
        return gateway.getJson("/api/v1/messages/" + problem.path("messageId").asText());
    }

    /** What came back on one connection for the bytes written, read until the gateway closes it. */
    private Answer exchange(String request) {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new Answer(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until the gateway closes the connection; a read that times out means it left the connection open. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException leftOpen) {
            read.writeBytes("\n<connection left open>".getBytes(StandardCharsets.US_ASCII));
        } catch (java.net.SocketException reset) {
            read.writeBytes("\n<connection reset>".getBytes(StandardCharsets.US_ASCII));
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }

    private record Answer(String raw) {
        /** One answer, 400 with the gateway's framing code, nothing for a smuggled request, and the connection closed. */
        void isFramingRefusal() {
            assertThat(raw).as(raw).startsWith("HTTP/1.1 400");
            assertThat(raw.split("HTTP/1\\.1 ", -1))
                    .as("exactly one answer: the smuggled request got none\n" + raw)
                    .hasSize(2);
            assertThat(raw).contains("application/problem+json").contains("\"code\":\"HTTP_FRAMING_INVALID\"");
            assertThat(raw).doesNotContain("<connection left open>");
        }
    }
}
