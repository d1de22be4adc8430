package org.cbec.gateway.cli;

import java.nio.file.Path;
import java.util.Map;
import org.cbec.gateway.error.GatewayException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The gateway's command line: {@code run} and {@code evidence} for operators; {@code send}, {@code verify},
 * {@code partner add}, {@code certs init} and {@code conformance} for the integrators who connect a partner;
 * {@code users hash} for the console's users file.
 * Exit codes: 0 success, 1 a check failed, 2 bad usage or configuration.
 */
@Command(
        name = "cbec-gateway",
        mixinStandardHelpOptions = true,
        version = "CBEC Gateway 0.1.0",
        description = "Cross-agency data exchange gateway for customs administrations.",
        subcommands = {
            RunCommand.class,
            EvidenceCommand.class,
            SendCommand.class,
            VerifyCommand.class,
            PartnerCommand.class,
            CertsCommand.class,
            ConformanceCommand.class,
            UsersCommand.class
        })
public final class GatewayCli {
    static final int OK = 0;
    static final int CHECK_FAILED = 1;
    static final int BAD_USAGE = 2;

    private final Map<String, String> environment;

    private GatewayCli(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Runs the command line and returns the process exit code. */
    public static int execute(String... args) {
        return commandLine(System.getenv()).execute(args);
    }

    /**
     * The command line with its error handling; secrets (passwords) are read from {@code environment}, so a
     * test passes its own, and sets its own output with {@link CommandLine#setOut}/{@link CommandLine#setErr}.
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new GatewayCli(environment));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof GatewayException known) {
                line.getErr().println("cbec-gateway: " + known.error().code() + ": " + known.detail());
                return BAD_USAGE;
            }
            throw exception;
        });
        // One line saying what is wrong, not the whole usage text after it.
        commandLine.setParameterExceptionHandler((exception, args) -> {
            CommandLine failed = exception.getCommandLine();
            failed.getErr().println("cbec-gateway: " + exception.getMessage());
            failed.getErr()
                    .println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            return BAD_USAGE;
        });
        return commandLine;
    }

    /** The environment the command line was started with, from any command's spec. */
    static Map<String, String> environment(CommandSpec spec) {
        return ((GatewayCli) spec.root().userObject()).environment;
    }

    static Path defaultConfigDir() {
        return Path.of(System.getenv().getOrDefault("GATEWAY_CONFIG_DIR", "config"));
    }
}
