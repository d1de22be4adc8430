package org.cbec.gateway.evidence;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * An RFC 3161 client over HTTP (Bouncy Castle's TSP classes): POSTs {@code application/timestamp-query} with a SHA-256
 * imprint, a nonce and a request for the TSA's certificate, and keeps the token only when the reply is granted and
 * answers this very request (imprint, nonce, policy).
 */
public final class HttpTimeStamper implements TimeStamper {
    private static final SecureRandom NONCES = new SecureRandom();

    private final URI url;
    private final HttpClient http;
    private final Duration timeout;

    private final java.util.List<java.security.cert.X509Certificate> tsaCertificates;

    public HttpTimeStamper(URI url, Duration timeout) {
        this(url, timeout, java.util.List.of());
    }

    /**
     * @param tsaCertificates the TSA's own certificates ({@code gateway.evidence.tsa.certificates}): a token must be signed by
     *                        one of them, or it is no token (a TSA answering with another key is as good as none); empty:
     *                        any token that answers the request
     */
    public HttpTimeStamper(
            URI url, Duration timeout, java.util.List<java.security.cert.X509Certificate> tsaCertificates) {
        this.tsaCertificates = java.util.List.copyOf(tsaCertificates);
        this.url = url;
        this.timeout = timeout;
        // HTTP/1.1: TSAs are simple servers that do not answer an h2c upgrade.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public byte[] stamp(byte[] data) {
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        TimeStampRequest request = generator.generate(TSPAlgorithms.SHA256, sha256(data), new BigInteger(64, NONCES));
        try {
            HttpResponse<byte[]> answer = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(timeout)
                            .header("Content-Type", "application/timestamp-query")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded()))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() != 200) {
                throw unavailable("the TSA " + url + " answered HTTP " + answer.statusCode(), null);
            }
            TimeStampResponse response = new TimeStampResponse(answer.body());
            response.validate(request);
            if (response.getStatus() != PKIStatus.GRANTED && response.getStatus() != PKIStatus.GRANTED_WITH_MODS
                    || response.getTimeStampToken() == null) {
                throw unavailable(
                        "the TSA " + url + " refused: status " + response.getStatus() + " "
                                + response.getStatusString(),
                        null);
            }
            byte[] token = response.getTimeStampToken().getEncoded(ASN1Encoding.DER);
            if (!tsaCertificates.isEmpty()) {
                String problem = SealTimeStamps.problem(token, data, null, tsaCertificates);
                if (problem != null) {
                    throw unavailable(
                            "the TSA " + url + " answered with a token that is not its own: " + problem, null);
                }
            }
            return token;
        } catch (IOException | TSPException e) {
            throw unavailable("no time-stamp from " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while asking " + url + " for a time-stamp", e);
        }
    }

    @Override
    public String describe() {
        return "the TSA at " + url;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "SHA-256 is missing", e);
        }
    }

    private static GatewayException unavailable(String detail, Exception cause) {
        return new GatewayException(GatewayError.EVIDENCE_UNAVAILABLE, detail, cause);
    }
}
