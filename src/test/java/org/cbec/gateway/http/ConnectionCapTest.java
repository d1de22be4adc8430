package org.cbec.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a benchmark's open loop, answered slower than it sent, held so many connections that the process ran out of
 * file descriptors; the broker then failed to read its page files, and accepted records stopped moving. Connections
 * beyond {@code gateway.http.max-connections} are closed at once, and what the gateway accepted keeps moving.
 */
class ConnectionCapTest {
    private static final int CAP = 8;

    @Test
    void a_connection_flood_beyond_the_cap_is_closed_at_once_and_the_gateway_keeps_accepting(@TempDir Path root)
            throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)
                .with("gateway.http.max-connections", String.valueOf(CAP))
                .start()) {
            List<Socket> held = new ArrayList<>();
            try {
                // Each held connection proves itself with a request answered on it, so all CAP are open when the next
                // one comes.
                for (int i = 0; i < CAP; i++) {
                    Socket socket = new Socket("127.0.0.1", gateway.port());
                    held.add(socket);
                    socket.getOutputStream()
                            .write("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n"
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    assertThat(readAnswerHead(socket)).startsWith("HTTP/1.1 200");
                }
                try (Socket beyond = new Socket("127.0.0.1", gateway.port())) {
                    beyond.setSoTimeout(10_000);
                    beyond.getOutputStream()
                            .write("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n"
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    assertThat(readAll(beyond.getInputStream()))
                            .as("the connection beyond the cap is closed unanswered")
                            .isEmpty();
                }
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            // Once connections close, new ones are taken again: the metrics count the one refused, and a partner's
            // message is accepted.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.get("/health").statusCode() == 200);
            String metrics = gateway.get("/metrics").body();
            Matcher refused = Pattern.compile("(?m)^gateway_http_connections_refused_total(?:\\{[^}]*\\})? (\\S+)$")
                    .matcher(metrics);
            assertThat(refused.find())
                    .as("gateway_http_connections_refused_total is published")
                    .isTrue();
            assertThat(Double.parseDouble(refused.group(1))).isGreaterThanOrEqualTo(1);
            assertThat(gateway.postCms(TestPki.signCms(
                                    Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner))
                            .statusCode())
                    .isEqualTo(202);
        }
    }

    private static String readAnswerHead(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            head.append((char) next);
        }
        // The small /health body follows its head; read it so the connection is idle and open again.
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.toString();
    }

    private static String readAll(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            return "still open after 10 s";
        } catch (java.net.SocketException reset) {
            return ""; // closed with a reset: unanswered too
        }
    }
}
