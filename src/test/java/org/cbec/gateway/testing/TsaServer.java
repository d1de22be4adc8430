package org.cbec.gateway.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * A real RFC 3161 time-stamping authority over HTTP on loopback (application/timestamp-query in,
 * application/timestamp-reply out), signing with a {@link TestTsa}'s key; it can be stopped and started again on the
 * same port, as a TSA that goes away and comes back.
 */
public final class TsaServer implements AutoCloseable {
    private final TestTsa tsa;
    private final AtomicLong serials = new AtomicLong(System.currentTimeMillis());
    private final AtomicInteger granted = new AtomicInteger();
    private final int port;
    private volatile HttpServer server;

    public TsaServer(TestTsa tsa) {
        this.tsa = tsa;
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/tsa";
    }

    /** Tokens granted so far. */
    public int granted() {
        return granted.get();
    }

    /** The TSA goes away: its port refuses connections. */
    public synchronized void kill() {
        server.stop(0);
        server = null;
    }

    /** The TSA is back on the same port. */
    public synchronized void restart() {
        server = listen(port);
    }

    private HttpServer listen(int onPort) {
        try {
            HttpServer created = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
            created.createContext("/tsa", this::answer);
            created.start();
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] reply;
            try {
                TimeStampRequest request =
                        new TimeStampRequest(exchange.getRequestBody().readAllBytes());
                TimeStampTokenGenerator generator = new TimeStampTokenGenerator(
                        new JcaSimpleSignerInfoGeneratorBuilder()
                                .build("SHA256withRSA", tsa.tsa.key(), tsa.tsa.certificate()),
                        new JcaDigestCalculatorProviderBuilder()
                                .build()
                                .get(new DefaultDigestAlgorithmIdentifierFinder().find("SHA-256")),
                        new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.2"));
                generator.addCertificates(new JcaCertStore(List.of(tsa.tsa.certificate())));
                reply = new TimeStampResponseGenerator(generator, TSPAlgorithms.ALLOWED)
                        .generate(request, BigInteger.valueOf(serials.incrementAndGet()), new Date())
                        .getEncoded();
            } catch (Exception e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            granted.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/timestamp-reply");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
