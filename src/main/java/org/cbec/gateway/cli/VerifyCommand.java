package org.cbec.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.intake.ContainerType;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.SignerTrust;
import org.cbec.gateway.signature.SigningTimePolicy;
import org.cbec.gateway.signature.TrustedSigner;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.LocatedError;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: judge a signed file offline, with the gateway's own verifiers, trust, policies and
 * translators, against one partner file. The same steps, in the same order, as InboundIntake.admit, less
 * what needs the running gateway: revocation (network), duplicates and evidence (database).
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description =
                "Check a signed FILE offline against one partner file as the gateway would judge it: signature, signer trust, algorithms, signing time, document format, message type and schema. Revocation is not checked offline. Exit 0 when the gateway would accept it, 1 with the refusal code otherwise, 2 on bad usage or configuration.",
        footer = "Example: cbec-gateway verify --partner config/partners/CN-GACC.yaml /tmp/aeo.p7m")
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PartnerFileOption partnerFile;

    @Option(
            names = "--content-type",
            paramLabel = "TYPE",
            description = "the Content-Type it would be sent with (default: ${DEFAULT-VALUE})")
    String contentType = GatewayClient.CMS;

    @Option(
            names = "--config",
            paramLabel = "DIR",
            description = "configuration directory for the algorithm and signing-time settings "
                    + "(default: ${DEFAULT-VALUE}, or GATEWAY_CONFIG_DIR)")
    Path configDir = GatewayCli.defaultConfigDir();

    @Parameters(index = "0", paramLabel = "FILE", description = "the signed message, as it would be POSTed")
    Path file;

    private PrintWriter out;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        GatewaySettings settings = GatewaySettings.load(configDir, GatewayCli.environment(spec), Map.of());
        PartnerRegistry registry = partnerFile.load();
        byte[] body = SendCommand.read(file);
        try {
            judge(settings, registry, body);
            return GatewayCli.OK;
        } catch (GatewayException refusal) {
            out.println("REFUSED: " + refusal.error().code() + " (HTTP "
                    + refusal.error().httpStatus() + "): " + refusal.detail());
            return GatewayCli.CHECK_FAILED;
        } finally {
            out.flush();
        }
    }

    private void judge(GatewaySettings settings, PartnerRegistry registry, byte[] body) {
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        long maxBytes = settings.getLong("gateway.inbound.max-bytes");
        if (body.length > maxBytes) {
            throw new GatewayException(
                    GatewayError.PAYLOAD_TOO_LARGE, "the file has " + body.length + " bytes; the limit is " + maxBytes);
        }
        SignedDocument signed = container(settings).open(body, contentType);
        out.println(
                "signer:        " + signed.signer().getSubjectX500Principal().getName());
        out.println("signing time:  "
                + signed.signingTime().map(Instant::toString).orElse("none (judged at the time received)"));
        SignatureAlgorithm algorithm = signed.algorithm();
        out.println("algorithm:     " + algorithm);
        SigningTimePolicy signingTime = GatewayRuntime.signingTimePolicy(settings, clock);
        TrustedSigner trusted = new SignerTrust(registry)
                .partnerOf(
                        signed.signer(), signed.carriedCertificates(), signingTime.effectiveSigningTime(signed, now));
        Partner partner = trusted.partner();
        out.println("partner:       " + partner.id() + " (" + partner.name() + ")");
        GatewayRuntime.algorithmPolicy(settings)
                .with(partner.algorithms())
                .check(algorithm, signed.signer(), trusted.chain());
        out.println("revocation:    NOT CHECKED offline (the partner's policy is '"
                + partner.revocation().value() + "'; the gateway checks it)");
        signingTime.check(signed.signingTime());
        Translators translators = Translators.standard();
        DocumentFormat format = translators
                .recognise(signed.signedContent())
                .orElseThrow(() -> new GatewayException(
                        GatewayError.UNSUPPORTED_FORMAT,
                        "the signed content is not a business document format the gateway knows"));
        out.println("format:        " + format.id());
        if (!partner.maySend(format.recordType())) {
            throw new GatewayException(
                    GatewayError.MESSAGE_TYPE_NOT_ALLOWED,
                    "partner " + partner.id() + " may not send " + format.recordType() + " (allowed: "
                            + partner.messageTypes() + ")");
        }
        Translation translation = translators.translate(
                format,
                signed.signedContent(),
                new TranslationContext(partner.id(), "offline-verify", partner.country()));
        if (translation instanceof Translation.Invalid invalid) {
            printErrors(invalid.errors());
            throw new GatewayException(
                    GatewayError.SCHEMA_INVALID,
                    "the " + format.id() + " document has " + invalid.errors().size() + " error(s)");
        }
        out.println("records:       "
                + ((Translation.Records) translation).records().size());
        out.println("ACCEPTABLE: the gateway would accept this message (revocation not checked offline)");
    }

    private SignatureContainer container(GatewaySettings settings) {
        ContainerType type = ContainerType.fromContentType(contentType)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.UNSUPPORTED_FORMAT,
                        "the Content-Type '" + contentType + "' is not a signature container the gateway accepts"));
        return GatewayRuntime.signatureContainers(settings).get(type);
    }

    private void printErrors(List<LocatedError> errors) {
        out.println("errors:        " + errors.size());
        errors.forEach(error -> out.println("  " + error.location() + ": " + error.message()));
    }
}
