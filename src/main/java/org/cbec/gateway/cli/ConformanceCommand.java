package org.cbec.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.GatewaySigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code conformance}: prove a partner works end to end against a running gateway, with a fresh test set
 * signed by the partner's key, and print a pass/fail table.
 */
@Command(
        name = "conformance",
        mixinStandardHelpOptions = true,
        description =
                "Send a partner's full test set to a gateway and print case | expected | got | result. For each message type the partner may send: valid -> 202, same bytes -> 200 duplicate, flipped byte -> 403 SIGNATURE_INVALID, schema-invalid -> 422 SCHEMA_INVALID, unknown self-signed signer -> 403 UNKNOWN_SIGNER, and the accepted message reaches FORWARDED. Without --keystore it signs with the demo signer certs-example/<id>/signer.p12 (or signer.key + signer.pem). The message API is asked with HTTP Basic --user and GATEWAY_API_PASSWORD (demo default: operator-demo). Exit 0 when every case passes, 1 otherwise.",
        footer = "Example: cbec-gateway conformance --partner config/partners/CN-GACC.yaml --url http://localhost:8080")
final class ConformanceCommand implements Callable<Integer> {
    static final String API_PASSWORD_VARIABLE = "GATEWAY_API_PASSWORD";
    /** The demo operator's password, published like the demo PKI: for the demo gateway only. */
    static final String DEMO_API_PASSWORD = "operator-demo";

    @Spec
    CommandSpec spec;

    @Mixin
    PartnerFileOption partnerFile;

    @Option(names = "--url", required = true, description = "the gateway, e.g. http://localhost:8080")
    String url;

    @Mixin
    SignerOptions signer;

    @Option(
            names = "--user",
            description =
                    "operator for the message API (default: ${DEFAULT-VALUE}); password from GATEWAY_API_PASSWORD")
    String user = "operator";

    @Option(
            names = "--timeout",
            description = "how long an accepted message may take to be FORWARDED (default: ${DEFAULT-VALUE})")
    Duration timeout = Duration.ofSeconds(60);

    @Override
    public Integer call() {
        Map<String, String> environment = GatewayCli.environment(spec);
        Partner partner = partnerFile.load().all().iterator().next();
        GatewaySigningKey key =
                signer.keystore != null ? signer.load(environment) : signer.loadDemoSigner(environment, partner.id());
        GatewayClient gateway =
                GatewayClient.of(url, user, environment.getOrDefault(API_PASSWORD_VARIABLE, DEMO_API_PASSWORD));
        Clock clock = Clock.systemUTC();
        ConformanceSuite suite = new ConformanceSuite(gateway, new CmsSigner(key, clock), partner, timeout, clock);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Conformance of partner " + partner.id() + " at " + gateway.base() + ", signing as "
                + key.certificate().getSubjectX500Principal().getName());
        out.flush();
        List<ConformanceSuite.Result> results;
        try {
            results = suite.run();
        } catch (IOException e) {
            spec.commandLine().getErr().println("cbec-gateway: " + gateway.unreachable(e));
            return GatewayCli.CHECK_FAILED;
        }
        print(out, results);
        return results.stream().allMatch(ConformanceSuite.Result::passed) ? GatewayCli.OK : GatewayCli.CHECK_FAILED;
    }

    private static void print(PrintWriter out, List<ConformanceSuite.Result> results) {
        int name = width(results.stream().map(ConformanceSuite.Result::name).toList(), "case");
        int expected =
                width(results.stream().map(ConformanceSuite.Result::expected).toList(), "expected");
        int got = width(results.stream().map(ConformanceSuite.Result::got).toList(), "got");
        String row = "%-" + name + "s | %-" + expected + "s | %-" + got + "s | %s%n";
        out.printf(row, "case", "expected", "got", "result");
        out.println("-".repeat(name + expected + got + 15));
        for (ConformanceSuite.Result result : results) {
            out.printf(row, result.name(), result.expected(), result.got(), result.passed() ? "PASS" : "FAIL");
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        results.stream()
                .filter(r -> !r.passed())
                .forEach(r -> out.println("FAIL " + r.name() + ": " + oneLine(r.note())));
        out.println(
                failed == 0
                        ? "PASSED: all " + results.size() + " cases passed"
                        : "FAILED: " + failed + " of " + results.size() + " cases failed");
        out.flush();
    }

    private static int width(List<String> values, String header) {
        return Math.max(
                header.length(), values.stream().mapToInt(String::length).max().orElse(0));
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
