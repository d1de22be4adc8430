package org.cbec.gateway.signature.revocation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.cbec.gateway.signature.revocation.TestAuthority.Credential;

/**
 * An OCSP responder on loopback built with Bouncy Castle. It signs as the CA itself or as a delegated
 * responder, answers good unless told otherwise per serial, and can misbehave in the ways a real one does.
 */
final class OcspResponder implements AutoCloseable {
    /** What the responder says about one serial. */
    enum Answer {
        GOOD,
        REVOKED,
        UNKNOWN,
        /** thisUpdate eight days ago, nextUpdate a day ago. */
        STALE,
        /** claims the CA's name but signs with another key. */
        WRONG_KEY,
        /** echoes a nonce other than the request's. */
        WRONG_NONCE,
        /** a pre-produced answer: no nonce echoed. */
        NO_NONCE
    }

    static final Instant REVOKED_AT = Instant.parse("2026-01-15T08:30:00Z");

    private final Credential signer;
    private final boolean delegated;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<BigInteger, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger requestsWithNonce = new AtomicInteger();
    private final KeyPair rogueKeys;
    private volatile Duration validity = Duration.ofHours(1);
    private volatile CountDownLatch gate;

    /** @param signer the CA itself, or a responder certificate the CA issued */
    OcspResponder(Credential issuer, Credential signer, Clock clock) {
        this.signer = signer;
        this.delegated = !signer.certificate().equals(issuer.certificate());
        this.clock = clock;
        // Same algorithm as the real key, so that only the key is wrong.
        this.rogueKeys = TestAuthority.generate(signer.key().getAlgorithm());
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/ocsp", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp");
    }

    void answer(BigInteger serial, Answer answer) {
        answers.put(serial, answer);
    }

    /** How long after thisUpdate the nextUpdate of good and revoked answers lies. */
    void validity(Duration validity) {
        this.validity = validity;
    }

    int requests() {
        return requests.get();
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

    int requestsWithNonce() {
        return requestsWithNonce.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            CountDownLatch current = gate;
            if (current != null && !current.await(30, TimeUnit.SECONDS)) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] encoded;
            try {
                encoded = respond(new OCSPReq(exchange.getRequestBody().readAllBytes()));
            } catch (Exception e) {
                encoded = new OCSPRespBuilder()
                        .build(OCSPRespBuilder.MALFORMED_REQUEST, null)
                        .getEncoded();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/ocsp-response");
            exchange.sendResponseHeaders(200, encoded.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(encoded);
            }
        } catch (OCSPException e) {
            throw new IOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] respond(OCSPReq request) throws Exception {
        Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonce != null) {
            requestsWithNonce.incrementAndGet();
        }
        Instant now = clock.instant();
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(X500Name.getInstance(
                signer.certificate().getSubjectX500Principal().getEncoded())));
        Answer mode = Answer.GOOD;
        for (Req single : request.getRequestList()) {
            CertificateID id = single.getCertID();
            mode = answers.getOrDefault(id.getSerialNumber(), Answer.GOOD);
            CertificateStatus status = switch (mode) {
                case REVOKED -> new RevokedStatus(Date.from(REVOKED_AT), CRLReason.keyCompromise);
                case UNKNOWN -> new UnknownStatus();
                default -> CertificateStatus.GOOD;
            };
            Instant thisUpdate =
                    mode == Answer.STALE ? now.minus(Duration.ofDays(8)) : now.minus(Duration.ofMinutes(1));
            Instant nextUpdate = mode == Answer.STALE ? now.minus(Duration.ofDays(1)) : thisUpdate.plus(validity);
            builder.addResponse(id, status, Date.from(thisUpdate), Date.from(nextUpdate), null);
        }
        if (nonce != null && mode != Answer.NO_NONCE) {
            builder.setResponseExtensions(new Extensions(
                    mode == Answer.WRONG_NONCE
                            ? new Extension(
                                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                                    false,
                                    new DEROctetString(new DEROctetString(new byte[32])))
                            : nonce));
        }
        PrivateKey key = mode == Answer.WRONG_KEY ? rogueKeys.getPrivate() : signer.key();
        X509CertificateHolder[] certificates =
                delegated ? new X509CertificateHolder[] {new JcaX509CertificateHolder(signer.certificate())} : null;
        BasicOCSPResp basic = builder.build(TestAuthority.signerFor(key), certificates, Date.from(now));
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
