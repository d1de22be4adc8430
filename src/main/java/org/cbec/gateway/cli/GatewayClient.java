package org.cbec.gateway.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/** What an integrator's tools say to a running gateway: signed messages in, and the operators' message API. */
final class GatewayClient {
    static final String CMS = "application/pkcs7-mime";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final Optional<String> authorization;
    // HTTP/1.1: the gateway and the proxies before it need no h2c upgrade to understand us.
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** An answer: its status and body as text. */
    record Answer(int status, String body) {
        boolean successful() {
            return status / 100 == 2;
        }
    }

    private GatewayClient(URI base, Optional<String> authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** A client of the gateway at {@code url} (http or https, no path), with HTTP Basic credentials when a user is given. */
    static GatewayClient of(String url, String user, String password) {
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "--url '" + url + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "--url must be like http://localhost:8080, not '" + url + "'");
        }
        Optional<String> authorization = user == null
                ? Optional.empty()
                : Optional.of("Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return new GatewayClient(base, authorization);
    }

    URI base() {
        return base;
    }

    /** POSTs a signed message to {@code /api/v1/inbound}; inbound is open to every partner, so no credentials go with it. */
    Answer send(byte[] signed, String contentType) throws IOException {
        return exchange(HttpRequest.newBuilder(base.resolve("/api/v1/inbound"))
                .timeout(TIMEOUT)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed))
                .build());
    }

    /** {@code GET /api/v1/messages/{id}}, with the operator's credentials. */
    Answer message(String messageId) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1/messages/" + messageId))
                .timeout(TIMEOUT)
                .GET();
        authorization.ifPresent(value -> request.header("Authorization", value));
        return exchange(request.build());
    }

    private Answer exchange(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + request.uri(), e);
        }
    }

    /** The one-line reason an exchange failed, for the integrator: "cannot reach http://...: Connection refused". */
    String unreachable(IOException e) {
        return "cannot reach the gateway at " + base + ": "
                + (e.getMessage() == null ? "no connection (" + e.getClass().getSimpleName() + ")" : e.getMessage());
    }
}
