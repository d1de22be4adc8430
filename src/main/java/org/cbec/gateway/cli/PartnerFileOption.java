package org.cbec.gateway.cli;

import java.nio.file.Path;
import org.cbec.gateway.partner.PartnerRegistry;
import picocli.CommandLine.Option;

/** {@code --partner FILE}: the one partner file that {@code verify} and {@code conformance} work against, read alike. */
final class PartnerFileOption {
    @Option(
            names = "--partner",
            required = true,
            paramLabel = "FILE",
            description = "the partner's file, e.g. config/partners/CN-GACC.yaml")
    Path file;

    PartnerRegistry load() {
        return PartnerRegistry.loadFile(file);
    }
}
