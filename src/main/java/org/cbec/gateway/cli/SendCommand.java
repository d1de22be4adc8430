package org.cbec.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.CmsSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code send}: sign a business document as a partner would (CMS SignedData, content attached, signing
 * time, signer chain) and POST it to a gateway. The tool an integrator tries a partner's key with.
 */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description =
                "Sign FILE with a PKCS#12 key into CMS SignedData and POST it to {url}/api/v1/inbound; print the HTTP status and the answer. The keystore password comes from GATEWAY_SIGNER_PASSWORD, else from --password (asked for). Exit 0 on 2xx, 1 otherwise.",
        footer =
                "Example: GATEWAY_SIGNER_PASSWORD=demo-only cbec-gateway send --keystore certs-example/cn-gacc/signer.p12 "
                        + "--url http://localhost:8080 samples/aeo-status.csv")
final class SendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SignerOptions signer;

    @Option(names = "--url", required = true, description = "the gateway, e.g. http://localhost:8080")
    String url;

    @Parameters(index = "0", paramLabel = "FILE", description = "the business document to sign and send")
    Path file;

    @Override
    public Integer call() {
        if (signer.keystore == null) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "send needs --keystore signer.p12");
        }
        GatewayClient gateway = GatewayClient.of(url, null, null);
        byte[] signed = new CmsSigner(signer.load(GatewayCli.environment(spec)), Clock.systemUTC()).sign(read(file));
        PrintWriter out = spec.commandLine().getOut();
        try {
            GatewayClient.Answer answer = gateway.send(signed, GatewayClient.CMS);
            out.println("HTTP " + answer.status());
            out.println(answer.body());
            out.flush();
            return answer.successful() ? GatewayCli.OK : GatewayCli.CHECK_FAILED;
        } catch (IOException e) {
            spec.commandLine().getErr().println("cbec-gateway: " + gateway.unreachable(e));
            return GatewayCli.CHECK_FAILED;
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
