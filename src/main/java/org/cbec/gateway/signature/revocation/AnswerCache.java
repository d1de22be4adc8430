package org.cbec.gateway.signature.revocation;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Revocation answers (CRLs, OCSP responses) kept until they go stale, fetched once per key at a time.
 * A caller that finds a fresh answer returns at once without any I/O; callers that need the same missing
 * answer at the same moment share one fetch. A failed fetch is handed to those waiting for it, not kept.
 * Held in a Caffeine cache whose clock is the gateway's, so each answer expires at its own freshness limit.
 */
final class AnswerCache<K, V> {

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

    private final AsyncCache<K, Outcome<V>> entries;
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
        this.entries = Caffeine.newBuilder()
                .ticker(() -> nanos(clock.instant()))
                // Housekeeping on the caller's thread: no pool of our own, and expiry is decided before the answer
                // returns.
                .executor(Runnable::run)
                .expireAfter(new Expiry<K, Outcome<V>>() {
                    @Override
                    public long expireAfterCreate(K key, Outcome<V> outcome, long now) {
                        return freshFor(outcome);
                    }

                    @Override
                    public long expireAfterUpdate(K key, Outcome<V> outcome, long now, long remaining) {
                        return freshFor(outcome);
                    }

                    @Override
                    public long expireAfterRead(K key, Outcome<V> outcome, long now, long remaining) {
                        return remaining;
                    }
                })
                .buildAsync();
    }

    /** The fresh cached value for the key, or the outcome of one fetch shared by everyone who asks meanwhile. */
    Outcome<V> get(K key, Supplier<Outcome<V>> fetch) {
        CompletableFuture<Outcome<V>> mine = new CompletableFuture<>();
        CompletableFuture<Outcome<V>> chosen = entries.get(key, (k, executor) -> mine);
        if (chosen != mine) {
            return await(chosen);
        }
        Outcome<V> outcome;
        try {
            outcome = fetch.get();
        } catch (RuntimeException | Error failure) {
            // Those waiting must not hang on a fetch that blew up; they get its failure, and the next caller retries.
            mine.complete(Outcome.failed(CertificateSources.problem(failure)));
            entries.asMap().remove(key, mine);
            throw failure;
        }
        mine.complete(outcome);
        if (freshFor(outcome) <= 0) {
            entries.asMap().remove(key, mine);
        }
        return outcome;
    }

    /** Nanoseconds the outcome stays fresh from now; a failure or a stale value is not kept. */
    private long freshFor(Outcome<V> outcome) {
        if (!outcome.present()) {
            return 0;
        }
        return Math.max(0, nanos(freshUntil.apply(outcome.value())) - nanos(clock.instant()));
    }

    /** An instant as nanoseconds since the epoch, saturating instead of overflowing (good until the year 2262). */
    private static long nanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
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
