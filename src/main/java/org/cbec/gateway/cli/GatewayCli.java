package org.cbec.gateway.cli;

import java.nio.file.Path;
import org.cbec.gateway.error.GatewayException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The gateway's command line: {@code run}, {@code evidence export}, {@code evidence verify}, {@code users hash}. */
@Command(name = "cbec-gateway", mixinStandardHelpOptions = true, version = "CBEC Gateway 0.1.0",
        description = "Cross-agency data exchange gateway for customs administrations.",
        subcommands = {RunCommand.class, EvidenceCommand.class, UsersCommand.class})
public final class GatewayCli {

    /** Runs the command line and returns the process exit code. */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new GatewayCli());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof GatewayException known) {
                line.getErr().println("cbec-gateway: " + known.error().code() + ": " + known.detail());
                return 2;
            }
            throw exception;
        });
        return commandLine.execute(args);
    }

    static Path defaultConfigDir() {
        return Path.of(System.getenv().getOrDefault("GATEWAY_CONFIG_DIR", "config"));
    }
}
