package org.cbec.gateway;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;
import org.cbec.gateway.error.GatewayException;

/**
 * Entry point: {@code java -jar target/cbec-gateway.jar run [--config DIR]}. The configuration directory
 * defaults to {@code config}, or {@code GATEWAY_CONFIG_DIR}.
 */
public final class GatewayApplication {
    private GatewayApplication() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        Path configDir = Path.of(System.getenv().getOrDefault("GATEWAY_CONFIG_DIR", "config"));
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configDir = Path.of(args[++i]);
            } else {
                usage("unknown option " + args[i]);
                return;
            }
        }
        switch (command) {
            case "run" -> run(configDir);
            case "help", "--help", "-h" -> usage(null);
            default -> usage("unknown command " + command);
        }
    }

    private static void run(Path configDir) {
        GatewayRuntime gateway;
        try {
            gateway = GatewayRuntime.start(GatewaySettings.load(configDir, System.getenv(), Map.of()));
        } catch (GatewayException e) {
            System.err.println("cbec-gateway: " + e.error().code() + ": " + e.detail());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
            // SIGTERM is an ordinary stop: exit 0 once everything is closed, not 143.
            Runtime.getRuntime().halt(0);
        }, "gateway-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("cbec-gateway: " + problem);
        }
        System.err.println("""
                usage: java -jar target/cbec-gateway.jar run [--config DIR]

                  run     start the gateway (settings in DIR/application.properties, default ./config,
                          or GATEWAY_CONFIG_DIR; each setting overridable by environment variable)""");
        if (problem != null) {
            System.exit(2);
        }
    }
}
