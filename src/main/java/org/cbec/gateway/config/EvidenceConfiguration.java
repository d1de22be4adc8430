package org.cbec.gateway.config;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.As4Messages;
import org.cbec.gateway.evidence.DemoTimeStamper;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.EvidenceBundleVerifier;
import org.cbec.gateway.evidence.EvidenceChain;
import org.cbec.gateway.evidence.HttpTimeStamper;
import org.cbec.gateway.evidence.MessageRetention;
import org.cbec.gateway.evidence.PartnerTraffic;
import org.cbec.gateway.evidence.TimeStamper;
import org.cbec.gateway.evidence.TrustedTime;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evidence: the accept log (the one durable append a 202 waits for), the archive projected from it, the hash chain
 * and its time-stamped seals, the AS4 message store and the per-partner traffic counts.
 *
 * <p>As in every configuration class here, a bean never takes another bean of its own class as a parameter (Camel
 * does not order a class's bean methods by their dependencies): it calls that bean's method, which makes it once.
 */
@Configuration
public final class EvidenceConfiguration extends SettingsConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceConfiguration.class);
    /** Accepted messages this instance appended and the projection has not archived yet; past it, OVERLOADED. */
    private static final int ACCEPT_LOG_MAX_IN_FLIGHT = 20_000;

    private As4Messages as4Messages;
    private final Once<AcceptLog> acceptLog = new Once<>();
    private final Once<TimeStamper> timeStamper = new Once<>();
    private final Once<TrustedTime> trustedTime = new Once<>();

    public EvidenceConfiguration(GatewaySettings settings, Clock clock) {
        super(settings, clock);
    }

    @BindToRegistry("acceptLog")
    public AcceptLog acceptLog(MessageBroker broker) {
        return acceptLog.get(() -> new AcceptLog(broker.connectionFactory(), ACCEPT_LOG_MAX_IN_FLIGHT));
    }

    /** The archive, which answers for what the accept log holds in flight, keeps bodies in segments when it can. */
    @BindToRegistry("evidenceArchive")
    public EvidenceArchive evidenceArchive(Database database, MessageBroker broker) {
        EvidenceArchive archive = new EvidenceArchive(database.dataSource(), database.writer());
        archive.answerForInFlight(acceptLog(broker));
        Duration retention = optionalDuration("gateway.evidence.retention");
        if (database.segments() != null) {
            archive.keepBodiesIn(database.segments());
        }
        archive.retainFor(retention);
        return archive;
    }

    /**
     * Removes settled messages' rows older than {@code gateway.ledger.retention} (the {@code evidence-retention}
     * route). Their bytes must go first: rows removed before the bytes would leave bodies nothing can find.
     */
    @BindToRegistry("messageRetention")
    public MessageRetention messageRetention(Database database) {
        Duration bodies = optionalDuration("gateway.evidence.retention");
        Duration rows = optionalDuration("gateway.ledger.retention");
        if (rows != null && (rows.isNegative() || rows.isZero())) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "gateway.ledger.retention must be positive, not " + rows);
        }
        if (rows != null && (bodies == null || bodies.compareTo(rows) > 0)) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.ledger.retention (" + rows + ") needs gateway.evidence.retention set to at most the"
                            + " same period (it is " + (bodies == null ? "empty: for ever" : bodies) + "): a message's"
                            + " rows are what find its archived bytes");
        }
        return new MessageRetention(database.dataSource(), clock, rows);
    }

    private Duration optionalDuration(String key) {
        return settings.get(key, "").isBlank() ? null : settings.getDuration(key);
    }

    @BindToRegistry("timeStamper")
    public TimeStamper timeStamper() {
        return timeStamper.get(() -> evidenceTimeStamper(settings, clock));
    }

    /** Whether seals can be time-stamped now; the intake refuses with EVIDENCE_UNAVAILABLE past the allowed outage. */
    @BindToRegistry("trustedTime")
    public TrustedTime trustedTime() {
        return trustedTime.get(() -> new TrustedTime(clock, settings.getDuration("gateway.evidence.tsa.max-outage")));
    }

    @BindToRegistry("evidenceChain")
    public EvidenceChain evidenceChain(Database database, CmsSigner receiptSigner) {
        return new EvidenceChain(
                database.dataSource(), clock, new EvidenceChain.Sealing(receiptSigner, timeStamper(), trustedTime()));
    }

    /** The AS4 messages received (duplicate elimination, signed requests) and the signals answered. */
    @BindToRegistry("as4Messages")
    public As4Messages as4Messages(Database database) {
        as4Messages = new As4Messages(database.dataSource());
        return as4Messages;
    }

    @BindToRegistry("partnerTraffic")
    public PartnerTraffic partnerTraffic(Database database) {
        return new PartnerTraffic(database.dataSource());
    }

    /** The AS4 message store made for this gateway (null before Camel made it). */
    public As4Messages madeAs4Messages() {
        return as4Messages;
    }

    /**
     * Who time-stamps the evidence seals: the RFC 3161 TSA of {@code gateway.evidence.tsa.url}, or, when it is empty, the
     * built-in DEMO TSA on the demo key of {@code gateway.evidence.tsa.demo-keystore}, which the log says.
     */
    public static TimeStamper evidenceTimeStamper(GatewaySettings settings, Clock clock) {
        String url = settings.get("gateway.evidence.tsa.url", "").trim();
        if (!url.isEmpty()) {
            try {
                List<X509Certificate> pinned = new ArrayList<>();
                for (String file :
                        settings.get("gateway.evidence.tsa.certificates", "").split(",")) {
                    if (!file.isBlank()) {
                        pinned.addAll(EvidenceBundleVerifier.readCertificates(Path.of(file.trim())));
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
}
