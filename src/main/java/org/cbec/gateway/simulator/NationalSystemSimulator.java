package org.cbec.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.cbec.gateway.console.SecurityEvents;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.http.HttpAnswer;

/**
 * A stand-in national system inside the gateway, so that a fresh {@code run} works alone: it takes the
 * records the gateway POSTs, keeps each Idempotency-Key once (a repeat is answered 409), and shows what
 * it received at {@code GET /national-sim/records}. In memory: it forgets on restart.
 *
 * <p>It takes records from this gateway's own forwarder only: every POST must carry {@link #TOKEN_HEADER} with a
 * random token made for this process ({@link #forwarderHeaders}, sent by the forwarder when it targets the
 * simulator). Anyone else's POST is refused 403 {@code NOT_PERMITTED} and recorded as a security event, so a forged
 * record can neither reach what operators read nor be mistaken for one the gateway forwarded.
 */
public final class NationalSystemSimulator {
    /** The header the gateway's forwarder proves itself with. */
    public static final String TOKEN_HEADER = "X-CBEC-Simulator-Token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEPT = 100_000;
    /** The header the platform-http consumer puts the peer's address in (a Vert.x SocketAddress). */
    private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";

    private final Clock clock;
    private final Map<String, ObjectNode> receivedByKey = new LinkedHashMap<>();
    private final String token;
    private final SecurityEvents events;

    public NationalSystemSimulator(Clock clock) {
        this(clock, null);
    }

    /** @param events where refused POSTs are recorded (null: nowhere) */
    public NationalSystemSimulator(Clock clock, SecurityEvents events) {
        this.clock = clock;
        this.events = events;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** What the forwarder sends with every POST to this simulator: the token of this process, never written anywhere. */
    public Map<String, String> forwarderHeaders() {
        return Map.of(TOKEN_HEADER, token);
    }

    /**
     * The token for a route of the operator's own that posts to {@code url} (the routing example): this process's
     * token when the URL is this simulator's (on this machine, under {@code /national-sim/}), else null, so the token
     * never leaves for a real endpoint.
     */
    public String tokenFor(String url) {
        try {
            java.net.URI target = java.net.URI.create(url);
            boolean local = "localhost".equals(target.getHost()) || "127.0.0.1".equals(target.getHost());
            String path = target.getPath() == null ? "" : target.getPath();
            return local && path.startsWith("/national-sim/") ? token : null;
        } catch (IllegalArgumentException notAUrl) {
            return null;
        }
    }

    /**
     * Lets a POST through only with this process's token (compared in constant time), else fails with NOT_PERMITTED
     * after recording the refusal. The token header is removed either way, so no later step can show it.
     */
    public void requireForwarder(Exchange exchange) {
        Message message = exchange.getMessage();
        String given = message.getHeader(TOKEN_HEADER, String.class);
        message.removeHeader(TOKEN_HEADER);
        boolean valid = given != null
                && MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
        if (valid) {
            return;
        }
        String detail = given == null ? "no " + TOKEN_HEADER + " header" : "a wrong " + TOKEN_HEADER;
        if (events != null) {
            events.accessRefused(
                    GatewayError.NOT_PERMITTED,
                    null,
                    peer(message),
                    "national simulator: " + message.getHeader(Exchange.HTTP_METHOD, "POST", String.class) + " "
                            + message.getHeader(Exchange.HTTP_URI, String.class),
                    detail);
        }
        throw new GatewayException(
                GatewayError.NOT_PERMITTED,
                "the built-in national simulator takes records from this gateway's own forwarder only (" + detail
                        + ")");
    }

    private static String peer(Message message) {
        Object address = message.getHeader(REMOTE_ADDRESS);
        if (address instanceof io.vertx.core.net.SocketAddress socket) {
            return socket.hostAddress();
        }
        return address == null ? null : address.toString();
    }

    public synchronized HttpAnswer receive(
            @Header("kind") String kind, @Header("Idempotency-Key") String key, @Body String body) {
        if (key == null || key.isBlank()) {
            return HttpAnswer.problem(
                    GatewayError.SCHEMA_INVALID, "the Idempotency-Key header is required", null, null);
        }
        JsonNode record;
        try {
            record = JSON.readTree(body);
        } catch (IOException e) {
            return HttpAnswer.problem(GatewayError.SCHEMA_INVALID, "the body is not JSON", null, null);
        }
        if (!keep(kind, key, record)) {
            return HttpAnswer.json(409, Map.of("status", "ALREADY_RECEIVED", "idempotencyKey", key));
        }
        return HttpAnswer.json(200, Map.of("status", "RECEIVED", "idempotencyKey", key));
    }

    /**
     * {@code POST /national-sim/{aeo,shipments}/batch}: {@code [{"idempotencyKey":"...","record":{...}}, ...]}. Answers
     * 200 once it has every record of the batch (those it had already count as had, as a 409 would say for one record),
     * with how many were new; a malformed batch is refused whole with 422 and nothing of it is kept.
     */
    public synchronized HttpAnswer receiveBatch(@Header("kind") String kind, @Body String body) {
        JsonNode batch;
        try {
            batch = JSON.readTree(body);
        } catch (IOException e) {
            return HttpAnswer.problem(GatewayError.SCHEMA_INVALID, "the body is not JSON", null, null);
        }
        if (batch == null || !batch.isArray()) {
            return HttpAnswer.problem(
                    GatewayError.SCHEMA_INVALID, "a batch is a JSON array of {idempotencyKey, record}", null, null);
        }
        for (JsonNode entry : batch) {
            if (!entry.path("idempotencyKey").isTextual()
                    || entry.path("idempotencyKey").asText().isBlank()
                    || !entry.path("record").isObject()) {
                return HttpAnswer.problem(
                        GatewayError.SCHEMA_INVALID,
                        "every entry needs an idempotencyKey and a record object",
                        null,
                        null);
            }
        }
        int received = 0;
        for (JsonNode entry : batch) {
            if (keep(kind, entry.path("idempotencyKey").asText(), entry.path("record"))) {
                received++;
            }
        }
        return HttpAnswer.json(
                200, Map.of("status", "RECEIVED", "received", received, "alreadyReceived", batch.size() - received));
    }

    /** Keeps a record under its key; false when the key was kept before. */
    private boolean keep(String kind, String key, JsonNode record) {
        if (receivedByKey.containsKey(key)) {
            return false;
        }
        if (receivedByKey.size() >= MAX_KEPT) {
            receivedByKey.remove(receivedByKey.keySet().iterator().next());
        }
        ObjectNode entry = JSON.createObjectNode();
        entry.put("kind", kind);
        entry.put("idempotencyKey", key);
        entry.put("receivedAt", clock.instant().toString());
        entry.set("record", record);
        receivedByKey.put(key, entry);
        return true;
    }

    public synchronized HttpAnswer records(@Header("kind") String kind) {
        List<ObjectNode> selected = new ArrayList<>();
        for (ObjectNode entry : receivedByKey.values()) {
            if (kind == null || kind.equals(entry.path("kind").asText())) {
                selected.add(entry);
            }
        }
        ArrayNode array = JSON.createArrayNode();
        selected.forEach(array::add);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("count", selected.size());
        answer.set("records", array);
        return HttpAnswer.json(200, answer);
    }
}
