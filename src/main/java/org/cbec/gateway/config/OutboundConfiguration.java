package org.cbec.gateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.outbound.As4Transport;
import org.cbec.gateway.outbound.CmsHttpsTransport;
import org.cbec.gateway.outbound.OutboundDelivery;
import org.cbec.gateway.outbound.OutboundIntake;
import org.cbec.gateway.outbound.OutboundPartners;
import org.cbec.gateway.outbound.OutboundStatus;
import org.cbec.gateway.outbound.OutboundTransport;
import org.cbec.gateway.partner.LivePartners;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.signature.CmsSigner;

/**
 * The outbound direction (CONTRACT.md §8): national data to partners over their transports, {@code cms-https} and
 * {@code as4} (the inbound AS4 side's writer and verifier, as a sender), with its status per partner.
 */
@Configuration
public final class OutboundConfiguration extends SettingsConfiguration {
    private final long maxBytes;
    private final String country;
    private final Once<Map<String, OutboundTransport>> transports = new Once<>();
    private final Once<OutboundStatus> status = new Once<>();

    public OutboundConfiguration(GatewaySettings settings, Clock clock) {
        super(settings, clock);
        this.maxBytes = settings.getLong("gateway.inbound.max-bytes");
        this.country = settings.get("gateway.country", "DE").trim();
        if (!java.util.Set.of(java.util.Locale.getISOCountries()).contains(country)) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.country must be an ISO 3166-1 alpha-2 code, not '" + country + "'");
        }
    }

    /** The transports by name, shared by the intake and the delivery of the outbound direction. */
    @BindToRegistry("outboundTransports")
    public Map<String, OutboundTransport> outboundTransports(CmsSigner signer) {
        return transports.get(() -> transports(signer));
    }

    @BindToRegistry("outboundStatus")
    public OutboundStatus outboundStatus(Database database, GatewayMetrics metrics) {
        return status.get(() -> {
            OutboundStatus made = new OutboundStatus(database.dataSource());
            metrics.watchOutbound(made::byPartner);
            return made;
        });
    }

    @BindToRegistry("outboundIntake")
    public OutboundIntake outboundIntake(
            LivePartners partners, EvidenceArchive archive, DeliveryLedger ledger, CmsSigner signer) {
        return new OutboundIntake(
                new OutboundPartners(partners::registry, outboundTransports(signer)),
                archive,
                ledger,
                new OutboundIntake.Own(settings.get("gateway.as4.party-id", "CBEC-GATEWAY"), country, maxBytes, signer),
                clock);
    }

    @BindToRegistry("outboundDelivery")
    public OutboundDelivery outboundDelivery(
            DeliveryLedger ledger, Database database, LivePartners partners, CmsSigner signer, GatewayMetrics metrics) {
        return new OutboundDelivery(
                ledger,
                new OutboundPartners(partners::registry, outboundTransports(signer)),
                ForwardConfiguration.retries(settings),
                clock,
                outboundStatus(database, metrics));
    }

    private Map<String, OutboundTransport> transports(CmsSigner signer) {
        Duration timeout = settings.getDuration("gateway.forward.timeout");
        Map<String, OutboundTransport> transports = new LinkedHashMap<>();
        SSLContext tls = outboundTls(settings);
        CmsHttpsTransport cmsHttps = new CmsHttpsTransport(tls, timeout);
        transports.put(cmsHttps.name(), cmsHttps);
        As4Transport as4 = new As4Transport(
                signer.signingKey(),
                maxBytes,
                new As4Transport.Identity(
                        settings.get("gateway.as4.party-id", "CBEC-GATEWAY"),
                        settings.get("gateway.as4.party-id-type", Partner.As4Party.UNREGISTERED),
                        settings.get("gateway.as4.service", "urn:cbec:gateway:exchange")),
                tls,
                timeout,
                clock);
        transports.put(as4.name(), as4);
        return transports;
    }

    /** Trust for partners' HTTPS servers: the PEM CA certificates of {@code gateway.outbound.tls-anchors}, or the JDK's own. */
    private static SSLContext outboundTls(GatewaySettings settings) {
        List<String> files = java.util.Arrays.stream(
                        settings.get("gateway.outbound.tls-anchors", "").split(","))
                .map(String::trim)
                .filter(path -> !path.isEmpty())
                .toList();
        try {
            if (files.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int n = 0;
            for (String file : files) {
                try (var in = Files.newInputStream(Path.of(file))) {
                    for (var certificate :
                            CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        anchors.setCertificateEntry("anchor-" + n++, certificate);
                    }
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.outbound.tls-anchors cannot be read: " + e.getMessage(),
                    e);
        }
    }
}
