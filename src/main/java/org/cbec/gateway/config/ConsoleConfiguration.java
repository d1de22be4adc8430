package org.cbec.gateway.config;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.LongSupplier;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.cbec.gateway.console.ChartHistory;
import org.cbec.gateway.console.ConfigurationChanges;
import org.cbec.gateway.console.ConsoleAssets;
import org.cbec.gateway.console.GatewayOverview;
import org.cbec.gateway.console.LoginThrottle;
import org.cbec.gateway.console.OperatorAccess;
import org.cbec.gateway.console.OperatorSessions;
import org.cbec.gateway.console.OperatorUsers;
import org.cbec.gateway.console.PartnerActivity;
import org.cbec.gateway.console.RouteStatistics;
import org.cbec.gateway.console.SecurityEvents;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.PartnerTraffic;
import org.cbec.gateway.intake.IntakeGate;
import org.cbec.gateway.monitor.Alerts;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.LivePartners;
import org.cbec.gateway.signature.CmsSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' console: who may log in (the users file, read when the configuration is made, before anything
 * opens), sessions and the login throttle, and the pages' data: partners, routes, charts and the overview.
 */
@Configuration
public final class ConsoleConfiguration extends SettingsConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleConfiguration.class);

    private final OperatorUsers users;
    private final MonitorConfiguration monitor;

    public ConsoleConfiguration(GatewaySettings settings, Clock clock, MonitorConfiguration monitor) {
        super(settings, clock);
        this.monitor = monitor;
        Path usersFile = settings.getPath("gateway.console.users-file");
        this.users = OperatorUsers.load(usersFile);
        users.useHashingThreads(
                settings.getInt("gateway.console.login.hash-threads"),
                settings.getInt("gateway.console.login.hash-queue"));
        if (users.demo()) {
            LOG.warn(
                    "The console's users are the DEMO users of {} with published passwords: replace the file (setting "
                            + "gateway.console.users-file) for real use",
                    usersFile);
        }
    }

    @BindToRegistry("operatorAccess")
    public OperatorAccess operatorAccess(SecurityEvents securityEvents) {
        LoginThrottle throttle = new LoginThrottle(
                new LoginThrottle.Limits(
                        settings.getInt("gateway.console.login.max-failures-per-user"),
                        settings.getInt("gateway.console.login.max-failures-per-address"),
                        settings.getDuration("gateway.console.login.lockout")),
                clock);
        return new OperatorAccess(
                users,
                new OperatorSessions(settings.getDuration("gateway.console.session-timeout"), clock),
                throttle,
                settings.getSet("gateway.http.trusted-proxies"),
                securityEvents);
    }

    @BindToRegistry("consoleAssets")
    public ConsoleAssets consoleAssets() {
        return new ConsoleAssets();
    }

    @BindToRegistry("partnerActivity")
    public PartnerActivity partnerActivity(LivePartners partners, PartnerTraffic traffic) {
        return new PartnerActivity(partners::registry, traffic, clock);
    }

    @BindToRegistry("routeStatistics")
    public RouteStatistics routeStatistics(CamelContext camelContext) {
        return new RouteStatistics(() -> camelContext);
    }

    @BindToRegistry("chartHistory")
    public ChartHistory chartHistory(
            GatewayMetrics metrics,
            IntakeGate gate,
            @BeanInject("deadLetterCount") LongSupplier deadLetters,
            LivePartners partners,
            CmsSigner receiptSigner) {
        ChartHistory.Gauges gauges = new ChartHistory.Gauges(
                gate::lastBacklog, deadLetters, monitor.watchedCertificates(partners, receiptSigner));
        return new ChartHistory(metrics.registry(), gauges, clock, settings.getDuration("gateway.console.chart-step"));
    }

    @BindToRegistry("gatewayOverview")
    public GatewayOverview gatewayOverview(
            PartnerTraffic traffic,
            IntakeGate gate,
            @BeanInject("deadLetterCount") LongSupplier deadLetters,
            Alerts alerts,
            ConfigurationChanges changes,
            AcceptLog acceptLog,
            GatewayMetrics metrics) {
        GatewayOverview.RecordStages stages = new GatewayOverview.RecordStages(
                acceptLog::inFlightCount, gate::lastBacklog, metrics::deliveredRecords, deadLetters);
        return new GatewayOverview(traffic, stages, alerts, changes, clock);
    }
}
