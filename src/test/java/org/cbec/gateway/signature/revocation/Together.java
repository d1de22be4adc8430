package org.cbec.gateway.signature.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/** Runs the same check on many threads at once, the way concurrent messages reach the checker. */
final class Together {
    private Together() {}

    /**
     * Starts {@code callers} threads running {@code check}, waits until {@code started} holds and every thread
     * is parked (waiting on the network or on another caller's fetch), runs {@code release}, and waits for all.
     */
    static void run(int callers, Runnable check, BooleanSupplier started, Runnable release) {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int index = 0; index < callers; index++) {
            Thread thread = new Thread(
                    () -> {
                        try {
                            check.run();
                        } catch (RuntimeException | AssertionError failure) {
                            failures.add(failure);
                        }
                    },
                    "message-" + index);
            threads.add(thread);
            thread.start();
        }
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> started.getAsBoolean()
                            && threads.stream()
                                    .allMatch(thread -> thread.getState() == Thread.State.WAITING
                                            || thread.getState() == Thread.State.TIMED_WAITING));
        } finally {
            release.run();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> threads.stream().noneMatch(Thread::isAlive));
        assertThat(failures).isEmpty();
    }
}
