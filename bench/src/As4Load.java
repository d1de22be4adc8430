import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.Attachment;
import org.apache.wss4j.common.ext.AttachmentRequestCallback;
import org.apache.wss4j.common.ext.AttachmentResultCallback;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.w3c.dom.Document;

/**
 * AS4 intake for the benchmark (issue 20): eDelivery AS4 UserMessages (SOAP 1.2 with one attachment, WS-Security
 * RSA-SHA256 over eb:Messaging, the Body and the attachment), signed with WSS4J before the clock starts, pushed to
 * {@code /as4} in a closed loop; a 200 whose body holds an eb:Receipt counts as accepted. Self-contained: the
 * benchmark calls {@link #closedLoop} and prints what it returns.
 */
final class As4Load {
    private static final String EBMS = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/";
    private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";

    private As4Load() {}

    /** One pre-signed AS4 request: its multipart body and Content-Type. */
    record Request(byte[] body, String contentType) {}

    /** Signs each document as the payload of an AS4 message from {@code partyId} to the gateway. */
    static List<Request> presign(
            List<byte[]> documents,
            X509Certificate certificate,
            PrivateKey key,
            List<X509Certificate> chain,
            String partyId)
            throws Exception {
        WSSConfig.init();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("signer", key, "bench".toCharArray(), chain.toArray(new X509Certificate[0]));
        Merlin crypto = new Merlin();
        crypto.setKeyStore(store);
        List<Request> requests = new ArrayList<>(documents.size());
        for (byte[] document : documents) {
            requests.add(sign(document, crypto, partyId, key.getAlgorithm().equals("EC")));
        }
        return requests;
    }

    private static Request sign(byte[] payload, Merlin crypto, String partyId, boolean ec) throws Exception {
        String contentId = UUID.randomUUID() + "@bench";
        String mimeType = payload.length > 0 && payload[0] == '{' ? "application/json" : "text/csv";
        String envelope = "<S12:Envelope xmlns:S12=\"" + SOAP12 + "\" xmlns:eb=\"" + EBMS + "\"><S12:Header>"
                + "<eb:Messaging S12:mustUnderstand=\"true\"><eb:UserMessage><eb:MessageInfo><eb:Timestamp>"
                + Instant.now()
                + "</eb:Timestamp><eb:MessageId>" + UUID.randomUUID() + "@bench</eb:MessageId></eb:MessageInfo>"
                + "<eb:PartyInfo><eb:From><eb:PartyId type=\"urn:oasis:names:tc:ebcore:partyid-type:unregistered\">"
                + partyId
                + "</eb:PartyId><eb:Role>" + EBMS
                + "initiator</eb:Role></eb:From><eb:To><eb:PartyId type=\"urn:oasis:names:tc:ebcore:"
                + "partyid-type:unregistered\">CBEC-GATEWAY</eb:PartyId><eb:Role>" + EBMS
                + "responder</eb:Role></eb:To></eb:PartyInfo>"
                + "<eb:CollaborationInfo><eb:Service>urn:cbec:gateway:exchange</eb:Service><eb:Action>Submit</eb:Action>"
                + "<eb:ConversationId>bench</eb:ConversationId></eb:CollaborationInfo>"
                + "<eb:PayloadInfo><eb:PartInfo href=\"cid:" + contentId
                + "\"><eb:PartProperties><eb:Property name=\"MimeType\">" + mimeType
                + "</eb:Property></eb:PartProperties></eb:PartInfo></eb:PayloadInfo></eb:UserMessage></eb:Messaging></S12:Header>"
                + "<S12:Body/></S12:Envelope>";
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document =
                factory.newDocumentBuilder().parse(new ByteArrayInputStream(envelope.getBytes(StandardCharsets.UTF_8)));
        WSSecHeader header = new WSSecHeader(document);
        header.setMustUnderstand(true);
        header.insertSecurityHeader();
        WSSecSignature signature = new WSSecSignature(header);
        signature.setUserInfo("signer", "bench");
        signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
        signature.setSignatureAlgorithm(
                ec
                        ? "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
                        : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
        signature.setDigestAlgo("http://www.w3.org/2001/04/xmlenc#sha256");
        signature.getParts().add(new WSEncryptionPart("Messaging", EBMS, "Element"));
        signature.getParts().add(new WSEncryptionPart("Body", SOAP12, "Element"));
        signature.getParts().add(new WSEncryptionPart("cid:Attachments", "Content"));
        signature.setAttachmentCallbackHandler(callbacks -> {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                if (callback instanceof AttachmentRequestCallback request) {
                    Attachment attachment = new Attachment();
                    attachment.setId(contentId);
                    attachment.setMimeType(mimeType);
                    attachment.addHeaders(Map.of("Content-Type", mimeType, "Content-ID", "<" + contentId + ">"));
                    attachment.setSourceStream(new ByteArrayInputStream(payload));
                    request.setAttachments(List.of(attachment));
                } else if (!(callback instanceof AttachmentResultCallback)) {
                    throw new javax.security.auth.callback.UnsupportedCallbackException(callback);
                }
            }
        });
        signature.build(crypto);
        ByteArrayOutputStream soap = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(soap));
        String boundary = "----=_bench_" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary
                        + "\r\nContent-Type: application/soap+xml; charset=UTF-8\r\nContent-ID: <root@bench>\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        body.write(soap.toByteArray());
        body.write(("\r\n--" + boundary + "\r\nContent-Type: " + mimeType
                        + "\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <" + contentId + ">\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        body.write(payload);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return new Request(
                body.toByteArray(),
                "multipart/related; type=\"application/soap+xml\"; boundary=\"" + boundary
                        + "\"; start=\"<root@bench>\"");
    }

    /** Pushes every request with {@code connections} in flight; throughput and latencies of receipts, and what was not one. */
    static Map<String, Object> closedLoop(HttpClient client, int port, List<Request> requests, int connections)
            throws InterruptedException {
        System.out.printf("AS4 closed loop: %d signed messages over %d connections...%n", requests.size(), connections);
        URI as4 = URI.create("http://127.0.0.1:" + port + "/as4");
        Semaphore inFlight = new Semaphore(connections);
        CountDownLatch done = new CountDownLatch(requests.size());
        ConcurrentLinkedQueue<Long> receiptNanos = new ConcurrentLinkedQueue<>();
        AtomicLong other = new AtomicLong();
        long start = System.nanoTime();
        for (Request request : requests) {
            inFlight.acquire();
            long sent = System.nanoTime();
            HttpRequest post = HttpRequest.newBuilder(as4)
                    .header("Content-Type", request.contentType())
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()))
                    .build();
            client.sendAsync(post, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                if (failure == null
                        && response.statusCode() == 200
                        && response.body().contains("Receipt>")) {
                    receiptNanos.add(System.nanoTime() - sent);
                } else {
                    other.incrementAndGet();
                }
                inFlight.release();
                done.countDown();
            });
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] latencies =
                receiptNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", requests.size());
        result.put("receipts", latencies.length);
        result.put("notReceipts", other.get());
        result.put("receiptsPerSecond", Math.round(latencies.length / seconds * 10) / 10.0);
        result.put("p50Ms", percentile(latencies, 0.50));
        result.put("p99Ms", percentile(latencies, 0.99));
        return result;
    }

    private static double percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return Math.round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e5)
                / 10.0;
    }
}
