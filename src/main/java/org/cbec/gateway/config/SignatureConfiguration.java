package org.cbec.gateway.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.cbec.gateway.intake.ContainerType;
import org.cbec.gateway.partner.AlgorithmPolicy;
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
import org.cbec.gateway.signature.soap.WsSecurityVerifier;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signatures: the containers the intake opens, the signing-time window, the algorithm policy, revocation checking
 * and the gateway's own key that signs receipts. The static factories serve the offline commands too.
 */
@Configuration
public final class SignatureConfiguration extends SettingsConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(SignatureConfiguration.class);

    public SignatureConfiguration(GatewaySettings settings, Clock clock) {
        super(settings, clock);
    }

    /** The signature containers by type; a Map, so taken by name: {@code @BeanInject("signatureContainers")}. */
    @BindToRegistry("signatureContainers")
    public Map<ContainerType, SignatureContainer> signatureContainers() {
        return signatureContainers(settings);
    }

    @BindToRegistry("signingTimePolicy")
    public SigningTimePolicy signingTimePolicy() {
        return signingTimePolicy(settings, clock);
    }

    @BindToRegistry("algorithmPolicy")
    public AlgorithmPolicy algorithmPolicy() {
        return algorithmPolicy(settings);
    }

    @BindToRegistry("revocationChecker")
    public RevocationChecker revocationChecker() {
        Duration timeout = settings.getDuration("gateway.revocation.network-timeout");
        // HTTP/1.1: simple responders (openssl ocsp, CRL file servers) do not answer an h2c upgrade.
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                .build();
        return new RevocationChecker(http, clock, RevocationSettings.withNetworkTimeout(timeout));
    }

    /** Signs receipts, seals and answers with the gateway's key. */
    @BindToRegistry("receiptSigner")
    public CmsSigner receiptSigner() {
        return new CmsSigner(signingKey(settings), clock);
    }

    /** The signature containers the intake opens, by type: the gateway's and the offline {@code verify} command's alike. */
    public static Map<ContainerType, SignatureContainer> signatureContainers(GatewaySettings settings) {
        Map<ContainerType, SignatureContainer> containers = new EnumMap<>(ContainerType.class);
        containers.put(ContainerType.CMS, new CmsSignedDataVerifier());
        containers.put(ContainerType.SMIME_DETACHED, new SmimeDetachedVerifier());
        containers.put(ContainerType.JWS, new JwsVerifier());
        containers.put(ContainerType.XMLDSIG, new XmlSignatureVerifier());
        int skewSeconds =
                (int) settings.getDuration("gateway.inbound.max-clock-skew").toSeconds();
        containers.put(ContainerType.SOAP, new WsSecurityVerifier(skewSeconds + 300, skewSeconds));
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
        List<Path> tsaAnchors = java.util.Arrays.stream(
                        settings.get("gateway.inbound.tsa-anchors", "").split(","))
                .filter(path -> !path.isBlank())
                .map(path -> Path.of(path.trim()))
                .toList();
        return new SigningTimePolicy(
                clock,
                settings.getDuration("gateway.inbound.max-age"),
                settings.getDuration("gateway.inbound.max-clock-skew"),
                TimeStampAuthorities.load("gateway.inbound.tsa-anchors", tsaAnchors));
    }

    /** The gateway-wide algorithm policy of the {@code gateway.signature.*} settings. */
    public static AlgorithmPolicy algorithmPolicy(GatewaySettings settings) {
        return new AlgorithmPolicy(
                settings.getSet("gateway.signature.digests"),
                settings.getSet("gateway.signature.schemes"),
                settings.getInt("gateway.signature.min-rsa-bits"),
                settings.getSet("gateway.signature.ec-curves"));
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
}
