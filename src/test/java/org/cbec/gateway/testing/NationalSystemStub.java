package org.cbec.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A national system as a real HTTP server on loopback: it records every POST it answers 2xx, and can be
 * told to fail the next N requests or to be down altogether (503).
 */
public final class NationalSystemStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A batch is read with its decimals exact, so that each record's text is as the gateway sent it. */
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    /** One POST the national system took. */
    /** @param text the record as the gateway sent it, for what a JSON tree of doubles would round */
    public record Received(String path, String idempotencyKey, String contentType, JsonNode record, String text) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> attempts = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToGive = new AtomicInteger();
    private final AtomicInteger batches = new AtomicInteger();
    private volatile boolean down;
    private volatile long downUntilNanos;

    public NationalSystemStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        attempts.add(exchange.getRequestURI().getPath() + " " + key);
        int status;
        if (down || System.nanoTime() < downUntilNanos || failuresToGive.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            status = 503;
        } else if (exchange.getRequestURI().getPath().endsWith("/batch")) {
            // A batch (gateway.national.*.batch-url): [{"idempotencyKey":"...","record":{...}}, ...], kept as if POSTed
            // one by one.
            String path = exchange.getRequestURI()
                    .getPath()
                    .substring(0, exchange.getRequestURI().getPath().length() - "/batch".length());
            List<Received> entries = new java.util.ArrayList<>();
            for (JsonNode entry : EXACT.readTree(body)) {
                entries.add(new Received(
                        path,
                        entry.path("idempotencyKey").asText(),
                        "application/json",
                        entry.path("record"),
                        entry.path("record").toString()));
            }
            received.addAll(entries);
            batches.incrementAndGet();
            status = 200;
        } else {
            received.add(new Received(
                    exchange.getRequestURI().getPath(),
                    key,
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    JSON.readTree(body),
                    new String(body, StandardCharsets.UTF_8)));
            status = 200;
        }
        byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** How many batches it took (POSTs to a path ending in /batch). */
    public int batches() {
        return batches.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedWithKeyPrefix(String recordIdPrefix) {
        return received.stream()
                .filter(r -> r.idempotencyKey() != null && r.idempotencyKey().startsWith(recordIdPrefix))
                .toList();
    }

    /** Every request that reached the server, answered 2xx or not, as "path key". */
    public List<String> attempts() {
        return List.copyOf(attempts);
    }

    public void failNext(int count) {
        failuresToGive.set(count);
    }

    /** Answers 503 to everything for the given time from now, then recovers by itself. */
    public void downFor(java.time.Duration duration) {
        downUntilNanos = System.nanoTime() + duration.toNanos();
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
