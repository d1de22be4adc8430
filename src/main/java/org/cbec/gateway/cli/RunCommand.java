package org.cbec.gateway.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code run}: start the gateway and keep it running until SIGTERM, then stop in order and exit 0. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Start the gateway. Settings come from DIR/application.properties, each overridable by environment variable.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(
            names = "--config",
            description = "configuration directory (default: ${DEFAULT-VALUE}, or GATEWAY_CONFIG_DIR)")
    Path configDir = GatewayCli.defaultConfigDir();

    @Override
    public Integer call() throws InterruptedException {
        GatewayRuntime gateway = GatewayRuntime.start(GatewaySettings.load(configDir, System.getenv(), Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            int status = 0; // SIGTERM is an ordinary stop: exit 0 once everything is closed, not 143
            try {
                gateway.close();
            } catch (Throwable failed) {
                LOG.error("The gateway did not stop cleanly", failed);
                status = 1;
            } finally {
                stopped.countDown();
                Runtime.getRuntime().halt(status);
            }
        };
        // Any other exit (System.exit, SIGHUP) still stops the routes and the broker as well as it can.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "gateway-shutdown-hook"));
        // SIGTERM and SIGINT stop the gateway before the JVM starts its exit. As a shutdown hook, the stop ran
        // alongside the embedded database's own hook, which closed the database under the routes still finishing
        // their work: messages arriving were refused, each dispatch in progress failed, and the routes' graceful
        // stop waited out its timeout. (H2 cannot leave the closing to the gateway while it also serves the
        // evidence command, AUTO_SERVER.)
        try {
            Signal.handle(new Signal("TERM"), signal -> new Thread(stop, "gateway-shutdown").start());
            Signal.handle(new Signal("INT"), signal -> new Thread(stop, "gateway-shutdown").start());
        } catch (IllegalArgumentException signalsReserved) {
            LOG.warn(
                    "Cannot handle SIGTERM and SIGINT here (the JVM runs with -Xrs?): the stop runs as a shutdown hook, "
                            + "alongside the database's own: {}",
                    signalsReserved.getMessage());
        }
        stopped.await();
        return 0;
    }
}
