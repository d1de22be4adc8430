package org.cbec.gateway.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbec.gateway.config.Database;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.EvidenceBundleVerifier;
import org.cbec.gateway.evidence.EvidenceChain;
import org.cbec.gateway.evidence.EvidenceExport;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.GatewaySigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code evidence export} and {@code evidence verify}: prove, offline, what was received and decided. */
@Command(
        name = "evidence",
        mixinStandardHelpOptions = true,
        description = "Export a self-contained evidence bundle, or verify one offline.",
        subcommands = {EvidenceCommand.Export.class, EvidenceCommand.Verify.class})
public final class EvidenceCommand {

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Write the evidence of messages received between --from and --to into DIR (bytes, verdicts, "
                    + "receipts, hash chain, seals, certificates). Works while the gateway runs.")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        EvidenceCommand parent;

        @Option(
                names = "--from",
                required = true,
                description = "first receipt time, ISO instant (2026-11-28T00:00:00Z)")
        Instant from;

        @Option(names = "--to", required = true, description = "last receipt time, ISO instant")
        Instant to;

        @Option(
                names = "--config",
                description = "configuration directory (default: ${DEFAULT-VALUE}, or GATEWAY_CONFIG_DIR)")
        Path configDir = GatewayCli.defaultConfigDir();

        @Parameters(index = "0", paramLabel = "DIR", description = "bundle directory to write")
        Path directory;

        @Override
        public Integer call() {
            GatewaySettings settings = GatewaySettings.load(configDir, System.getenv(), Map.of());
            Clock clock = Clock.systemUTC();
            GatewaySigningKey key = GatewayRuntime.signingKey(settings);
            try (Database database = Database.open(
                    settings.get("gateway.db.url", ""),
                    settings.get("gateway.db.user", ""),
                    settings.get("gateway.db.password", ""),
                    settings.getPath("gateway.data.dir"))) {
                EvidenceChain chain = new EvidenceChain(
                        database.dataSource(),
                        clock,
                        new EvidenceChain.Sealing(
                                new CmsSigner(key, clock),
                                GatewayRuntime.evidenceTimeStamper(settings, clock),
                                new org.cbec.gateway.evidence.TrustedTime(
                                        clock, settings.getDuration("gateway.evidence.tsa.max-outage"))));
                EvidenceArchive archive = new EvidenceArchive(database.dataSource(), database.writer());
                if (database.segments() != null) {
                    archive.keepBodiesIn(database.segments());
                }
                int entries = new EvidenceExport(chain, archive, key.chain(), clock).export(from, to, directory);
                System.out.println("Exported " + entries + " evidence entries to " + directory);
                return 0;
            }
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check an evidence bundle offline, with no database: hashes, links, files and seals. "
                    + "Exit 0 when intact, 1 naming every entry altered, removed or reordered.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "bundle directory written by evidence export")
        Path directory;

        @Option(
                names = "--tsa-ca",
                paramLabel = "PEM",
                description =
                        "the CA certificate(s) of the TSA you rely on; every "
                                + "TSA certificate of the bundle must chain to one (without it, the bundle's certificates/tsa.pem is taken as it is)")
        Path tsaCa;

        @Override
        public Integer call() {
            EvidenceBundleVerifier verifier = tsaCa == null
                    ? new EvidenceBundleVerifier()
                    : new EvidenceBundleVerifier(EvidenceBundleVerifier.readCertificates(tsaCa));
            EvidenceBundleVerifier.Report report = verifier.verify(directory);
            if (report.intact()) {
                System.out.println("INTACT: " + report.entries() + " entries and " + report.seals()
                        + " seals verified in " + directory);
                return 0;
            }
            System.out.println("NOT INTACT: " + report.problems().size() + " problem(s) in " + directory);
            report.problems().forEach(problem -> System.out.println("  " + problem));
            return 1;
        }
    }
}
