package org.cbec.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;
import picocli.CommandLine.Option;

/**
 * How a command gets a partner's signing key: a PKCS#12 ({@code --keystore}, {@code --alias}) whose password
 * comes from {@code GATEWAY_SIGNER_PASSWORD} or a prompt ({@code --password}), never from a file or a log;
 * or the demo signer of {@code certs-example/}, which opens with its published demo password.
 */
final class SignerOptions {
    static final String PASSWORD_VARIABLE = "GATEWAY_SIGNER_PASSWORD";
    /** The demo PKI's published password (certs-example/README.md): demo keys only. */
    static final String DEMO_PASSWORD = "demo-only";

    static final Path DEMO_PKI = Path.of("certs-example");

    @Option(names = "--keystore", paramLabel = "P12", description = "the signer's PKCS#12 keystore")
    Path keystore;

    @Option(
            names = "--alias",
            paramLabel = "A",
            description = "the key entry to sign with (default: the first key entry)")
    String alias;

    @Option(
            names = "--password",
            interactive = true,
            arity = "0..1",
            paramLabel = "PASSWORD",
            description = "ask for the keystore password (used when GATEWAY_SIGNER_PASSWORD is not set)")
    char[] password;

    /** The key of {@code --keystore}; its password from the environment, else the prompt, else the demo password for a demo keystore. */
    GatewaySigningKey load(Map<String, String> environment) {
        if (keystore == null) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "no signer: pass --keystore signer.p12");
        }
        return pkcs12(keystore, alias, password(environment, keystore));
    }

    /** The demo signer of a partner: {@code certs-example/<id>/signer.p12}, else {@code signer.key} with {@code signer.pem}. */
    GatewaySigningKey loadDemoSigner(Map<String, String> environment, String partnerId) {
        Path folder = DEMO_PKI.resolve(partnerId.toLowerCase(Locale.ROOT));
        Path p12 = folder.resolve("signer.p12");
        if (Files.isRegularFile(p12)) {
            return pkcs12(p12, alias, password(environment, p12));
        }
        if (Files.isRegularFile(folder.resolve("signer.key")) && Files.isRegularFile(folder.resolve("signer.pem"))) {
            return pem(folder.resolve("signer.key"), folder.resolve("signer.pem"), folder.resolve("ca.pem"));
        }
        throw new GatewayException(
                GatewayError.CONFIGURATION_INVALID,
                "no demo signer for partner " + partnerId + ": neither "
                        + p12 + " nor " + folder.resolve("signer.key")
                        + " exists (run from the project folder, make them with "
                        + "'certs init', or pass --keystore)");
    }

    private char[] password(Map<String, String> environment, Path p12) {
        String fromEnvironment = environment.get(PASSWORD_VARIABLE);
        if (fromEnvironment != null) {
            return fromEnvironment.toCharArray();
        }
        if (password != null) {
            return password;
        }
        if (isDemo(p12)) {
            return DEMO_PASSWORD.toCharArray();
        }
        throw new GatewayException(
                GatewayError.CONFIGURATION_INVALID,
                "no password for " + p12 + ": set " + PASSWORD_VARIABLE + " or pass --password to be asked for it");
    }

    // Only keys of the published demo PKI open without being given a password.
    private static boolean isDemo(Path p12) {
        Path partnerFolder = p12.toAbsolutePath().normalize().getParent();
        return partnerFolder != null
                && partnerFolder.getParent() != null
                && partnerFolder.getParent().endsWith(DEMO_PKI);
    }

    static GatewaySigningKey pkcs12(Path p12, String alias, char[] password) {
        if (!Files.isRegularFile(p12)) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "keystore " + p12 + " does not exist");
        }
        return GatewaySigningKey.load(p12, password, alias);
    }

    /** A private key PEM (PKCS#8 or traditional, unencrypted, as openssl writes with -nodes) and its certificate chain PEMs. */
    static GatewaySigningKey pem(Path keyFile, Path certificate, Path issuers) {
        List<X509Certificate> chain = new ArrayList<>(certificates(certificate));
        if (Files.isRegularFile(issuers)) {
            chain.addAll(certificates(issuers));
        }
        return new GatewaySigningKey(privateKey(keyFile), chain);
    }

    private static PrivateKey privateKey(Path keyFile) {
        try (Reader reader = Files.newBufferedReader(keyFile);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, keyFile + " holds no unencrypted PEM private key");
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "cannot read the private key " + keyFile + ": " + e.getMessage(),
                    e);
        }
    }

    static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new GatewayException(GatewayError.CONFIGURATION_INVALID, pem + " holds no certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "cannot read " + pem + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, pem + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
