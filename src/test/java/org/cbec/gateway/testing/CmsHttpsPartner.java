package org.cbec.gateway.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;

/**
 * A partner administration that receives CMS over HTTPS (CONTRACT.md §8), as a real server on loopback: its TLS key from a
 * CA made in the test, and every POST checked with Bouncy Castle (the CMS signature verifies, its signer chains to the
 * gateway's CA); a valid one is kept with its Idempotency-Key and Legal-Basis and answered 200 with a CMS receipt the
 * partner signs. It can be down (its port closed) or answer errors, and come back.
 */
public final class CmsHttpsPartner implements AutoCloseable {
    /** One document the partner took: its key, legal basis and the signed content (the rendered document). */
    public record Received(String idempotencyKey, String legalBasis, byte[] content, String signer) {}

    public final TestPki.Credential tlsCa = TestPki.certificateAuthority("CN=Partner TLS Test CA,O=Partner,C=SG");
    private final TestPki.Credential tls = TestPki.issue(
            tlsCa,
            "CN=127.0.0.1,O=Partner,C=SG",
            TestPki.extension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))));
    private final TestPki.Credential receiptSigner;
    private final X509Certificate gatewayCa;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final java.util.Map<String, AtomicInteger> posts = new java.util.concurrent.ConcurrentHashMap<>();
    private final SSLContext ssl;
    private final int port;
    private volatile HttpsServer server;
    private volatile boolean erroring;

    /**
     * @param gatewayCa     the CA the gateway's signing certificate chains to
     * @param receiptSigner the partner's own key for receipts (chains to the CA in its partner file)
     */
    public CmsHttpsPartner(X509Certificate gatewayCa, TestPki.Credential receiptSigner) {
        this.gatewayCa = gatewayCa;
        this.receiptSigner = receiptSigner;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tls", tls.key(), new char[0], tls.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), null, null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the partner's TLS", e);
        }
        server = listen(0);
        port = server.getAddress().getPort();
    }

    public String url() {
        return "https://127.0.0.1:" + port + "/cms";
    }

    public List<Received> received() {
        return received;
    }

    public List<Received> receivedWithKey(String key) {
        return received.stream().filter(r -> key.equals(r.idempotencyKey())).toList();
    }

    /** Requests the partner refused because the signature or signer did not verify. */
    public List<String> refused() {
        return refused;
    }

    /** Valid documents POSTed under each idempotency key, repeats included: more than one is a key sent twice. */
    public java.util.Map<String, Integer> postsByKey() {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        posts.forEach((key, n) -> counts.put(key, n.get()));
        return counts;
    }

    public int attempts() {
        return attempts.get();
    }

    /** The partner answers 500 to everything while true. */
    public void erroring(boolean erroring) {
        this.erroring = erroring;
    }

    /** The partner's server goes away. */
    public synchronized void down() {
        server.stop(0);
    }

    /** The partner's server is back on the same port. */
    public synchronized void up() {
        server = listen(port);
    }

    private HttpsServer listen(int onPort) {
        try {
            HttpsServer created = HttpsServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
            created.setHttpsConfigurator(new HttpsConfigurator(ssl));
            created.createContext("/cms", this::handle);
            created.setExecutor(Executors.newFixedThreadPool(4));
            created.start();
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            attempts.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (erroring) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            String problem = type == null || !type.startsWith("application/pkcs7-mime") ? "Content-Type " + type : null;
            Received document = null;
            if (problem == null) {
                try {
                    document = verify(
                            body,
                            exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                            exchange.getRequestHeaders().getFirst("Legal-Basis"));
                } catch (Exception e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                refused.add(problem);
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            posts.computeIfAbsent(document.idempotencyKey(), k -> new AtomicInteger())
                    .incrementAndGet();
            boolean again = !receivedWithKey(document.idempotencyKey()).isEmpty();
            if (!again) {
                received.add(document);
            }
            byte[] receipt = TestPki.signCms(
                    ("{\"received\":\"" + document.idempotencyKey() + "\"}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    receiptSigner);
            exchange.getResponseHeaders().add("Content-Type", "application/pkcs7-mime; smime-type=signed-data");
            exchange.sendResponseHeaders(again ? 409 : 200, receipt.length);
            exchange.getResponseBody().write(receipt);
        }
    }

    /** Bouncy Castle: one signature that verifies, by a certificate that chains to the gateway's CA. */
    private Received verify(byte[] body, String key, String legalBasis) throws Exception {
        CMSSignedData signed = new CMSSignedData(body);
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new IllegalArgumentException(signers.size() + " signers");
        }
        SignerInformation signer = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(matches.iterator().next());
        if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
            throw new IllegalArgumentException("the signature does not verify");
        }
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(gatewayCa, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("no Idempotency-Key");
        }
        return new Received(
                key,
                legalBasis,
                (byte[]) signed.getSignedContent().getContent(),
                certificate.getSubjectX500Principal().getName());
    }

    @Override
    public synchronized void close() {
        server.stop(0);
    }
}
