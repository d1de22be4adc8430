package org.cbec.gateway.config;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.cbec.gateway.console.SecurityEvents;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.forward.DeadLetters;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.forward.ForwardQueueComponent;
import org.cbec.gateway.forward.MessageReplay;
import org.cbec.gateway.forward.NationalDelivery;
import org.cbec.gateway.forward.RecordDispatch;
import org.cbec.gateway.forward.RecordQueue;
import org.cbec.gateway.forward.Retries;
import org.cbec.gateway.intake.ContainerType;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.LivePartners;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.recognition.AeoRegistry;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.simulator.NationalSystemSimulator;
import org.cbec.gateway.translate.Translators;

/**
 * Forwarding to the national systems: the delivery ledger, the AEO registry the deliveries and the intake consult,
 * the projection of the accept log ({@code recordDispatch}), the forward queues, one delivery per national system
 * (routes/forward-national.camel.yaml), dead letters, replay and the built-in national-system simulator.
 */
@Configuration
public final class ForwardConfiguration extends SettingsConfiguration {
    private final int port;
    private final Once<HttpClient> nationalHttp = new Once<>();
    private final Once<DeliveryLedger> ledger = new Once<>();
    private final Once<AeoRegistry> registry = new Once<>();
    private final Once<NationalSystemSimulator> simulator = new Once<>();

    public ForwardConfiguration(GatewaySettings settings, Clock clock) {
        super(settings, clock);
        this.port = settings.getInt("gateway.http.port");
    }

    @BindToRegistry("deliveryLedger")
    public DeliveryLedger deliveryLedger(Database database) {
        return ledger.get(() -> new DeliveryLedger(database, clock));
    }

    @BindToRegistry("aeoRegistry")
    public AeoRegistry aeoRegistry(Database database) {
        return registry.get(() -> new AeoRegistry(database.dataSource()));
    }

    /** The projection of the accept log into the archive, the ledger and the forward queues. */
    @BindToRegistry("recordDispatch")
    public RecordDispatch recordDispatch(
            EvidenceArchive archive,
            Database database,
            AcceptLog acceptLog,
            MessageBroker broker,
            GatewayMetrics metrics,
            RecordQueue recordQueue) {
        return new RecordDispatch(
                        deliveryLedger(database), archive, database.writer(), acceptLog, clock, broker.embedded())
                .observedBy(metrics)
                .queueingLargeListsWith(recordQueue);
    }

    @BindToRegistry("recordQueue")
    public RecordQueue recordQueue(MessageBroker broker) {
        return new RecordQueue(broker.connectionFactory());
    }

    @BindToRegistry("forward-queue")
    public ForwardQueueComponent forwardQueue(MessageBroker broker) {
        return new ForwardQueueComponent(broker.connectionFactory());
    }

    /** The accept log's projection takes its entries the same way: several at once, in one JMS transaction. */
    @BindToRegistry("accept-log")
    public ForwardQueueComponent acceptLogQueue(MessageBroker broker) {
        return new ForwardQueueComponent(broker.connectionFactory());
    }

    @BindToRegistry("aeoDelivery")
    public NationalDelivery aeoDelivery(Database database, GatewayMetrics metrics, SecurityEvents securityEvents) {
        return nationalDelivery("aeo", "aeo", database, metrics, securityEvents);
    }

    @BindToRegistry("shipmentDelivery")
    public NationalDelivery shipmentDelivery(Database database, GatewayMetrics metrics, SecurityEvents securityEvents) {
        return nationalDelivery("shipment", "shipments", database, metrics, securityEvents);
    }

    /** The two national systems are delivered to alike; only their settings key and simulator path differ. */
    private NationalDelivery nationalDelivery(
            String key,
            String simulatorPath,
            Database database,
            GatewayMetrics metrics,
            SecurityEvents securityEvents) {
        return new NationalDelivery(
                deliveryLedger(database),
                aeoRegistry(database),
                metrics,
                nationalTarget(
                        key, simulatorPath, nationalSimulator(securityEvents).forwarderHeaders()));
    }

    @BindToRegistry("deadLetters")
    public DeadLetters deadLetters(Database database) {
        return new DeadLetters(deliveryLedger(database));
    }

    /** Replays archived messages through today's translators (a mapping fix reaches the national systems). */
    @BindToRegistry("messageReplay")
    public MessageReplay messageReplay(
            EvidenceArchive archive,
            @BeanInject("signatureContainers") Map<ContainerType, SignatureContainer> containers,
            Translators translators,
            Database database,
            LivePartners partners) {
        return new MessageReplay(
                archive,
                containers,
                translators,
                aeoRegistry(database),
                deliveryLedger(database),
                partnerId -> partners.registry()
                        .byId(partnerId)
                        .map(Partner::agreement)
                        .orElse(null));
    }

    @BindToRegistry("nationalSimulator")
    public NationalSystemSimulator nationalSimulator(SecurityEvents securityEvents) {
        // One simulator, whose per-process token both deliveries send: a sibling method, so made once.
        return simulator.get(() -> new NationalSystemSimulator(clock, securityEvents));
    }

    /** One HTTP client for both national systems' deliveries. */
    private HttpClient nationalHttp() {
        return nationalHttp.get(() -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.getDuration("gateway.forward.timeout"))
                .build());
    }

    /**
     * Where one national system's records go: {@code gateway.national.<key>.url} one at a time, or batches of up to
     * {@code gateway.national.<key>.batch} records to {@code gateway.national.<key>.batch-url}; with no URL, the
     * built-in simulator, which takes batches.
     */
    NationalDelivery.Target nationalTarget(String key, String simulatorPath, Map<String, String> simulatorHeaders) {
        HttpClient http = nationalHttp();
        String simulator = "http://localhost:" + port + "/national-sim/" + simulatorPath;
        String url = settings.get("gateway.national." + key + ".url", "");
        String batchUrl = settings.get("gateway.national." + key + ".batch-url", "");
        Map<String, String> headers = Map.of();
        if (url.isEmpty()) {
            url = simulator;
            headers = simulatorHeaders; // the simulator takes records from this gateway's forwarder only
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
                    http,
                    URI.create(url),
                    batchUrl.isEmpty() || batch == 1 ? null : URI.create(batchUrl),
                    retries(settings),
                    settings.getDuration("gateway.forward.timeout"),
                    headers);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.national." + key + ".url or .batch-url is not a URL: " + e.getMessage(),
                    e);
        }
    }

    /** Attempts and backoff of every delivery, to national systems and to partners alike. */
    static Retries retries(GatewaySettings settings) {
        return new Retries(
                settings.getInt("gateway.forward.max-attempts"),
                settings.getDuration("gateway.forward.initial-delay"),
                settings.getDuration("gateway.forward.max-delay"));
    }
}
