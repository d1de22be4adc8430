package org.cbec.gateway.signature.revocation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CA's CRL publication point on loopback: serves DER CRLs at {@code /crl/<name>.crl}, counts the requests,
 * and can hold answers back so a test can gather concurrent callers on one download.
 */
final class CrlServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, byte[]> published = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private volatile CountDownLatch gate;

    CrlServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/crl/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    URI url(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/crl/" + name + ".crl");
    }

    void publish(String name, X509CRL crl) {
        try {
            published.put(name, crl.getEncoded());
        } catch (CRLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From now on the CRL's URL answers 404, as when a CA's publication point is broken. */
    void withdraw(String name) {
        published.remove(name);
    }

    int requests(String name) {
        AtomicInteger count = requests.get(name);
        return count == null ? 0 : count.get();
    }

    /** Answers wait until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch current = gate;
        if (current != null) {
            current.countDown();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String name = path.substring("/crl/".length()).replaceFirst("\\.crl$", "");
            requests.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet();
            CountDownLatch current = gate;
            if (current != null && !current.await(30, TimeUnit.SECONDS)) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] crl = published.get(name);
            if (crl == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/pkix-crl");
            exchange.sendResponseHeaders(200, crl.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(crl);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
