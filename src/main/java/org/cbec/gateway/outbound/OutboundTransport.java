package org.cbec.gateway.outbound;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.cbec.gateway.partner.Partner;

/**
 * How a signed document reaches a partner: {@code cms-https} ({@link CmsHttpsTransport}) or {@code as4} ({@link As4Transport}:
 * an eDelivery AS4 UserMessage, its signed receipt with NonRepudiationInformation required). A transport sends once and says
 * what happened; retries, backoff, dead letters and the ledger are {@link OutboundDelivery}'s.
 */
public interface OutboundTransport {
    /** The partner file's {@code outbound.transport} value this implements. */
    String name();

    /**
     * Sends the document once to the partner's {@code outbound} endpoint. Never throws for what the partner or the network
     * did: that is a failed {@link Result}.
     */
    Result send(Document document, Partner partner);

    /** The HTTP/1.1 client of an HTTPS transport: the partners' TLS trust and the connect timeout of every attempt. */
    static HttpClient httpClient(SSLContext tls, Duration timeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .sslContext(tls)
                .build();
    }

    /** One HTTP exchange: the partner's response, or why there is none ({@code unreachable}). */
    record Exchange(HttpResponse<byte[]> response, String unreachable) {}

    /** Sends a request once; a network failure or an interrupt is an {@link Exchange} without response, not a throw. */
    static Exchange exchange(HttpClient http, HttpRequest request) {
        try {
            return new Exchange(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), null);
        } catch (IOException e) {
            return new Exchange(
                    null,
                    "cannot reach " + request.uri() + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exchange(null, "interrupted while sending to " + request.uri());
        }
    }

    /**
     * One document for one partner.
     *
     * @param idempotencyKey the same on every attempt: the partner de-duplicates on it
     * @param signed         the gateway's CMS SignedData over the rendered document, the exact bytes to send
     */
    record Document(String messageId, String partnerId, String idempotencyKey, String legalBasis, byte[] signed) {}

    /**
     * What one attempt came to.
     *
     * @param failure null when the partner took the document, else why not (retried)
     * @param receipt the partner's signed receipt, when it sent one, exactly as received (evidence), or null
     * @param note    what the gateway found about the receipt, for the message's history
     * @param sent    the exact request the receipt answers, when the transport builds one per attempt (AS4: the signed
     *                multipart message, its Content-Type line first), or null when the document's signed bytes are what was sent
     */
    record Result(String failure, byte[] receipt, String note, byte[] sent) {
        public static Result delivered(byte[] receipt, String note) {
            return new Result(null, receipt, note, null);
        }

        public static Result delivered(byte[] receipt, String note, byte[] sent) {
            return new Result(null, receipt, note, sent);
        }

        public static Result failed(String failure) {
            return new Result(failure, null, null, null);
        }

        public boolean delivered() {
            return failure == null;
        }
    }
}
