package org.cbec.gateway.config;

import java.time.Clock;
import java.util.Map;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.TrustedTime;
import org.cbec.gateway.forward.DeliveryLedger;
import org.cbec.gateway.intake.ContainerType;
import org.cbec.gateway.intake.IntakeGate;
import org.cbec.gateway.intake.IntakeSteps;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.AlgorithmPolicy;
import org.cbec.gateway.partner.LivePartners;
import org.cbec.gateway.recognition.AeoRegistry;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SigningTimePolicy;
import org.cbec.gateway.signature.revocation.RevocationChecker;
import org.cbec.gateway.translate.Translators;

/**
 * The intake: its gate (drained first on a stop, shedding past the backlog) and the steps of every inbound
 * message up to its answer. The gate's limits are checked when the configuration is made, before anything opens.
 */
@Configuration
public final class IntakeConfiguration extends SettingsConfiguration {
    private final long maxBytes;
    private final IntakeGate.Limits limits;
    private IntakeGate gate;

    public IntakeConfiguration(GatewaySettings settings, Clock clock) {
        super(settings, clock);
        this.maxBytes = settings.getLong("gateway.inbound.max-bytes");
        this.limits = new IntakeGate.Limits(
                settings.getLong("gateway.inbound.max-backlog"),
                settings.getDuration("gateway.inbound.max-wait"),
                settings.getLong("gateway.inbound.large-body-bytes"),
                settings.getInt("gateway.inbound.large-bodies-at-once"));
    }

    /** Not while the gateway drains for a stop or the forward backlog is too deep: 503 OVERLOADED. */
    @BindToRegistry("intakeGate")
    public IntakeGate intakeGate(DeliveryLedger ledger, GatewayMetrics metrics) {
        gate = new IntakeGate(limits, clock, ledger::backlog, metrics::shed);
        return gate;
    }

    /** The steps of routes/inbound-intake, which every transport's documents go through. */
    @BindToRegistry("intakeSteps")
    public IntakeSteps intakeSteps(
            LivePartners partners,
            @BeanInject("signatureContainers") Map<ContainerType, SignatureContainer> containers,
            SigningTimePolicy signingTimePolicy,
            AlgorithmPolicy algorithmPolicy,
            RevocationChecker revocation,
            Translators translators,
            EvidenceArchive archive,
            CmsSigner receiptSigner,
            AeoRegistry registry,
            GatewayMetrics metrics,
            AcceptLog acceptLog,
            Database database,
            TrustedTime trustedTime) {
        IntakeSteps steps = new IntakeSteps(
                new IntakeSteps.Policies(
                        partners, containers, signingTimePolicy, algorithmPolicy, revocation, translators, maxBytes),
                // Log-first only where one process is the arbiter of duplicates (the embedded database): instances
                // sharing an external database agree on a document accepted at the same moment by its unique row,
                // archived before the 202.
                new IntakeSteps.Stores(archive, registry, database.embedded() ? acceptLog : null),
                metrics,
                receiptSigner,
                clock);
        steps.refuseWithoutTrustedTime(trustedTime);
        return steps;
    }

    /** The gate made for this gateway (null before Camel made it): a stop drains it first. */
    public IntakeGate madeGate() {
        return gate;
    }
}
