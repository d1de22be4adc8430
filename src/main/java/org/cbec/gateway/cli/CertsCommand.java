package org.cbec.gateway.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code certs init}: the demo PKI of certs-example/make-demo-pki.sh, made in Java, for machines without OpenSSL. */
@Command(
        name = "certs",
        mixinStandardHelpOptions = true,
        description = "Make certificates for demos and tests.",
        subcommands = CertsCommand.Init.class)
final class CertsCommand {

    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description =
                    "Write the DEMO-ONLY PKI (same layout, subjects, file names and passwords as certs-example/make-demo-pki.sh): a CA and a signer (signer.key, signer.pem, signer.p12) for each demo partner, and the gateway's CA and gateway.p12. The p12 passwords are demo-only (or GATEWAY_KEYSTORE_PASSWORD / GATEWAY_SIGNER_PASSWORD). Existing files are kept unless --force.",
            footer = "Example: cbec-gateway certs init --dir /tmp/demo-pki")
    static final class Init implements Callable<Integer> {
        private static final SecureRandom RANDOM = new SecureRandom();
        private static final Duration CA_VALIDITY = Duration.ofDays(3650);
        private static final Duration SIGNER_VALIDITY = Duration.ofDays(1825);

        /** A demo partner of config/partners/: its folder and the organisation its subjects name. */
        private record DemoPartner(String folder, String country, String organisation, String id) {}

        private static final List<DemoPartner> PARTNERS = List.of(
                new DemoPartner("cn-gacc", "CN", "General Administration of Customs (DEMO ONLY)", "CN-GACC"),
                new DemoPartner("sg-customs", "SG", "Singapore Customs (DEMO ONLY)", "SG-CUSTOMS"));

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", description = "where to write (default: ${DEFAULT-VALUE})")
        Path dir = SignerOptions.DEMO_PKI;

        @Option(names = "--force", description = "overwrite existing files")
        boolean force;

        @Override
        public Integer call() {
            refuseToOverwrite();
            Map<String, String> environment = GatewayCli.environment(spec);
            String signerPassword =
                    environment.getOrDefault(SignerOptions.PASSWORD_VARIABLE, SignerOptions.DEMO_PASSWORD);
            for (DemoPartner partner : PARTNERS) {
                Path folder = dir.resolve(partner.folder());
                Issued ca = certificateAuthority(
                        folder, subject(partner.country(), partner.organisation(), partner.id() + " Demo CA"));
                Issued signer = signer(
                        folder,
                        "signer",
                        ca,
                        subject(partner.country(), partner.organisation(), partner.id() + " Demo Signer"));
                pkcs12(folder.resolve("signer.p12"), "signer", signer, signerPassword);
            }
            String organisation = "CBEC Gateway (DEMO ONLY)";
            Path gateway = dir.resolve("gateway");
            Issued ca = certificateAuthority(gateway, subject("XX", organisation, "CBEC Gateway Demo CA"));
            Issued receipts =
                    signer(gateway, "gateway", ca, subject("XX", organisation, "CBEC Gateway Demo Receipt Signer"));
            pkcs12(
                    gateway.resolve("gateway.p12"),
                    "gateway",
                    receipts,
                    environment.getOrDefault("GATEWAY_KEYSTORE_PASSWORD", SignerOptions.DEMO_PASSWORD));
            // The built-in demo TSA of gateway.evidence.tsa.url empty: its only purpose is timeStamping (critical), as
            // RFC 3161 asks.
            Path tsa = dir.resolve("tsa");
            Issued tsaCa = certificateAuthority(tsa, subject("XX", organisation, "CBEC Gateway Demo TSA CA"));
            Issued tsaKey =
                    issued(tsa, "tsa", tsaCa, subject("XX", organisation, "CBEC Gateway Demo TSA"), Role.TIME_STAMPING);
            pkcs12(tsa.resolve("tsa.p12"), "tsa", tsaKey, SignerOptions.DEMO_PASSWORD);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Demo PKI written to " + dir);
            out.println("*** DEMO ONLY: these keys and the password '" + SignerOptions.DEMO_PASSWORD
                    + "' are public. Never use them for real traffic. ***");
            out.flush();
            return GatewayCli.OK;
        }

        private void refuseToOverwrite() {
            if (force) {
                return;
            }
            List<Path> existing = new ArrayList<>();
            for (String name : fileNames()) {
                if (Files.exists(dir.resolve(name))) {
                    existing.add(dir.resolve(name));
                }
            }
            if (!existing.isEmpty()) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        existing.size() + " demo PKI file(s) exist already (" + existing.get(0)
                                + (existing.size() > 1 ? ", ..." : "") + "); pass --force to overwrite them");
            }
        }

        /** Every file this command writes, relative to --dir. */
        static List<String> fileNames() {
            List<String> names = new ArrayList<>();
            for (DemoPartner partner : PARTNERS) {
                for (String file : List.of("ca.key", "ca.pem", "signer.key", "signer.pem", "signer.p12")) {
                    names.add(partner.folder() + "/" + file);
                }
            }
            for (String file : List.of("ca.key", "ca.pem", "gateway.key", "gateway.pem", "gateway.p12")) {
                names.add("gateway/" + file);
            }
            for (String file : List.of("ca.key", "ca.pem", "tsa.key", "tsa.pem", "tsa.p12")) {
                names.add("tsa/" + file);
            }
            return names;
        }

        /** A signer no partner knows: a fresh RSA key with a self-signed certificate, for the conformance run's untrusted case. */
        static GatewaySigningKey selfSignedSigner(String commonName) {
            KeyPair keys = generate("RSA");
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, commonName)
                    .build();
            Instant now = Instant.now();
            X509Certificate certificate = certificate(
                    subject,
                    keys,
                    subject,
                    keys,
                    now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(1)),
                    Role.SIGNER);
            return new GatewaySigningKey(keys.getPrivate(), List.of(certificate));
        }

        /** A certificate with its key and the chain above it. */
        private record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {}

        // The script's order /C=../O=../CN=..: the same encoded names, so either tool's files match the partner files.
        private static X500Name subject(String country, String organisation, String commonName) {
            return new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.C, country)
                    .addRDN(BCStyle.O, organisation)
                    .addRDN(BCStyle.CN, commonName)
                    .build();
        }

        /** An EC P-256 self-signed CA, as {@code openssl req -x509 -newkey ec} makes it. */
        private static Issued certificateAuthority(Path folder, X500Name subject) {
            KeyPair keys = generate("EC");
            Instant now = Instant.now();
            X509Certificate certificate =
                    certificate(subject, keys, subject, keys, now, now.plus(CA_VALIDITY), Role.AUTHORITY);
            writeKey(folder.resolve("ca.key"), keys.getPrivate());
            writePem(folder.resolve("ca.pem"), certificate);
            return new Issued(certificate, keys.getPrivate(), List.of(certificate));
        }

        /** An RSA 2048 signer issued by {@code ca}, as the script's {@code openssl x509 -req} makes it. */
        private static Issued signer(Path folder, String name, Issued ca, X500Name subject) {
            return issued(folder, name, ca, subject, Role.SIGNER);
        }

        /** The same, for a signer or (with the critical timeStamping extended key usage) a TSA. */
        private static Issued issued(Path folder, String name, Issued ca, X500Name subject, Role role) {
            KeyPair keys = generate("RSA");
            Instant now = Instant.now();
            X509Certificate certificate = certificate(
                    X500Name.getInstance(
                            ca.certificate().getSubjectX500Principal().getEncoded()),
                    new KeyPair(ca.certificate().getPublicKey(), ca.key()),
                    subject,
                    keys,
                    now,
                    now.plus(SIGNER_VALIDITY),
                    role);
            writeKey(folder.resolve(name + ".key"), keys.getPrivate());
            writePem(folder.resolve(name + ".pem"), certificate);
            return new Issued(certificate, keys.getPrivate(), List.of(certificate, ca.certificate()));
        }

        /** What a demo certificate is for: its basic constraints, key usage and extended key usage follow. */
        private enum Role {
            AUTHORITY,
            SIGNER,
            TIME_STAMPING
        }

        private static X509Certificate certificate(
                X500Name issuer,
                KeyPair issuerKeys,
                X500Name subject,
                KeyPair keys,
                Instant notBefore,
                Instant notAfter,
                Role role) {
            boolean authority = role == Role.AUTHORITY;
            try {
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                        issuer,
                        new BigInteger(127, RANDOM).add(BigInteger.ONE),
                        Date.from(notBefore),
                        Date.from(notAfter),
                        subject,
                        keys.getPublic());
                JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
                builder.addExtension(
                        Extension.keyUsage,
                        true,
                        authority
                                ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
                if (role == Role.TIME_STAMPING) {
                    builder.addExtension(
                            Extension.extendedKeyUsage,
                            true,
                            new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                                    org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_timeStamping));
                }
                builder.addExtension(
                        Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
                builder.addExtension(
                        Extension.authorityKeyIdentifier,
                        false,
                        extensions.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
                String algorithm =
                        issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
                return new JcaX509CertificateConverter()
                        .getCertificate(
                                builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
            } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
                throw new GatewayException(
                        GatewayError.INTERNAL_ERROR,
                        "cannot make the demo certificate " + subject + ": " + e.getMessage(),
                        e);
            }
        }

        private static KeyPair generate(String algorithm) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
                if (algorithm.equals("EC")) {
                    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                } else {
                    generator.initialize(2048, RANDOM);
                }
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new GatewayException(
                        GatewayError.INTERNAL_ERROR, "cannot make a " + algorithm + " key: " + e.getMessage(), e);
            }
        }

        /** The key with its chain, as {@code openssl pkcs12 -export -name NAME -certfile ca.pem} writes it. */
        private static void pkcs12(Path file, String alias, Issued key, String password) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(
                        alias, key.key(), password.toCharArray(), key.chain().toArray(new X509Certificate[0]));
                try (OutputStream out = Files.newOutputStream(file)) {
                    store.store(out, password.toCharArray());
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID, "cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        /** Unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), as {@code openssl req -nodes} writes it. */
        private static void writeKey(Path file, PrivateKey key) {
            try {
                writePem(file, new JcaPKCS8Generator(key, null));
            } catch (PemGenerationException e) {
                throw new GatewayException(
                        GatewayError.INTERNAL_ERROR, "cannot encode " + file + ": " + e.getMessage(), e);
            }
        }

        private static void writePem(Path file, Object object) {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                if (object instanceof PemObjectGenerator generator) {
                    writer.writeObject(generator);
                } else {
                    writer.writeObject(object);
                }
            } catch (IOException e) {
                throw new GatewayException(
                        GatewayError.INTERNAL_ERROR, "cannot encode " + file + ": " + e.getMessage(), e);
            }
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, text.toString());
            } catch (IOException e) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID, "cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
