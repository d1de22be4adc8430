package org.cbec.gateway.config;

import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
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
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.DemoTimeStamper;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.EvidenceChain;
import org.cbec.gateway.evidence.HttpTimeStamper;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.evidence.PartnerTraffic;
import org.cbec.gateway.evidence.TimeStamper;
import org.cbec.gateway.evidence.TrustedTime;
import org.cbec.gateway.forward.DeadLetters;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.forward.ForwardQueueComponent;
import org.cbec.gateway.forward.MessageReplay;
import org.cbec.gateway.forward.NationalDelivery;
import org.cbec.gateway.forward.RecordDispatch;
import org.cbec.gateway.forward.RecordQueue;
import org.cbec.gateway.http.BodyCeiling;
import org.cbec.gateway.http.GatewayHttpServer;
import org.cbec.gateway.http.HttpAnswerWriter;
import org.cbec.gateway.http.HttpLimits;
import org.cbec.gateway.intake.ContainerType;
import org.cbec.gateway.intake.InboundHttp;
import org.cbec.gateway.intake.InboundIntake;
import org.cbec.gateway.intake.IntakeGate;
import org.cbec.gateway.intake.SoapExchange;
import org.cbec.gateway.monitor.Alerts;
import org.cbec.gateway.monitor.GatewayHealth;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.monitor.MessageTracking;
import org.cbec.gateway.monitor.Sampled;
import org.cbec.gateway.monitor.WatchedCertificate;
import org.cbec.gateway.outbound.CmsHttpsTransport;
import org.cbec.gateway.outbound.OutboundDelivery;
import org.cbec.gateway.outbound.OutboundIntake;
import org.cbec.gateway.outbound.OutboundStatus;
import org.cbec.gateway.outbound.OutboundTransport;
import org.cbec.gateway.partner.AlgorithmPolicy;
import org.cbec.gateway.partner.LivePartners;
import org.cbec.gateway.partner.PartnerRegistry;
import org.cbec.gateway.recognition.AeoRegistry;
import org.cbec.gateway.signature.CmsSignedDataVerifier;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.FailClosedContainer;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SigningTimePolicy;
import org.cbec.gateway.signature.TimeStampAuthorities;
import org.cbec.gateway.signature.jws.JwsVerifier;
import org.cbec.gateway.signature.revocation.RevocationChecker;
import org.cbec.gateway.signature.revocation.RevocationSettings;
import org.cbec.gateway.signature.smime.SmimeDetachedVerifier;
import org.cbec.gateway.signature.soap.WsSecurityResponseSigner;
import org.cbec.gateway.signature.soap.WsSecurityVerifier;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.cbec.gateway.simulator.NationalSystemSimulator;
import org.cbec.gateway.translate.Translators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The wiring of one gateway process, in one place: database, broker, partner registry, the beans the
 * routes call, and Camel Main on the YAML routes. Start it, and close it to stop in the right order
 * (routes first, then the broker and the database they use).
 */
public final class GatewayRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);
    /** Accepted messages this instance appended and the projection has not archived yet; past it, OVERLOADED. */
    private static final int ACCEPT_LOG_MAX_IN_FLIGHT = 20_000;

    private final GatewaySettings settings;
    private final Main main;
    private final Database database;
    private final MessageBroker broker;
    private final CachingConnectionFactory connectionFactory;
    private final LivePartners partners;
    private volatile RouteFileReload routeReload;
    private final ScheduledExecutorService configurationWatch = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "configuration-reload");
        thread.setDaemon(true);
        return thread;
    });
    private final IntakeGate gate;
    private boolean closed;
    private org.cbec.gateway.evidence.As4Messages as4Messages;

    private GatewayRuntime(
            GatewaySettings settings,
            Main main,
            Database database,
            MessageBroker broker,
            CachingConnectionFactory connectionFactory,
            LivePartners partners,
            IntakeGate gate) {
        this.settings = settings;
        this.main = main;
        this.database = database;
        this.broker = broker;
        this.connectionFactory = connectionFactory;
        this.partners = partners;
        this.gate = gate;
    }

    /** Starts the gateway and returns once every route runs; throws with a clear message on bad configuration. */
    public static GatewayRuntime start(GatewaySettings settings) {
        return start(settings, Translators.standard());
    }

    /** The same with other translators: how a test shows that a mapping fix reaches the national systems on replay. */
    public static GatewayRuntime start(GatewaySettings settings, Translators translators) {
        Clock clock = Clock.systemUTC();
        Path dataDir = settings.getPath("gateway.data.dir");
        Path routesDir = settings.getPath("gateway.routes.dir");
        int port = settings.getInt("gateway.http.port");
        requireFreePort(port);
        long maxBytes = settings.getLong("gateway.inbound.max-bytes");
        int httpWorkers = settings.getInt("gateway.http.worker-threads");
        if (httpWorkers < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.http.worker-threads must be at least 1, not " + httpWorkers);
        }
        // Checked before anything starts: a bad value must not leave a database or broker open.
        HttpLimits httpLimits = new HttpLimits(
                settings.getDuration("gateway.http.idle-timeout"),
                settings.getDuration("gateway.http.header-timeout"),
                settings.getDuration("gateway.http.body-timeout"),
                settings.getInt("gateway.http.max-header-bytes"),
                settings.getInt("gateway.http.max-request-line-bytes"),
                settings.getInt("gateway.http.max-connections"));
        IntakeGate.Limits intakeLimits = new IntakeGate.Limits(
                settings.getLong("gateway.inbound.max-backlog"),
                settings.getDuration("gateway.inbound.max-wait"),
                settings.getLong("gateway.inbound.large-body-bytes"),
                settings.getInt("gateway.inbound.large-bodies-at-once"));
        if (!Files.isDirectory(routesDir)) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "routes directory " + routesDir.toAbsolutePath() + " does not exist (setting gateway.routes.dir)");
        }
        ConfigurationChanges configurationChanges = new ConfigurationChanges(clock);
        LivePartners partners = new LivePartners(settings.getPath("gateway.partners.dir"), configurationChanges);
        LOG.info(
                "Partners: {}",
                partners.registry().all().stream()
                        .map(p -> p.id() + (p.enabled() ? "" : " (disabled)"))
                        .toList());
        OperatorUsers users = OperatorUsers.load(settings.getPath("gateway.console.users-file"));
        users.useHashingThreads(
                settings.getInt("gateway.console.login.hash-threads"),
                settings.getInt("gateway.console.login.hash-queue"));
        if (users.demo()) {
            LOG.warn(
                    "The console's users are the DEMO users of {} with published passwords: replace the file (setting "
                            + "gateway.console.users-file) for real use",
                    settings.getPath("gateway.console.users-file"));
        }
        createDirectories(dataDir);

        Database database = Database.open(
                settings.get("gateway.db.url", ""),
                settings.get("gateway.db.user", ""),
                settings.get("gateway.db.password", ""),
                dataDir);
        MessageBroker broker;
        try {
            broker = MessageBroker.start(
                    settings.get("gateway.broker.url", ""),
                    settings.get("gateway.broker.user", ""),
                    settings.get("gateway.broker.password", ""),
                    dataDir,
                    settings.getLong("gateway.broker.queue-memory-bytes"));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        CachingConnectionFactory connectionFactory = new CachingConnectionFactory(broker.connectionFactory());
        connectionFactory.setSessionCacheSize(64);

        EvidenceArchive archive = new EvidenceArchive(database.dataSource(), database.writer());
        AcceptLog acceptLog = new AcceptLog(broker.connectionFactory(), ACCEPT_LOG_MAX_IN_FLIGHT);
        archive.answerForInFlight(acceptLog);
        Duration retention = settings.get("gateway.evidence.retention", "").isBlank()
                ? null
                : settings.getDuration("gateway.evidence.retention");
        if (database.segments() != null) {
            archive.keepBodiesIn(database.segments());
        }
        archive.retainFor(retention);
        CmsSigner receiptSigner = new CmsSigner(signingKey(settings), clock);
        AeoRegistry registry = new AeoRegistry(database.dataSource());
        DeliveryLedger ledger = new DeliveryLedger(database.dataSource(), database.writer(), clock);
        Map<ContainerType, SignatureContainer> containers = signatureContainers(settings);
        GatewayMetrics metrics = new GatewayMetrics(clock);
        metrics.watchAcceptLog(acceptLog::inFlightCount);
        database.writer().observe(metrics.databaseWriter());
        InboundIntake intake = new InboundIntake(
                partners,
                containers,
                signingTimePolicy(settings, clock),
                algorithmPolicy(settings),
                revocationChecker(settings, clock),
                translators,
                archive,
                new MessageIds(clock),
                clock,
                maxBytes,
                receiptSigner,
                registry,
                metrics,
                // Log-first only where one process is the arbiter of duplicates (the embedded database): instances
                // sharing an
                // external database agree on a document accepted at the same moment by its unique row, archived before
                // the 202.
                database.embedded() ? acceptLog : null);

        TimeStamper timeStamper = evidenceTimeStamper(settings, clock);
        TrustedTime trustedTime = new TrustedTime(clock, settings.getDuration("gateway.evidence.tsa.max-outage"));
        intake.refuseWithoutTrustedTime(trustedTime);
        Map<String, Supplier<String>> healthProbes = new LinkedHashMap<>();
        healthProbes.put("evidence time-stamping", () -> trustedTime.available() ? null : trustedTime.problem());
        healthProbes.put("broker", broker::problem);
        healthProbes.put("database", () -> databaseProblem(database));

        Main main = new Main();
        main.setOverrideProperties(camelProperties(settings, port));
        main.configure().withRoutesIncludePattern("file:" + routesDir.toAbsolutePath() + "/*.camel.yaml");
        main.configure().withName("cbec-gateway");
        // A request body stays the HTTP server's buffer, which can be read any number of times: as a stream cache it
        // was a second copy (10 MB for a large list), and the intake reads the body where it lies (ReceivedBody).
        main.configure().withStreamCachingDenyClasses("io.vertx.core.buffer.Buffer");
        // Camel's own route statistics (exchanges, failures, processing times) feed the console's routes page.
        main.configure().withJmxEnabled(true);
        main.configure().withJmxManagementNamePattern("#name#-#counter#");
        // Per route only, which is what the console shows: per-processor statistics cost every exchange at every step.
        main.configure().withJmxManagementStatisticsLevel(org.apache.camel.ManagementStatisticsLevel.RoutesOnly);
        // The gateway's own HTTP server (its limits and strict framing on every connection) in place of Camel Main's.
        main.configure().httpServer().withEnabled(false);
        VertxPlatformHttpServerConfiguration httpConfiguration = new VertxPlatformHttpServerConfiguration();
        httpConfiguration.setBindPort(port);
        // Vert.x refuses bodies past this hard ceiling itself; up to it the gateway answers PAYLOAD_TOO_LARGE with
        // evidence.
        httpConfiguration.setMaxBodySize(BodyCeiling.forLimit(maxBytes));
        java.util.Optional<org.cbec.gateway.http.TransportSecurity> tls = org.cbec.gateway.http.TransportSecurity.of(
                settings.get("gateway.tls.keystore", ""),
                settings.get("gateway.tls.keystore-password", ""),
                settings.get("gateway.tls.client-auth", "none"),
                partners::registry);
        if (tls.isEmpty()) {
            LOG.warn(
                    "Port {} serves PLAIN HTTP: set gateway.tls.keystore (and GATEWAY_TLS_KEYSTORE_PASSWORD) to serve HTTPS only",
                    port);
        } else {
            LOG.info(
                    "Port {} serves HTTPS only (TLS 1.2 and 1.3), client certificates: {}",
                    port,
                    tls.get().clientAuth());
        }
        GatewayHttpServer httpServer = new GatewayHttpServer(httpConfiguration, httpLimits, tls);
        SecurityEvents securityEvents = new SecurityEvents(database.dataSource(), clock);
        httpServer.recordRefusalsIn(securityEvents::httpRefused);
        metrics.watchConnections(httpServer::openConnections, httpServer::refusedConnections);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                try {
                    configured.getCamelContext().addService(httpServer, true, true);
                    configured.getCamelContext().addService(securityEvents, true, true);
                } catch (Exception e) {
                    throw new GatewayException(
                            GatewayError.CONFIGURATION_INVALID,
                            "the HTTP server cannot be set up: " + e.getMessage(),
                            e);
                }
            }
        });
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(connectionFactory);
        // Transacted routes use the JMS session's own transaction, with no transaction manager: the listener's
        // session is then the one the route's sends go into, so taking a message off a queue and queueing what
        // comes of it commit together. (With the transaction manager Camel creates by default, a cached consumer
        // session committed its acknowledgement before the manager's session committed the sends: a kill -9
        // between the two lost the sends. Seen in TwoInstancesIT.)
        jms.getConfiguration().setLazyCreateTransactionManager(false);
        main.bind("jms", jms);
        // The HTTP server's workers run each request through the intake; a request spends most of its time waiting
        // (for its group commit, for the broker's journal), so many more workers than cores keep the cores busy and
        // the group commits large. Vert.x's default, 20, held the intake to ~300 mixed messages/s on 2 cores.
        main.bind("vertxOptions", new VertxOptions().setWorkerPoolSize(httpWorkers));
        IntakeGate gate = new IntakeGate(intakeLimits, clock, ledger::backlog, metrics::shed);
        main.bind("intakeGate", gate);
        // Read at most once a second, however many scrapes, alert evaluations and console views ask.
        java.util.function.LongSupplier deadLetters =
                Sampled.atMostOncePerSecond("the dead letters", ledger::deadLetterCount);
        PartnerTraffic traffic = new PartnerTraffic(database.dataSource());
        Alerts alerts =
                bindMonitoring(main, settings, clock, metrics, gate, deadLetters, partners, receiptSigner, traffic);
        main.bind("inboundHttp", new InboundHttp(intake));
        main.bind("soapExchange", new SoapExchange(intake, new WsSecurityResponseSigner(receiptSigner.signingKey())));
        org.cbec.gateway.evidence.As4Messages as4Messages =
                new org.cbec.gateway.evidence.As4Messages(database.dataSource());
        main.bind(
                "as4Inbound",
                new org.cbec.gateway.intake.As4Inbound(
                        intake,
                        new org.cbec.gateway.signature.as4.As4SecurityVerifier(receiptSigner.signingKey(), maxBytes),
                        new org.cbec.gateway.signature.as4.As4Signals(
                                receiptSigner.signingKey(), settings.get("gateway.as4.party-id", "CBEC-GATEWAY")),
                        as4Messages,
                        new MessageIds(clock),
                        metrics,
                        clock,
                        as4Settings(settings),
                        maxBytes));
        main.bind("httpAnswer", new HttpAnswerWriter());
        // The REST DSL's component (routes/rest-api.camel.yaml): platform-http on the same server, media types as
        // documentation.
        main.bind("gateway-rest", new org.cbec.gateway.http.GatewayRestComponent());
        main.bind("publishedSchemas", new org.cbec.gateway.http.api.PublishedSchemas());
        main.bind(
                "recordDispatch",
                new RecordDispatch(
                                ledger,
                                archive,
                                database.writer(),
                                acceptLog,
                                clock,
                                Duration.ofMinutes(2),
                                broker.embedded())
                        .observedBy(metrics));
        main.bind("evidenceArchive", archive);
        main.bind("recordQueue", new RecordQueue(broker.connectionFactory()));
        main.bind("forward-queue", new ForwardQueueComponent(broker.connectionFactory()));
        // The accept log's projection takes its entries the same way: several at once, in one JMS transaction.
        main.bind("accept-log", new ForwardQueueComponent(broker.connectionFactory()));
        java.net.http.HttpClient nationalHttp = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.getDuration("gateway.forward.timeout"))
                .build();
        NationalSystemSimulator simulator = new NationalSystemSimulator(clock, securityEvents);
        main.bind(
                "aeoDelivery",
                new NationalDelivery(
                        ledger,
                        registry,
                        metrics,
                        nationalHttp,
                        nationalTarget(settings, port, "aeo", "aeo", simulator.forwarderHeaders())));
        main.bind(
                "shipmentDelivery",
                new NationalDelivery(
                        ledger,
                        registry,
                        metrics,
                        nationalHttp,
                        nationalTarget(settings, port, "shipment", "shipments", simulator.forwarderHeaders())));
        bindOutbound(main, settings, clock, partners, archive, ledger, database, receiptSigner, metrics, maxBytes);
        main.bind("messageTracking", new MessageTracking(archive, ledger));
        main.bind("deadLetters", new DeadLetters(ledger));
        main.bind(
                "messageReplay",
                new MessageReplay(
                        archive,
                        containers,
                        translators,
                        registry,
                        ledger,
                        partnerId -> partners.registry()
                                .byId(partnerId)
                                .map(org.cbec.gateway.partner.Partner::agreement)
                                .orElse(null)));
        main.bind("gatewayHealth", new GatewayHealth(healthProbes));
        main.bind("nationalSimulator", simulator);
        main.bind(
                "evidenceChain",
                new EvidenceChain(database.dataSource(), receiptSigner, clock, timeStamper, trustedTime));
        LoginThrottle throttle = new LoginThrottle(
                new LoginThrottle.Limits(
                        settings.getInt("gateway.console.login.max-failures-per-user"),
                        settings.getInt("gateway.console.login.max-failures-per-address"),
                        settings.getDuration("gateway.console.login.lockout")),
                clock);
        main.bind(
                "operatorAccess",
                new OperatorAccess(
                        users,
                        new OperatorSessions(settings.getDuration("gateway.console.session-timeout"), clock),
                        throttle,
                        settings.getSet("gateway.http.trusted-proxies"),
                        securityEvents));
        main.bind("securityEvents", securityEvents);
        main.bind("consoleAssets", new ConsoleAssets());
        main.bind("partnerActivity", new PartnerActivity(partners::registry, traffic, clock));
        main.bind("routeStatistics", new RouteStatistics(main::getCamelContext));
        main.bind(
                "gatewayOverview",
                new GatewayOverview(
                        traffic,
                        gate::lastBacklog,
                        deadLetters,
                        acceptLog::inFlightCount,
                        metrics::deliveredRecords,
                        () -> alerts.active().stream()
                                .map(a -> Map.of(
                                        "alert",
                                        a.alert(),
                                        "subject",
                                        a.subject(),
                                        "detail",
                                        a.detail(),
                                        "since",
                                        a.since().toString()))
                                .toList(),
                        configurationChanges,
                        clock));

        GatewayRuntime runtime =
                new GatewayRuntime(settings, main, database, broker, connectionFactory, partners, gate);
        runtime.as4Messages = as4Messages;
        try {
            main.start();
            BodyCeiling.answerPastTheCeiling(main.getCamelContext(), port, maxBytes);
        } catch (Exception e) {
            runtime.close();
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "the gateway cannot start: " + e.getMessage(), e);
        }
        runtime.watchConfiguration(
                new RouteFileReload(main.getCamelContext(), routesDir, configurationChanges),
                settings.getDuration("gateway.reload.interval"));
        if (simulatorOn(settings)) {
            LOG.warn(
                    "The built-in national-system SIMULATOR runs at /national-sim/ on port {}: it takes records from this gateway's own forwarder only and keeps "
                            + "what it receives in memory for operators to read; set gateway.national.*.url and gateway.national.simulator.enabled"
                            + "=auto or false for real use",
                    port);
        }
        LOG.info(
                "CBEC Gateway listening on port {} (data in {}, {} broker, {} database)",
                port,
                dataDir.toAbsolutePath(),
                broker.embedded() ? "embedded" : "external",
                database.embedded() ? "embedded" : "external");
        return runtime;
    }

    /**
     * GET /metrics and the alerts: Camel's route metrics (a route policy found in the registry) and the
     * gateway's meters share one Prometheus registry; the backlog gauge reuses the intake gate's sample.
     */
    private static Alerts bindMonitoring(
            Main main,
            GatewaySettings settings,
            Clock clock,
            GatewayMetrics metrics,
            IntakeGate gate,
            java.util.function.LongSupplier deadLetters,
            LivePartners partners,
            CmsSigner receiptSigner,
            PartnerTraffic traffic) {
        Supplier<List<WatchedCertificate>> certificates = () -> WatchedCertificate.of(
                partners.registry(), receiptSigner.signingKey().certificate());
        metrics.watch(gate::lastBacklog, deadLetters, certificates);
        main.bind("gatewayMetrics", metrics);
        main.bind("gatewayRoutePolicy", metrics.routePolicyFactory());
        Alerts.Settings alertSettings = new Alerts.Settings(
                settings.getLong("gateway.alerts.certificate-expiry-days"),
                settings.getLong("gateway.alerts.dead-letters"),
                settings.getDouble("gateway.alerts.refusal-rate"),
                settings.getDuration("gateway.alerts.window"),
                settings.getLong("gateway.alerts.min-messages"));
        Alerts alerts =
                new Alerts(alertSettings, clock, partners::registry, certificates, deadLetters, traffic, metrics);
        main.bind("alerts", alerts);
        main.bind(
                "chartHistory",
                new org.cbec.gateway.console.ChartHistory(
                        metrics.registry(),
                        gate::lastBacklog,
                        deadLetters,
                        certificates,
                        clock,
                        settings.getDuration("gateway.console.chart-step")));
        return alerts;
    }

    /**
     * The outbound direction (CONTRACT.md §8): national data to partners over their transports, {@code cms-https} and
     * {@code as4} (the inbound AS4 side's writer and verifier, as a sender).
     */
    private static void bindOutbound(
            Main main,
            GatewaySettings settings,
            Clock clock,
            LivePartners partners,
            EvidenceArchive archive,
            DeliveryLedger ledger,
            Database database,
            CmsSigner signer,
            GatewayMetrics metrics,
            long maxBytes) {
        Duration timeout = settings.getDuration("gateway.forward.timeout");
        Map<String, OutboundTransport> transports = new LinkedHashMap<>();
        javax.net.ssl.SSLContext tls = outboundTls(settings);
        CmsHttpsTransport cmsHttps = new CmsHttpsTransport(tls, timeout);
        transports.put(cmsHttps.name(), cmsHttps);
        org.cbec.gateway.outbound.As4Transport as4 = new org.cbec.gateway.outbound.As4Transport(
                new org.cbec.gateway.signature.as4.As4UserMessageWriter(signer.signingKey()),
                new org.cbec.gateway.signature.as4.As4SecurityVerifier(signer.signingKey(), maxBytes),
                new org.cbec.gateway.outbound.As4Transport.Identity(
                        settings.get("gateway.as4.party-id", "CBEC-GATEWAY"),
                        settings.get(
                                "gateway.as4.party-id-type", org.cbec.gateway.partner.Partner.As4Party.UNREGISTERED),
                        settings.get("gateway.as4.service", "urn:cbec:gateway:exchange")),
                tls,
                timeout,
                clock);
        transports.put(as4.name(), as4);
        OutboundStatus status = new OutboundStatus(database.dataSource());
        String country = settings.get("gateway.country", "DE").trim();
        if (!java.util.Set.of(java.util.Locale.getISOCountries()).contains(country)) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.country must be an ISO 3166-1 alpha-2 code, not '" + country + "'");
        }
        main.bind("outboundStatus", status);
        metrics.watchOutbound(status::byPartner);
        main.bind(
                "outboundIntake",
                new OutboundIntake(
                        partners::registry,
                        archive,
                        ledger,
                        signer,
                        new MessageIds(clock),
                        clock,
                        transports,
                        settings.get("gateway.as4.party-id", "CBEC-GATEWAY"),
                        country,
                        maxBytes));
        main.bind(
                "outboundDelivery",
                new OutboundDelivery(
                        ledger,
                        archive,
                        database.writer(),
                        partners::registry,
                        transports,
                        new OutboundDelivery.Retries(
                                settings.getInt("gateway.forward.max-attempts"),
                                settings.getDuration("gateway.forward.initial-delay"),
                                settings.getDuration("gateway.forward.max-delay")),
                        clock,
                        status));
    }

    /** Trust for partners' HTTPS servers: the PEM CA certificates of {@code gateway.outbound.tls-anchors}, or the JDK's own. */
    private static javax.net.ssl.SSLContext outboundTls(GatewaySettings settings) {
        List<String> files = java.util.Arrays.stream(
                        settings.get("gateway.outbound.tls-anchors", "").split(","))
                .map(String::trim)
                .filter(path -> !path.isEmpty())
                .toList();
        try {
            if (files.isEmpty()) {
                return javax.net.ssl.SSLContext.getDefault();
            }
            java.security.KeyStore anchors = java.security.KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int n = 0;
            for (String file : files) {
                try (var in = Files.newInputStream(Path.of(file))) {
                    for (var certificate : java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificates(in)) {
                        anchors.setCertificateEntry("anchor-" + n++, certificate);
                    }
                }
            }
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.outbound.tls-anchors cannot be read: " + e.getMessage(),
                    e);
        }
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
            probe.setReuseAddress(
                    true); // as the server binds: a connection of a stopped gateway in TIME_WAIT does not count
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "port " + port + " (gateway.http.port) is in use: "
                            + "another gateway or another program listens on it (" + e.getMessage() + ")");
        }
    }

    /** The gateway's own key; the demo keystore opens with its published demo password when none is given. */
    public static GatewaySigningKey signingKey(GatewaySettings settings) {
        Path keystore = settings.getPath("gateway.keystore.path");
        String password = System.getenv().getOrDefault("GATEWAY_KEYSTORE_PASSWORD", "");
        if (password.isEmpty() && keystore.normalize().endsWith(Path.of("certs-example", "gateway", "gateway.p12"))) {
            LOG.warn(
                    "Signing receipts with the DEMO keystore {} and its published password: set gateway.keystore.path and "
                            + "GATEWAY_KEYSTORE_PASSWORD for real use",
                    keystore);
            password = "demo-only";
        }
        return GatewaySigningKey.load(keystore, password.toCharArray());
    }

    /**
     * Who time-stamps the evidence seals: the RFC 3161 TSA of {@code gateway.evidence.tsa.url}, or, when it is empty, the
     * built-in DEMO TSA on the demo key of {@code gateway.evidence.tsa.demo-keystore}, which the log says.
     */
    public static TimeStamper evidenceTimeStamper(GatewaySettings settings, Clock clock) {
        String url = settings.get("gateway.evidence.tsa.url", "").trim();
        if (!url.isEmpty()) {
            try {
                List<java.security.cert.X509Certificate> pinned = new java.util.ArrayList<>();
                for (String file :
                        settings.get("gateway.evidence.tsa.certificates", "").split(",")) {
                    if (!file.isBlank()) {
                        pinned.addAll(org.cbec.gateway.evidence.EvidenceBundleVerifier.readCertificates(
                                Path.of(file.trim())));
                    }
                }
                return new HttpTimeStamper(
                        java.net.URI.create(url), settings.getDuration("gateway.evidence.tsa.timeout"), pinned);
            } catch (IllegalArgumentException e) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "gateway.evidence.tsa.url is not a URL: " + e.getMessage(),
                        e);
            }
        }
        Path keystore = settings.getPath("gateway.evidence.tsa.demo-keystore");
        LOG.warn(
                "Evidence seals are time-stamped by the built-in DEMO TSA with the published demo key {}: its tokens prove nothing "
                        + "to anyone else; set gateway.evidence.tsa.url to a real RFC 3161 TSA for real use",
                keystore);
        return new DemoTimeStamper(GatewaySigningKey.load(keystore, "demo-only".toCharArray()), clock);
    }

    private static RevocationChecker revocationChecker(GatewaySettings settings, Clock clock) {
        Duration timeout = settings.getDuration("gateway.revocation.network-timeout");
        // HTTP/1.1: simple responders (openssl ocsp, CRL file servers) do not answer an h2c upgrade.
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                .build();
        return new RevocationChecker(http, clock, RevocationSettings.withNetworkTimeout(timeout));
    }

    /** The signature containers the intake opens, by type: the gateway's and the offline {@code verify} command's alike. */
    public static Map<ContainerType, SignatureContainer> signatureContainers(GatewaySettings settings) {
        Map<ContainerType, SignatureContainer> containers = new EnumMap<>(ContainerType.class);
        containers.put(ContainerType.CMS, new CmsSignedDataVerifier());
        containers.put(ContainerType.SMIME_DETACHED, new SmimeDetachedVerifier());
        containers.put(ContainerType.JWS, new JwsVerifier());
        containers.put(ContainerType.XMLDSIG, new XmlSignatureVerifier());
        containers.put(
                ContainerType.SOAP,
                new WsSecurityVerifier(
                        (int) settings.getDuration("gateway.inbound.max-clock-skew")
                                        .toSeconds()
                                + 300,
                        (int) settings.getDuration("gateway.inbound.max-clock-skew")
                                .toSeconds()));
        // whatever a parser throws that is not an exception (StackOverflowError) is a refusal with evidence, not a bare
        // 500
        containers.replaceAll((type, container) -> new FailClosedContainer(container));
        return containers;
    }

    /**
     * The signing-time window of {@code gateway.inbound.max-age} and {@code gateway.inbound.max-clock-skew}, and the
     * TSAs of {@code gateway.inbound.tsa-anchors} whose time-stamp tokens say when a signer's chain is judged.
     */
    public static SigningTimePolicy signingTimePolicy(GatewaySettings settings, Clock clock) {
        // Absent from a configuration written before it: no TSA is trusted.
        List<java.nio.file.Path> tsaAnchors = java.util.Arrays.stream(
                        settings.get("gateway.inbound.tsa-anchors", "").split(","))
                .filter(path -> !path.isBlank())
                .map(path -> java.nio.file.Path.of(path.trim()))
                .toList();
        return new SigningTimePolicy(
                clock,
                settings.getDuration("gateway.inbound.max-age"),
                settings.getDuration("gateway.inbound.max-clock-skew"),
                TimeStampAuthorities.load("gateway.inbound.tsa-anchors", tsaAnchors));
    }

    /** The gateway's AS4 party and the Service/Action of business documents (CONTRACT.md §6). */
    private static org.cbec.gateway.intake.As4Inbound.Settings as4Settings(GatewaySettings settings) {
        return new org.cbec.gateway.intake.As4Inbound.Settings(
                settings.get("gateway.as4.party-id", "CBEC-GATEWAY"),
                settings.get("gateway.as4.party-id-type", org.cbec.gateway.partner.Partner.As4Party.UNREGISTERED),
                settings.get("gateway.as4.service", "urn:cbec:gateway:exchange"),
                settings.get("gateway.as4.action", "Submit"));
    }

    /** The gateway-wide algorithm policy of the {@code gateway.signature.*} settings. */
    public static AlgorithmPolicy algorithmPolicy(GatewaySettings settings) {
        return new AlgorithmPolicy(
                settings.getSet("gateway.signature.digests"),
                settings.getSet("gateway.signature.schemes"),
                settings.getInt("gateway.signature.min-rsa-bits"),
                settings.getSet("gateway.signature.ec-curves"));
    }

    /** Settings for Camel's placeholders, with the values derived from them that the routes need. */
    private static Properties camelProperties(GatewaySettings settings, int port) {
        Properties properties = settings.asProperties();
        String simulator = "http://localhost:" + port + "/national-sim/";
        properties.setProperty("gateway.national.simulator.enabled", String.valueOf(simulatorOn(settings)));
        if (settings.get("gateway.national.aeo.url", "").isEmpty()) {
            properties.setProperty("gateway.national.aeo.url", simulator + "aeo");
        }
        if (settings.get("gateway.national.shipment.url", "").isEmpty()) {
            properties.setProperty("gateway.national.shipment.url", simulator + "shipments");
        }
        int attempts = settings.getInt("gateway.forward.max-attempts");
        if (attempts < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "setting gateway.forward.max-attempts must be at least 1");
        }
        properties.setProperty("gateway.forward.max-redeliveries", String.valueOf(attempts - 1));
        properties.setProperty(
                "gateway.forward.initial-delay-ms",
                String.valueOf(
                        settings.getDuration("gateway.forward.initial-delay").toMillis()));
        properties.setProperty(
                "gateway.evidence.chain-interval-ms",
                String.valueOf(
                        settings.getDuration("gateway.evidence.chain-interval").toMillis()));
        properties.setProperty(
                "gateway.evidence.seal-interval-ms",
                String.valueOf(
                        settings.getDuration("gateway.evidence.seal-interval").toMillis()));
        properties.setProperty(
                "gateway.alerts.interval-ms",
                String.valueOf(settings.getDuration("gateway.alerts.interval").toMillis()));
        properties.setProperty(
                "gateway.console.chart-step-ms",
                String.valueOf(
                        settings.getDuration("gateway.console.chart-step").toMillis()));
        properties.setProperty(
                "gateway.forward.max-delay-ms",
                String.valueOf(settings.getDuration("gateway.forward.max-delay").toMillis()));
        String timeout =
                String.valueOf(settings.getDuration("gateway.forward.timeout").toMillis());
        properties.setProperty("camel.component.http.connect-timeout", timeout);
        properties.setProperty("camel.component.http.response-timeout", timeout);
        // Retries are the forward error handler's alone, with its backoff and its count; HttpClient must not add its
        // own.
        properties.setProperty("camel.component.http.automatic-retries-disabled", "true");
        return properties;
    }

    /**
     * Where one national system's records go: {@code gateway.national.<key>.url} one at a time, or batches of up to
     * {@code gateway.national.<key>.batch} records to {@code gateway.national.<key>.batch-url}; with no URL, the
     * built-in simulator, which takes batches.
     */
    static NationalDelivery.Target nationalTarget(
            GatewaySettings settings,
            int port,
            String key,
            String simulatorPath,
            Map<String, String> simulatorHeaders) {
        String simulator = "http://localhost:" + port + "/national-sim/" + simulatorPath;
        String url = settings.get("gateway.national." + key + ".url", "");
        String batchUrl = settings.get("gateway.national." + key + ".batch-url", "");
        Map<String, String> headers = Map.of();
        if (url.isEmpty()) {
            url = simulator;
            headers = simulatorHeaders;
            if (batchUrl.isEmpty()) {
                batchUrl = simulator + "/batch";
            }
        }
        int batch = settings.getInt("gateway.national." + key + ".batch");
        if (batch < 1) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "setting gateway.national." + key + ".batch must be at least 1, not " + batch);
        }
        try {
            return new NationalDelivery.Target(
                    key,
                    java.net.URI.create(url),
                    batchUrl.isEmpty() || batch == 1 ? null : java.net.URI.create(batchUrl),
                    settings.getInt("gateway.forward.max-attempts"),
                    settings.getDuration("gateway.forward.initial-delay"),
                    settings.getDuration("gateway.forward.max-delay"),
                    settings.getDuration("gateway.forward.timeout"),
                    headers);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.national." + key + ".url or .batch-url is not a URL: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Whether the built-in national simulator runs: {@code auto} only while no national URL is set (the embedded demo),
     * so that it never runs beside a real national system unless {@code true} asks for it.
     */
    static boolean simulatorOn(GatewaySettings settings) {
        String enabled = settings.get("gateway.national.simulator.enabled", "auto")
                .trim()
                .toLowerCase(java.util.Locale.ROOT);
        boolean realUrl = !settings.get("gateway.national.aeo.url", "").isBlank()
                || !settings.get("gateway.national.shipment.url", "").isBlank();
        return switch (enabled) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> !realUrl;
            default ->
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "setting gateway.national.simulator.enabled must be auto, true or false, not '" + enabled
                                + "'");
        };
    }

    private static String databaseProblem(Database database) {
        try (var connection = database.dataSource().getConnection()) {
            return connection.isValid(2) ? null : "database connection is not valid";
        } catch (java.sql.SQLException e) {
            return "database unreachable: " + e.getMessage();
        }
    }

    private static void createDirectories(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "cannot create data directory " + dataDir.toAbsolutePath(), e);
        }
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public GatewaySettings settings() {
        return settings;
    }

    /** The partner registry in force now (partner files are reloaded while the gateway runs). */
    public PartnerRegistry partners() {
        return partners.registry();
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
            partners.checkForChanges();
            if (routeReload != null) {
                routeReload.checkForChanges();
            }
        } catch (RuntimeException e) {
            LOG.error("Configuration reload failed; the configuration in force stays", e);
        }
    }

    /** The intake's gate: a stop drains it first. */
    public IntakeGate intakeGate() {
        return gate;
    }

    /** The AS4 messages received (duplicate elimination, signed requests) and the signals answered. */
    public org.cbec.gateway.evidence.As4Messages as4Messages() {
        return as4Messages;
    }

    public int httpPort() {
        return settings.getInt("gateway.http.port");
    }

    /** Stops the routes, then the broker and the database. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("CBEC Gateway stopping: new messages are answered 503 OVERLOADED while those in flight finish");
        configurationWatch.shutdownNow();
        int unfinished = gate.drain(settings.getDuration("gateway.shutdown.drain-timeout"));
        if (unfinished > 0) {
            LOG.warn(
                    "{} inbound message(s) still in flight after the drain timeout; they get no 202 and their partners send again",
                    unfinished);
        }
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly", e);
        }
        // The gate samples the forward backlog from the database every second: stopped before the database closes,
        // it cannot log a failed sample on the way out.
        gate.close();
        connectionFactory.destroy();
        try {
            broker.close();
        } catch (RuntimeException e) {
            LOG.warn("The broker did not stop cleanly", e);
        }
        database.close();
        LOG.info("CBEC Gateway stopped");
    }
}
