package org.cbec.gateway.signature.revocation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** CRL downloads and OCSP exchanges over plain HTTP, each bounded in time and in size. */
final class HttpFetcher {
    private final HttpClient client;
    private final Duration timeout;

    HttpFetcher(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    byte[] get(URI url, String accept, int maxBytes) throws IOException {
        return exchange(
                HttpRequest.newBuilder(url)
                        .timeout(timeout)
                        .header("Accept", accept)
                        .GET()
                        .build(),
                maxBytes);
    }

    byte[] post(URI url, String contentType, byte[] body, String accept, int maxBytes) throws IOException {
        return exchange(
                HttpRequest.newBuilder(url)
                        .timeout(timeout)
                        .header("Content-Type", contentType)
                        .header("Accept", accept)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                maxBytes);
    }

    private byte[] exchange(HttpRequest request, int maxBytes) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(
                request,
                answer -> answer.statusCode() == 200
                        ? new LimitedBody(maxBytes)
                        : BodySubscribers.replacing((byte[]) null));
        try {
            // The request timeout only covers the headers; this bounds the body as well.
            HttpResponse<byte[]> response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw new IOException("answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + timeout);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + request.uri());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(CertificateSources.problem(cause), cause);
        }
    }

    /** Collects a body up to a size limit, so a misbehaving server cannot fill the heap. */
    private static final class LimitedBody implements BodySubscriber<byte[]> {
        private final int maxBytes;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (body.isDone()) {
                    return;
                }
                if (received.size() + item.remaining() > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("answer larger than " + maxBytes + " bytes"));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                received.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(received.toByteArray());
        }
    }
}
