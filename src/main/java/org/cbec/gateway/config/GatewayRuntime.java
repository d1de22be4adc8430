package org.cbec.gateway.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ManagementStatisticsLevel;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.cbec.gateway.console.SecurityEvents;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.As4Messages;
import org.cbec.gateway.evidence.TimeStamper;
import org.cbec.gateway.http.BodyCeiling;
import org.cbec.gateway.intake.ContainerType;
import org.cbec.gateway.intake.IntakeGate;
import org.cbec.gateway.partner.AlgorithmPolicy;
import org.cbec.gateway.partner.PartnerRegistry;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SigningTimePolicy;
import org.cbec.gateway.translate.Translators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway process: starts Camel Main on the YAML routes with the configuration classes that make the parts
 * (one per domain, in the order their parts depend on each other), and stops it in the right order: the intake
 * drains, then the routes stop, then the broker and the database they use close.
 */
public final class GatewayRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);

    private final GatewaySettings settings;
    private final Main main;
    private final GatewayInfrastructure infrastructure;
    private final PartnerConfiguration partners;
    private final IntakeConfiguration intake;
    private final EvidenceConfiguration evidence;
    private final ScheduledExecutorService configurationWatch = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "configuration-reload");
        thread.setDaemon(true);
        return thread;
    });
    private volatile RouteFileReload routeReload;
    private boolean closed;

    private GatewayRuntime(
            GatewaySettings settings,
            Main main,
            GatewayInfrastructure infrastructure,
            PartnerConfiguration partners,
            IntakeConfiguration intake,
            EvidenceConfiguration evidence) {
        this.settings = settings;
        this.main = main;
        this.infrastructure = infrastructure;
        this.partners = partners;
        this.intake = intake;
        this.evidence = evidence;
    }

    /** Starts the gateway and returns once every route runs; throws with a clear message on bad configuration. */
    public static GatewayRuntime start(GatewaySettings settings) {
        return start(settings, Translators.standard());
    }

    /** The same with other translators: how a test shows that a mapping fix reaches the national systems on replay. */
    public static GatewayRuntime start(GatewaySettings settings, Translators translators) {
        Clock clock = Clock.systemUTC();
        Path routesDir = settings.getPath("gateway.routes.dir");
        int port = settings.getInt("gateway.http.port");
        requireFreePort(port);
        // Made before anything opens: what they check (limits, partner files, users, keystores) must not leave a
        // database or a broker open.
        IntakeConfiguration intake = new IntakeConfiguration(settings, clock);
        if (!Files.isDirectory(routesDir)) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "routes directory " + routesDir.toAbsolutePath() + " does not exist (setting gateway.routes.dir)");
        }
        PartnerConfiguration partners = new PartnerConfiguration(settings, clock);
        HttpConfiguration http = new HttpConfiguration(settings, partners.partners()::registry);
        MonitorConfiguration monitor = new MonitorConfiguration(settings, clock);
        ConsoleConfiguration console = new ConsoleConfiguration(settings, clock, monitor);
        OutboundConfiguration outbound = new OutboundConfiguration(settings, clock);
        EvidenceConfiguration evidence = new EvidenceConfiguration(settings, clock);
        List<CamelConfiguration> configurations = List.of(
                partners,
                new MetricsConfiguration(clock),
                new SignatureConfiguration(settings, clock),
                evidence,
                new ForwardConfiguration(settings, clock),
                intake,
                new TransportConfiguration(settings, clock),
                outbound,
                monitor,
                console,
                http);

        GatewayInfrastructure infrastructure = GatewayInfrastructure.open(settings);
        Main main;
        try {
            main = newMain(settings, routesDir, http);
        } catch (RuntimeException e) {
            infrastructure.close();
            throw e;
        }
        main.bind("translators", translators);
        // Refused logins and actions, and requests the HTTP server refuses itself, as records an auditor reads.
        SecurityEvents securityEvents =
                new SecurityEvents(infrastructure.database().dataSource(), clock);
        http.server().recordRefusalsIn(securityEvents::httpRefused);
        main.bind("securityEvents", securityEvents);
        main.configure().addConfiguration(infrastructure);
        configurations.forEach(main.configure()::addConfiguration);

        GatewayRuntime runtime = new GatewayRuntime(settings, main, infrastructure, partners, intake, evidence);
        try {
            main.start();
            BodyCeiling.answerPastTheCeiling(
                    main.getCamelContext(), port, settings.getLong("gateway.inbound.max-bytes"));
        } catch (Exception e) {
            runtime.close();
            throw configurationError(e);
        }
        runtime.watchConfiguration(
                new RouteFileReload(main.getCamelContext(), routesDir, partners.configurationChanges()),
                settings.getDuration("gateway.reload.interval"));
        if (RouteProperties.simulatorOn(settings)) {
            LOG.warn(
                    "The built-in national-system SIMULATOR runs at /national-sim/ on port {}: it takes records from this gateway's own forwarder only and keeps "
                            + "what it receives in memory for operators to read; set gateway.national.*.url and gateway.national.simulator.enabled"
                            + "=auto or false for real use",
                    port);
        }
        LOG.info(
                "CBEC Gateway listening on port {} (data in {}, {} broker, {} database)",
                port,
                settings.getPath("gateway.data.dir").toAbsolutePath(),
                infrastructure.broker().embedded() ? "embedded" : "external",
                infrastructure.database().embedded() ? "embedded" : "external");
        return runtime;
    }

    /** Camel Main on the routes directory, with the gateway's HTTP server in place of its own. */
    private static Main newMain(GatewaySettings settings, Path routesDir, HttpConfiguration http) {
        Main main = new Main();
        main.setOverrideProperties(RouteProperties.of(settings));
        main.configure().withRoutesIncludePattern("file:" + routesDir.toAbsolutePath() + "/*.camel.yaml");
        main.configure().withName("cbec-gateway");
        // A request body stays the HTTP server's buffer, which can be read any number of times: as a stream cache it
        // was a second copy (10 MB for a large list), and the intake reads the body where it lies (ReceivedBody).
        main.configure().withStreamCachingDenyClasses("io.vertx.core.buffer.Buffer");
        // Camel's own route statistics (exchanges, failures, processing times) feed the console's routes page.
        main.configure().withJmxEnabled(true);
        main.configure().withJmxManagementNamePattern("#name#-#counter#");
        // Per route only, which is what the console shows: per-processor statistics cost every exchange at every step.
        main.configure().withJmxManagementStatisticsLevel(ManagementStatisticsLevel.RoutesOnly);
        // The gateway's own HTTP server (its limits and strict framing on every connection) in place of Camel Main's.
        main.configure().httpServer().withEnabled(false);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                try {
                    configured.getCamelContext().addService(http.server(), true, true);
                    configured
                            .getCamelContext()
                            .addService(
                                    configured
                                            .getCamelContext()
                                            .getRegistry()
                                            .lookupByNameAndType("securityEvents", SecurityEvents.class),
                                    true,
                                    true);
                } catch (Exception e) {
                    throw new GatewayException(
                            GatewayError.CONFIGURATION_INVALID,
                            "the HTTP server cannot be set up: " + e.getMessage(),
                            e);
                }
            }
        });
        return main;
    }

    /** A bad setting a configuration class found says so itself; anything else is that the gateway cannot start. */
    private static GatewayException configurationError(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof GatewayException refused && refused.error() == GatewayError.CONFIGURATION_INVALID) {
                return refused;
            }
        }
        return new GatewayException(
                GatewayError.CONFIGURATION_INVALID, "the gateway cannot start: " + e.getMessage(), e);
    }

    /**
     * The HTTP server reports a port already in use only in its log, after the gateway has said it listens:
     * checked first, so that a second gateway on the same port refuses to start.
     */
    private static void requireFreePort(int port) {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket probe = new ServerSocket()) {
            // as the server binds: a connection of a stopped gateway in TIME_WAIT does not count
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "port " + port + " (gateway.http.port) is in use: "
                            + "another gateway or another program listens on it (" + e.getMessage() + ")");
        }
    }

    /** The gateway's own key (see {@link SignatureConfiguration#signingKey}); kept here for the offline commands. */
    public static GatewaySigningKey signingKey(GatewaySettings settings) {
        return SignatureConfiguration.signingKey(settings);
    }

    /** Who time-stamps the evidence seals (see {@link EvidenceConfiguration#evidenceTimeStamper}). */
    public static TimeStamper evidenceTimeStamper(GatewaySettings settings, Clock clock) {
        return EvidenceConfiguration.evidenceTimeStamper(settings, clock);
    }

    /** The signature containers by type (see {@link SignatureConfiguration#signatureContainers(GatewaySettings)}). */
    public static Map<ContainerType, SignatureContainer> signatureContainers(GatewaySettings settings) {
        return SignatureConfiguration.signatureContainers(settings);
    }

    /** The signing-time window (see {@link SignatureConfiguration#signingTimePolicy(GatewaySettings, Clock)}). */
    public static SigningTimePolicy signingTimePolicy(GatewaySettings settings, Clock clock) {
        return SignatureConfiguration.signingTimePolicy(settings, clock);
    }

    /** The gateway-wide algorithm policy (see {@link SignatureConfiguration#algorithmPolicy(GatewaySettings)}). */
    public static AlgorithmPolicy algorithmPolicy(GatewaySettings settings) {
        return SignatureConfiguration.algorithmPolicy(settings);
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public GatewaySettings settings() {
        return settings;
    }

    /** The partner registry in force now (partner files are reloaded while the gateway runs). */
    public PartnerRegistry partners() {
        return partners.partners().registry();
    }

    /** Looks at the partners and routes directories every interval and applies what changed. */
    private void watchConfiguration(RouteFileReload routes, Duration interval) {
        this.routeReload = routes;
        configurationWatch.scheduleWithFixedDelay(
                this::reloadConfiguration, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Applies what changed in the partners and routes directories now, without waiting for the interval. */
    public void reloadConfiguration() {
        try {
            partners.partners().checkForChanges();
            if (routeReload != null) {
                routeReload.checkForChanges();
            }
        } catch (RuntimeException e) {
            LOG.error("Configuration reload failed; the configuration in force stays", e);
        }
    }

    /** The intake's gate: a stop drains it first. */
    public IntakeGate intakeGate() {
        return intake.madeGate();
    }

    /** The AS4 messages received (duplicate elimination, signed requests) and the signals answered. */
    public As4Messages as4Messages() {
        return evidence.madeAs4Messages();
    }

    public int httpPort() {
        return settings.getInt("gateway.http.port");
    }

    /** Drains the intake, stops the routes, then closes the broker and the database. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("CBEC Gateway stopping: new messages are answered 503 OVERLOADED while those in flight finish");
        configurationWatch.shutdownNow();
        IntakeGate gate = intake.madeGate();
        if (gate != null) {
            int unfinished = gate.drain(settings.getDuration("gateway.shutdown.drain-timeout"));
            if (unfinished > 0) {
                LOG.warn(
                        "{} inbound message(s) still in flight after the drain timeout; they get no 202 and their partners send again",
                        unfinished);
            }
        }
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly", e);
        }
        // The gate samples the forward backlog from the database every second: stopped before the database closes,
        // it cannot log a failed sample on the way out.
        if (gate != null) {
            gate.close();
        }
        infrastructure.close();
        LOG.info("CBEC Gateway stopped");
    }
}
