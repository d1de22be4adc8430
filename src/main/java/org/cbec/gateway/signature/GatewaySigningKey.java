package org.cbec.gateway.signature;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The gateway's own signing key and certificate chain, from a PKCS#12 keystore: it signs receipts and
 * evidence seals. The password comes from the environment, never from a file in the repository.
 */
public record GatewaySigningKey(PrivateKey key, List<X509Certificate> chain) {
    public GatewaySigningKey {
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Loads the first key entry of a PKCS#12 keystore. */
    public static GatewaySigningKey load(Path keystore, char[] password) {
        return load(keystore, password, null);
    }

    /** Loads the key entry named {@code alias}, or the first key entry when {@code alias} is null. */
    public static GatewaySigningKey load(Path keystore, char[] password, String alias) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String entry : Collections.list(store.aliases())) {
                if (store.isKeyEntry(entry) && (alias == null || entry.equalsIgnoreCase(alias))) {
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate certificate : store.getCertificateChain(entry)) {
                        chain.add((X509Certificate) certificate);
                    }
                    return new GatewaySigningKey((PrivateKey) store.getKey(entry, password), chain);
                }
            }
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "the keystore " + keystore + " holds no private key"
                            + (alias == null
                                    ? ""
                                    : " under the alias '" + alias + "' (it has: " + Collections.list(store.aliases())
                                            + ")"));
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "cannot read the keystore " + keystore + " (a wrong password reads as a corrupt file): "
                            + e.getMessage(),
                    e);
        } catch (GeneralSecurityException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "cannot open the keystore " + keystore + ": " + e.getMessage(),
                    e);
        }
    }
}
