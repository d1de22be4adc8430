package org.cbec.gateway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;
import org.cbec.gateway.partner.RevocationPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code partner add}: write a partner administration's file (CONTRACT.md §2) from its CA certificate. */
@Command(
        name = "partner",
        mixinStandardHelpOptions = true,
        description = "Manage partner administration files.",
        subcommands = PartnerCommand.Add.class)
final class PartnerCommand {

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description =
                    "Copy the partner's CA certificate to DIR/certs/<id>-ca.pem and write DIR/<ID>.yaml, then check the directory loads as the gateway loads it. On any error nothing is left behind. A running gateway watching DIR takes it up at its next look (gateway.reload.interval), without a restart.",
            footer =
                    "Example: cbec-gateway partner add --id KR-KCS --name \"Korea Customs Service\" --country KR --ca kr-ca.pem")
    static final class Add implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Option(names = "--id", required = true, description = "partner id, [A-Z0-9-]{2,32}, e.g. KR-KCS")
        String id;

        @Option(names = "--name", required = true, description = "the administration's name")
        String name;

        @Option(names = "--country", required = true, description = "ISO 3166-1 alpha-2 code, e.g. KR")
        String country;

        @Option(
                names = "--ca",
                required = true,
                paramLabel = "PEM",
                description = "the CA certificate(s) that issue the partner's signing certificates")
        Path ca;

        @Option(
                names = "--message-types",
                split = ",",
                paramLabel = "TYPE",
                description = "what the partner may send (default: ${DEFAULT-VALUE})")
        List<String> messageTypes = List.of("AEO_STATUS", "ECOM_SHIPMENT");

        @Option(
                names = "--revocation",
                description =
                        "none | crl | ocsp | ocsp-then-crl (default: ${DEFAULT-VALUE}; none is for tests and demos)")
        String revocation = RevocationPolicy.OCSP_THEN_CRL.value();

        @Option(
                names = "--signer-subject",
                paramLabel = "DN",
                description = "pin a signer subject (RFC 4514); repeat for more")
        List<String> signerSubjects = new ArrayList<>();

        @Option(
                names = "--signer-extended-key-usage",
                split = ",",
                paramLabel = "OID",
                description = "an extendedKeyUsage OID of which a signer certificate carrying that extension must name"
                        + " one (the file's signerExtendedKeyUsages); repeat or comma-separate for more. Left out: the"
                        + " defaults, emailProtection, both documentSigning OIDs and anyExtendedKeyUsage")
        List<String> signerExtendedKeyUsages = new ArrayList<>();

        @Option(names = "--dir", description = "partners directory (default: ${DEFAULT-VALUE})")
        Path dir = Path.of("config", "partners");

        @Option(names = "--force", description = "replace an existing partner file and CA certificate")
        boolean force;

        @Override
        public Integer call() {
            checkOptions();
            Path partnerFile = dir.resolve(id + ".yaml");
            Path caFile = dir.resolve("certs").resolve(id.toLowerCase(Locale.ROOT) + "-ca.pem");
            if (!force && (Files.exists(partnerFile) || Files.exists(caFile))) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "partner " + id + " exists already (" + (Files.exists(partnerFile) ? partnerFile : caFile)
                                + "); pass --force to replace it");
            }
            String caPem = pem(SignerOptions.certificates(ca));
            try (Rollback rollback = new Rollback()) {
                rollback.write(caFile, caPem);
                rollback.write(partnerFile, yaml(dir.relativize(caFile)));
                // The gateway's own loader is the judge: the same errors it would stop at start-up with.
                PartnerRegistry.load(dir);
                rollback.commit();
            }
            spec.commandLine()
                    .getOut()
                    .println("Wrote " + partnerFile + " and " + caFile + "; restart the gateway to take partner " + id
                            + " up.");
            return GatewayCli.OK;
        }

        // Refused before anything is written: the id names files, so nothing but the contract's shape may pass.
        private void checkOptions() {
            if (!Partner.ID.matcher(id).matches()) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID, "--id must match [A-Z0-9-]{2,32}, not '" + id + "'");
            }
            for (String type : messageTypes) {
                try {
                    RecordType.valueOf(type.trim());
                } catch (IllegalArgumentException e) {
                    throw new GatewayException(
                            GatewayError.CONFIGURATION_INVALID,
                            "--message-types: '" + type + "' is not one of AEO_STATUS, ECOM_SHIPMENT");
                }
            }
            if (RevocationPolicy.of(revocation).isEmpty()) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID,
                        "--revocation must be none, crl, ocsp or ocsp-then-crl, not '" + revocation + "'");
            }
            for (String subject : signerSubjects) {
                try {
                    new X500Principal(subject);
                } catch (IllegalArgumentException e) {
                    throw new GatewayException(
                            GatewayError.CONFIGURATION_INVALID,
                            "--signer-subject '" + subject + "' is not an RFC 4514 name");
                }
            }
            for (X509Certificate certificate : SignerOptions.certificates(ca)) {
                if (certificate.getBasicConstraints() < 0) {
                    throw new GatewayException(
                            GatewayError.CONFIGURATION_INVALID,
                            ca + ": " + certificate.getSubjectX500Principal().getName()
                                    + " is not a CA certificate (no basicConstraints CA:TRUE); give the CA that issues the partner's signers");
                }
            }
        }

        private String yaml(Path caPath) {
            return "# Written by 'cbec-gateway partner add'. See README \"Adding a partner\"; CONTRACT.md §2 for each field.\n"
                    + "id: " + id + "\n"
                    + "name: " + quoted(name) + "\n"
                    + "country: " + quoted(country) + "\n"
                    + "trustAnchors:\n"
                    + "  - " + quoted(caPath.toString().replace('\\', '/')) + "\n"
                    + "signerSubjects: ["
                    + signerSubjects.stream().map(Add::quoted).collect(Collectors.joining(", ")) + "]\n"
                    + signerExtendedKeyUsagesLine()
                    + "revocation: " + revocation + "\n"
                    + "crls: []\n"
                    + "messageTypes: ["
                    + messageTypes.stream().map(String::trim).collect(Collectors.joining(", ")) + "]\n"
                    + "enabled: true\n";
        }

        // Checked by the gateway's own parser when the directory is loaded (PartnerRegistry.load), so the command takes
        // exactly what the gateway takes; left out of the file when not given, so the file keeps the defaults.
        private String signerExtendedKeyUsagesLine() {
            if (signerExtendedKeyUsages.isEmpty()) {
                return "";
            }
            return "signerExtendedKeyUsages: ["
                    + signerExtendedKeyUsages.stream()
                            .map(String::trim)
                            .map(Add::quoted)
                            .collect(Collectors.joining(", "))
                    + "]\n";
        }

        // A JSON string is a YAML double-quoted scalar: names with colons, quotes or '#' stay text.
        private static String quoted(String text) {
            try {
                return JSON.writeValueAsString(text);
            } catch (JsonProcessingException e) {
                throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot quote '" + text + "'", e);
            }
        }

        private static String pem(List<X509Certificate> certificates) {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                for (X509Certificate certificate : certificates) {
                    writer.writeObject(certificate);
                }
            } catch (IOException e) {
                throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot write PEM: " + e.getMessage(), e);
            }
            return text.toString();
        }
    }

    /**
     * Files written so far, put back as they were unless committed: each file appears whole (written beside
     * and moved into place), and on any error the directory is as it was before the command.
     */
    static final class Rollback implements AutoCloseable {
        private final Map<Path, byte[]> before = new LinkedHashMap<>();
        private final List<Path> createdDirectories = new ArrayList<>();
        private boolean committed;

        void write(Path file, String text) {
            try {
                createDirectories(file.toAbsolutePath().getParent());
                before.put(file, Files.exists(file) ? Files.readAllBytes(file) : null);
                Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".partner-add-", ".tmp");
                try {
                    Files.writeString(temporary, text, StandardCharsets.UTF_8);
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(temporary);
                }
            } catch (IOException e) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID, "cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        private void createDirectories(Path directory) throws IOException {
            List<Path> missing = new ArrayList<>();
            for (Path d = directory; d != null && !Files.exists(d); d = d.getParent()) {
                missing.add(0, d);
            }
            Files.createDirectories(directory);
            missing.forEach(d -> createdDirectories.add(0, d));
        }

        void commit() {
            committed = true;
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                for (Map.Entry<Path, byte[]> file : before.entrySet()) {
                    if (file.getValue() == null) {
                        Files.deleteIfExists(file.getKey());
                    } else {
                        Files.write(file.getKey(), file.getValue());
                    }
                }
                for (Path directory : createdDirectories) {
                    Files.deleteIfExists(directory);
                }
            } catch (IOException e) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID, "could not undo the partial write: " + e.getMessage(), e);
            }
        }
    }
}
