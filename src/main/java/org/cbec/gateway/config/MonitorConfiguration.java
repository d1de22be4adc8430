package org.cbec.gateway.config;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.PartnerTraffic;
import org.cbec.gateway.evidence.TrustedTime;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.intake.IntakeGate;
import org.cbec.gateway.monitor.Alerts;
import org.cbec.gateway.monitor.GatewayHealth;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.monitor.MessageTracking;
import org.cbec.gateway.monitor.Sampled;
import org.cbec.gateway.monitor.WatchedCertificate;
import org.cbec.gateway.partner.LivePartners;
import org.cbec.gateway.signature.CmsSigner;

/**
 * Monitoring: alerts, health, message tracking, and what the meters watch (the backlog the intake gate samples, the
 * dead letters, the certificates' expiry). The dead-letter count and the watched certificates are shared with the
 * console's charts and overview.
 */
@Configuration
public final class MonitorConfiguration extends SettingsConfiguration {
    private final Once<LongSupplier> deadLetters = new Once<>();
    private final Once<Supplier<List<WatchedCertificate>>> certificates = new Once<>();

    public MonitorConfiguration(GatewaySettings settings, Clock clock) {
        super(settings, clock);
    }

    /** Read at most once a second, however many scrapes, alert evaluations and console views ask. */
    @BindToRegistry("deadLetterCount")
    public LongSupplier deadLetterCount(DeliveryLedger ledger) {
        return deadLetters.get(() -> Sampled.atMostOncePerSecond("the dead letters", ledger::deadLetterCount));
    }

    /**
     * The partners' certificates and the gateway's own, whose days to expiry are watched. Not a bean: Camel's
     * registry takes a bound {@link Supplier} for a lazy bean and would hand out its result.
     */
    Supplier<List<WatchedCertificate>> watchedCertificates(LivePartners partners, CmsSigner receiptSigner) {
        return certificates.get(() -> () -> WatchedCertificate.of(
                partners.registry(), receiptSigner.signingKey().certificate()));
    }

    @BindToRegistry("alerts")
    public Alerts alerts(
            LivePartners partners,
            CmsSigner receiptSigner,
            DeliveryLedger ledger,
            PartnerTraffic traffic,
            GatewayMetrics metrics) {
        Alerts.Settings alertSettings = new Alerts.Settings(
                settings.getLong("gateway.alerts.certificate-expiry-days"),
                settings.getLong("gateway.alerts.dead-letters"),
                settings.getDouble("gateway.alerts.refusal-rate"),
                settings.getDuration("gateway.alerts.window"),
                settings.getLong("gateway.alerts.min-messages"));
        Alerts.Sources sources = new Alerts.Sources(
                partners::registry,
                watchedCertificates(partners, receiptSigner),
                deadLetterCount(ledger),
                traffic,
                metrics);
        return new Alerts(alertSettings, sources, clock);
    }

    @BindToRegistry("gatewayHealth")
    public GatewayHealth gatewayHealth(TrustedTime trustedTime, MessageBroker broker, Database database) {
        Map<String, Supplier<String>> probes = new LinkedHashMap<>();
        probes.put("evidence time-stamping", () -> trustedTime.available() ? null : trustedTime.problem());
        probes.put("broker", broker::problem);
        probes.put("database", () -> databaseProblem(database));
        return new GatewayHealth(probes);
    }

    @BindToRegistry("messageTracking")
    public MessageTracking messageTracking(EvidenceArchive archive, DeliveryLedger ledger) {
        return new MessageTracking(archive, ledger);
    }

    /** The meters' gauges: the backlog gauge reuses the intake gate's sample; the accept log's unprojected messages. */
    @Override
    public void configure(CamelContext camelContext) {
        GatewayMetrics metrics = camelContext.getRegistry().findSingleByType(GatewayMetrics.class);
        IntakeGate gate = camelContext.getRegistry().findSingleByType(IntakeGate.class);
        metrics.watch(gate::lastBacklog, deadLetters.made(), certificates.made());
        AcceptLog acceptLog = camelContext.getRegistry().findSingleByType(AcceptLog.class);
        metrics.watchAcceptLog(acceptLog::inFlightCount);
    }

    private static String databaseProblem(Database database) {
        try (var connection = database.dataSource().getConnection()) {
            return connection.isValid(2) ? null : "database connection is not valid";
        } catch (java.sql.SQLException e) {
            return "database unreachable: " + e.getMessage();
        }
    }
}
