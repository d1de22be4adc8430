package org.cbec.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;

/**
 * The certificate-expiry gauge is looked at again on every alert evaluation. Its rows are swapped only when
 * the certificates changed: a swap removes meters and adds others, and a scrape in the middle of one once
 * answered 500 (the same labels twice).
 */
class CertificateGaugeTest {
    private final TestPki.Credential anchor = TestPki.certificateAuthority("CN=Gauge Test CA,C=CN");
    private final List<WatchedCertificate> watched =
            new CopyOnWriteArrayList<>(List.of(new WatchedCertificate("CN-GACC", anchor.certificate())));
    private final GatewayMetrics metrics = new GatewayMetrics(Clock.systemUTC());

    @Test
    void an_unchanged_set_of_certificates_keeps_its_gauges() {
        metrics.watch(() -> 0, () -> 0, () -> List.copyOf(watched));
        List<Gauge> before = gauges();

        metrics.refreshCertificates();

        // The same meter object, not an equal one (meters are equal by name and tags): nothing was removed and added.
        assertThat(before).hasSize(1);
        assertThat(gauges()).hasSize(1).first().isSameAs(before.get(0));
    }

    @Test
    void a_certificate_added_by_a_partner_reload_gets_its_gauge() {
        metrics.watch(() -> 0, () -> 0, () -> List.copyOf(watched));
        WatchedCertificate second = new WatchedCertificate(
                "KR-KCS", TestPki.certificateAuthority("CN=Second CA,C=KR").certificate());
        watched.add(second);

        metrics.refreshCertificates();

        assertThat(gauges())
                .extracting(gauge -> gauge.getId().getTag("partner"))
                .containsExactlyInAnyOrder("CN-GACC", "KR-KCS");
        assertThat(PrometheusText.parse(new String(metrics.scrape().content(), java.nio.charset.StandardCharsets.UTF_8))
                        .value(
                                "gateway_certificate_days_to_expiry",
                                java.util.Map.of("partner", "KR-KCS", "subject", second.subject())))
                .isPositive();
    }

    private List<Gauge> gauges() {
        Collection<Gauge> found =
                metrics.registry().find("gateway.certificate.days.to.expiry").gauges();
        return new ArrayList<>(found);
    }
}
