package org.cbec.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;

/**
 * TLS on the gateway's one port (CONTRACT.md §7): HTTPS only with the server key of {@code gateway.tls.keystore},
 * TLS 1.2 and 1.3 with forward-secret AEAD suites only, and client certificates ({@code gateway.tls.client-auth})
 * that chain to the partners' trust anchors. A connection whose client certificate belongs to a partner is bound to
 * that partner: the {@link #PARTNER_HEADER} of each of its requests names it (whatever the client sent in that header
 * is removed first), and the intake refuses another partner's signature on it with TRANSPORT_PARTNER_MISMATCH.
 */
public final class TransportSecurity {
    /** Set by the server only: the partner whose client certificate the connection presented. */
    public static final String PARTNER_HEADER = "X-Gateway-Tls-Partner";

    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    /** Forward secrecy and AEAD only: the TLS 1.3 suites and the ECDHE-GCM/ChaCha20 suites of TLS 1.2. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final byte[] keystore;
    private final String password;
    private final ClientAuth clientAuth;
    private final Supplier<PartnerRegistry> partners;

    private TransportSecurity(
            byte[] keystore, String password, ClientAuth clientAuth, Supplier<PartnerRegistry> partners) {
        this.keystore = keystore;
        this.password = password;
        this.clientAuth = clientAuth;
        this.partners = partners;
    }

    /**
     * TLS as the settings say, or empty for plain HTTP (no keystore).
     *
     * @throws GatewayException CONFIGURATION_INVALID for an unreadable keystore, a wrong password or an unknown client-auth
     */
    public static Optional<TransportSecurity> of(
            String keystorePath, String password, String clientAuth, Supplier<PartnerRegistry> partners) {
        if (keystorePath == null || keystorePath.isBlank()) {
            return Optional.empty();
        }
        ClientAuth auth =
                switch (clientAuth == null ? "none" : clientAuth.strip().toLowerCase(Locale.ROOT)) {
                    case "", "none" -> ClientAuth.NONE;
                    case "want" -> ClientAuth.REQUEST;
                    case "need" -> ClientAuth.REQUIRED;
                    default ->
                        throw new GatewayException(
                                GatewayError.CONFIGURATION_INVALID,
                                "gateway.tls.client-auth must be none, want or need, not '" + clientAuth + "'");
                };
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(keystorePath));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
                store.load(in, password.toCharArray());
            }
            boolean hasKey = false;
            for (String alias : java.util.Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "gateway.tls.keystore " + keystorePath + " holds no private key");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.tls.keystore " + keystorePath
                            + " cannot be opened (a PKCS#12 file with GATEWAY_TLS_KEYSTORE_PASSWORD): "
                            + e.getMessage(),
                    e);
        }
        return Optional.of(new TransportSecurity(bytes, password, auth, partners));
    }

    /** The server options with TLS on: the key, the protocols and suites, and client certificates from the partners' anchors. */
    public HttpServerOptions apply(HttpServerOptions options) {
        options.setSsl(true)
                .setKeyCertOptions(
                        new PfxOptions().setValue(Buffer.buffer(keystore)).setPassword(password));
        options.setEnabledSecureTransportProtocols(PROTOCOLS);
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        options.setClientAuth(clientAuth);
        if (clientAuth != ClientAuth.NONE) {
            PemTrustOptions trust = new PemTrustOptions();
            for (Partner partner : partners.get().all()) {
                for (X509Certificate anchor : partner.trustAnchors()) {
                    trust.addCertValue(Buffer.buffer(pem(anchor)));
                }
            }
            options.setTrustOptions(trust);
        }
        return options;
    }

    public String clientAuth() {
        return clientAuth.name();
    }

    /** Names the connection's partner in {@link #PARTNER_HEADER}, having removed whatever the client put there. */
    public void bindPartner(RoutingContext context) {
        context.request().headers().remove(PARTNER_HEADER);
        if (context.request().isSSL()) {
            partnerOf(context).ifPresent(partner -> context.request().headers().set(PARTNER_HEADER, partner));
        }
        context.next();
    }

    private Optional<String> partnerOf(RoutingContext context) {
        List<Certificate> presented;
        try {
            presented = context.request().connection().peerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            return Optional.empty();
        }
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        // The TLS layer has verified the chain against the union of the anchors; here: whose anchor issued it.
        for (Partner partner : partners.get().all()) {
            if (!partner.enabled()) {
                continue;
            }
            for (Certificate certificate : presented) {
                for (X509Certificate anchor : partner.trustAnchors()) {
                    if (certificate instanceof X509Certificate x509 && issuedBy(x509, anchor)) {
                        return Optional.of(partner.id());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean issuedBy(X509Certificate certificate, X509Certificate anchor) {
        if (certificate.equals(anchor)) {
            return true;
        }
        if (!certificate.getIssuerX500Principal().equals(anchor.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(anchor.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "a partner anchor cannot be encoded", e);
        }
    }

    /** The intake's check of a message on a bound connection: signed by the connection's partner, or refused. */
    public static java.util.function.Consumer<String> sameAs(String transportPartner) {
        if (transportPartner == null || transportPartner.isBlank()) {
            return null;
        }
        return partnerId -> {
            if (!partnerId.equals(transportPartner)) {
                throw new GatewayException(
                        GatewayError.TRANSPORT_PARTNER_MISMATCH,
                        "the TLS client certificate belongs to " + transportPartner + "; the message is signed for "
                                + partnerId);
            }
        };
    }
}
