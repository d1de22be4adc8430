package org.cbec.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: while a 10 MB list was taken, /metrics showed gateway_forward_backlog as NaN. Micrometer holds a gauge's
 * object weakly, and the backlog's supplier (a method reference) was held by nothing else: a collection took it.
 */
class GatewayMetricsGaugeTest {

    @Test
    void the_backlog_and_dead_letter_gauges_survive_a_garbage_collection() {
        GatewayMetrics metrics = new GatewayMetrics(Clock.systemUTC());
        long[] backlog = {42};
        metrics.watch(() -> backlog[0], () -> 3, List::of);
        // Collections until a canary held as weakly as the gauges' suppliers would be is gone.
        Object canary = new Object();
        WeakReference<Object> weak = new WeakReference<>(canary);
        canary = null;
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return weak.get() == null;
        });

        String text = new String(metrics.scrape().content(), StandardCharsets.UTF_8);

        assertThat(text)
                .contains("gateway_forward_backlog 42.0")
                .contains("gateway_dead_letters 3.0")
                .doesNotContain("NaN");
    }
}
