package org.cbec.gateway.signature.revocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Revocation answers (CRLs, OCSP responses) kept until they go stale, fetched once per key at a time.
 * A caller that finds a fresh answer returns at once without any I/O; callers that need the same missing
 * answer at the same moment share one fetch. A failed fetch is handed to those waiting for it, not kept.
 */
final class AnswerCache<K, V> {
    /** Beyond this many keys, stale entries are swept out on the next insert. */
    private static final int SWEEP_ABOVE = 10_000;

    /** The outcome of one fetch: a value, or why there is none. */
    record Outcome<V>(V value, String problem) {
        static <V> Outcome<V> of(V value) {
            return new Outcome<>(value, null);
        }

        static <V> Outcome<V> failed(String problem) {
            return new Outcome<>(null, problem);
        }

        boolean present() {
            return value != null;
        }
    }

    private final ConcurrentHashMap<K, CompletableFuture<Outcome<V>>> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Function<V, Instant> freshUntil;
    private final Duration waitLimit;

    /**
     * @param freshUntil the instant from which a value no longer counts
     * @param waitLimit  how long a caller waits for a fetch that another caller started
     */
    AnswerCache(Clock clock, Function<V, Instant> freshUntil, Duration waitLimit) {
        this.clock = clock;
        this.freshUntil = freshUntil;
        this.waitLimit = waitLimit;
    }

    /** The fresh cached value for the key, or the outcome of one fetch shared by everyone who asks meanwhile. */
    Outcome<V> get(K key, Supplier<Outcome<V>> fetch) {
        CompletableFuture<Outcome<V>> current = entries.get(key);
        if (current != null && holdsFresh(current)) {
            return current.join();
        }
        CompletableFuture<Outcome<V>> mine = new CompletableFuture<>();
        CompletableFuture<Outcome<V>> chosen = entries.compute(key,
                (k, existing) -> existing != null && (!existing.isDone() || holdsFresh(existing)) ? existing : mine);
        if (chosen != mine) {
            return await(chosen);
        }
        Outcome<V> outcome;
        try {
            outcome = fetch.get();
        } catch (RuntimeException | Error failure) {
            // Those waiting must not hang on a fetch that blew up; they get its failure, and the next caller retries.
            mine.complete(Outcome.failed(CertificateSources.problem(failure)));
            entries.remove(key, mine);
            throw failure;
        }
        mine.complete(outcome);
        if (!holdsFresh(mine)) {
            entries.remove(key, mine);
        } else if (entries.size() > SWEEP_ABOVE) {
            entries.values().removeIf(entry -> entry.isDone() && !holdsFresh(entry));
        }
        return outcome;
    }

    private boolean holdsFresh(CompletableFuture<Outcome<V>> entry) {
        if (!entry.isDone() || entry.isCompletedExceptionally()) {
            return false;
        }
        Outcome<V> outcome = entry.join();
        return outcome.present() && clock.instant().isBefore(freshUntil.apply(outcome.value()));
    }

    private Outcome<V> await(CompletableFuture<Outcome<V>> pending) {
        try {
            return pending.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.failed("the fetch another check started did not finish within " + waitLimit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed("interrupted while waiting for a fetch");
        } catch (ExecutionException e) {
            return Outcome.failed(CertificateSources.problem(e.getCause()));
        }
    }
}
