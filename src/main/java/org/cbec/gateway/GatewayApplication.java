package org.cbec.gateway;

import org.cbec.gateway.cli.GatewayCli;

/** Entry point: {@code java -jar target/cbec-gateway.jar run}; {@code --help} lists every command. */
public final class GatewayApplication {
    private GatewayApplication() {}

    public static void main(String[] args) {
        // Santuario, WSS4J and CXF log through java.util.logging; one log, one format.
        System.setProperty("java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager");
        int exit = GatewayCli.execute(args.length == 0 ? new String[] {"--help"} : args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
