package org.cbec.gateway.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: start the gateway and keep it running until SIGTERM, then stop in order and exit 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start the gateway. Settings come from DIR/application.properties, each overridable by environment variable.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", description = "configuration directory (default: ${DEFAULT-VALUE}, or GATEWAY_CONFIG_DIR)")
    Path configDir = GatewayCli.defaultConfigDir();

    @Override
    public Integer call() throws InterruptedException {
        GatewayRuntime gateway = GatewayRuntime.start(GatewaySettings.load(configDir, System.getenv(), Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
            // SIGTERM is an ordinary stop: exit 0 once everything is closed, not 143.
            Runtime.getRuntime().halt(0);
        }, "gateway-shutdown"));
        stopped.await();
        return 0;
    }
}
