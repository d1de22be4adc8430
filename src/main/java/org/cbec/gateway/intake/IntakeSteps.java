package org.cbec.gateway.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cbec.gateway.agreement.InboundAgreements;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.canonical.RecordsDocument;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.TrustedTime;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.AlgorithmPolicy;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.recognition.AeoRegistry;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.SigningTimePolicy;
import org.cbec.gateway.signature.TrustInForce;
import org.cbec.gateway.signature.TrustedSigner;
import org.cbec.gateway.signature.revocation.RevocationChecker;
import org.cbec.gateway.translate.AeoStatusList;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one inbound message up to its answer, in the order routes/inbound-intake runs them: read, verify,
 * translate, recognise, apply the agreement, append, answer. A step that finds the message wanting throws the
 * {@link GatewayException} of its code, which {@link #refuse} turns into archived evidence and a problem answer; a
 * step that finds it a duplicate decides the case, and the steps after it pass it on untouched. Only
 * {@link #append} writes an accepted message, in one durable append: that is all a 202 waits for.
 */
public final class IntakeSteps {
    private static final Logger LOG = LoggerFactory.getLogger(InboundIntake.class);
    static final String SIGNED_RECEIPT_TYPE = "application/pkcs7-mime; smime-type=signed-data";

    /** What the steps check a message against. */
    public record Policies(
            TrustInForce signerTrust,
            Map<ContainerType, SignatureContainer> containers,
            SigningTimePolicy signingTimePolicy,
            AlgorithmPolicy algorithmPolicy,
            RevocationChecker revocation,
            Translators translators,
            long maxBytes) {
        public Policies {
            containers = Map.copyOf(containers);
        }
    }

    private final Policies policies;
    private final EvidenceArchive archive;
    private final AeoRegistry registry;
    private final GatewayMetrics metrics;
    private final CmsSigner receiptSigner;
    private final IntakeAppend append;
    private final Clock clock;
    private final IntakeVerdicts verdicts;
    private volatile TrustedTime trustedTime;

    /**
     * Where the steps look things up and write them: the archive (duplicates, evidence), the AEO registry (recognition,
     * and the statements an accepted message makes) and the accept log an accepted message is appended to; null: every
     * accepted message is archived before its 202 (no log-first).
     */
    public record Stores(EvidenceArchive archive, AeoRegistry registry, AcceptLog acceptLog) {}

    public IntakeSteps(Policies policies, Stores stores, GatewayMetrics metrics, CmsSigner receiptSigner, Clock clock) {
        this.policies = policies;
        this.archive = stores.archive();
        this.registry = stores.registry();
        this.metrics = metrics;
        this.receiptSigner = receiptSigner;
        this.clock = clock;
        this.verdicts = new IntakeVerdicts(archive, metrics);
        this.append = new IntakeAppend(archive, registry, stores.acceptLog(), verdicts, this::stage);
    }

    /** From now on the intake refuses with EVIDENCE_UNAVAILABLE while {@code time} says seals cannot be time-stamped. */
    public void refuseWithoutTrustedTime(TrustedTime time) {
        this.trustedTime = time;
    }

    /** All the steps, as the route runs them, for a transport that admits documents from Java (AS4). */
    IntakeDecision run(IntakeCase c) {
        try {
            read(c);
            verify(c);
            translate(c);
            recognise(c);
            applyAgreement(c);
            append(c);
        } catch (RuntimeException failure) {
            refuse(c, failure);
        }
        return answer(c);
    }

    /** Size limit, trusted time, the same bytes again, an empty body, the container the Content-Type names. */
    public void read(IntakeCase c) {
        if (c.decided()) {
            return;
        }
        if (c.content.length() > policies.maxBytes()) {
            c.keepContent = false;
            throw new GatewayException(
                    GatewayError.PAYLOAD_TOO_LARGE,
                    "the body has " + c.content.length() + " bytes; the limit is " + policies.maxBytes());
        }
        TrustedTime time = trustedTime;
        if (time != null && !time.available()) {
            // One volatile read: the seals' time-stamping runs on its own timer, never on a message's way.
            throw new GatewayException(
                    GatewayError.EVIDENCE_UNAVAILABLE,
                    "the gateway cannot time-stamp its evidence now (" + time.problem() + "); send again later");
        }
        // A transport's payload (AS4) is unsigned inside: its bytes say nothing of the partner before the signer is
        // known, so only the partner's own content decides that it is a duplicate (in verify).
        Optional<String> first =
                c.handover.opened() == null ? archive.acceptedMessageWithDigest(c.sha256) : Optional.empty();
        if (first.isPresent()) {
            if (c.handover.partnerCheck() != null) {
                // the same bytes again, on a connection bound to a partner: the first's partner must be that one
                archive.receiptOf(first.get())
                        .ifPresent(receipt -> c.handover.partnerCheck().accept(receipt.partnerId()));
            }
            verdicts.duplicate(c, first.get());
            return;
        }
        if (c.content.length() == 0) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the body is empty");
        }
        if (c.handover.containerType() == null && c.handover.opened() == null) {
            throw new GatewayException(
                    GatewayError.UNSUPPORTED_FORMAT,
                    c.contentType == null || c.contentType.isBlank()
                            ? "the request has no Content-Type; send application/pkcs7-mime for CMS SignedData"
                            : "the Content-Type '" + c.contentType
                                    + "' is not a signature container the gateway accepts");
        }
        c.container = c.handover.opened() != null
                ? c.handover.opened()
                : policies.containers().get(c.handover.containerType());
        if (c.container == null) {
            throw new GatewayException(
                    GatewayError.UNSUPPORTED_FORMAT,
                    "the " + c.handover.containerType() + " container is not accepted by this gateway");
        }
    }

    /**
     * The signature, the signer's partner (the connection's must be the same), algorithms, revocation and the
     * signing-time window; then the same signed content again from that partner (signed anew, say).
     */
    public void verify(IntakeCase c) {
        if (c.decided()) {
            return;
        }
        long verifyStarted = System.nanoTime();
        SignedDocument signed = c.container.open(c.content, c.contentType);
        c.signed = signed;
        c.signer = signed.signer();
        c.signingTime = signed.signingTime().orElse(null);
        TrustedSigner trusted = partnerOf(signed, c.receivedAt);
        Partner partner = trusted.partner();
        c.partner = partner;
        if (c.handover.partnerCheck() != null) {
            c.handover.partnerCheck().accept(partner.id());
        }
        checkSigner(signed, trusted);
        stage("verify", verifyStarted);
        // A retry the partner signed again (another signature, the same document) is a duplicate too.
        c.contentSha256 = signed.signedContent().sha256();
        Optional<String> first = append.firstWithContent(partner.id(), c.contentSha256);
        if (first.isPresent()) {
            verdicts.duplicate(c, first.get());
        }
    }

    /** The business format, whether the partner may send it, and its translation into canonical records. */
    public void translate(IntakeCase c) {
        if (c.decided()) {
            return;
        }
        Translators translators = policies.translators();
        DocumentFormat format = translators
                .recognise(c.signed.signedContent())
                .orElseThrow(() -> new GatewayException(
                        GatewayError.UNSUPPORTED_FORMAT,
                        "the signed content is not a business document format the gateway knows"));
        c.format = format;
        if (!translators.supports(format)) {
            throw new GatewayException(
                    GatewayError.UNSUPPORTED_FORMAT,
                    "the format " + format.id() + " is recognised but not yet translated by this gateway");
        }
        if (!c.partner.maySend(format.recordType())) {
            throw new GatewayException(
                    GatewayError.MESSAGE_TYPE_NOT_ALLOWED,
                    "partner " + c.partner.id() + " may not send " + format.recordType() + " (allowed: "
                            + c.partner.messageTypes() + ")");
        }
        long translateStarted = System.nanoTime();
        Translation translation = translators.translate(
                format,
                c.signed.signedContent(),
                new TranslationContext(c.partner.id(), c.messageId, c.partner.country()));
        stage("translate", translateStarted);
        if (translation instanceof Translation.Invalid invalid) {
            c.errors = invalid.errors();
            throw new GatewayException(
                    GatewayError.SCHEMA_INVALID,
                    "the " + format.id() + " document has " + invalid.errors().size()
                            + " error(s); each is listed in errors");
        }
        c.records = ((Translation.Records) translation).records();
    }

    /**
     * The mutual-recognition rules at the moment of acceptance: shipments get their seller's AEO status as the partner
     * last reported it; a FULL AEO list withdraws the partner's operators it leaves out.
     */
    public void recognise(IntakeCase c) {
        if (c.decided()) {
            return;
        }
        if (c.format.recordType() != RecordType.AEO_STATUS
                || AeoStatusList.listType(c.format, c.signed.signedContent()).orElse(AeoStatusList.ListType.DELTA)
                        != AeoStatusList.ListType.FULL) {
            c.records = registry.recognise(c.partner.id(), c.format.recordType(), c.records);
            return;
        }
        Set<String> listed = new HashSet<>();
        c.records.forEach(r -> listed.add(((AeoStatusRecord) r).aeoId()));
        List<CanonicalRecord> withWithdrawals = new ArrayList<>(c.records);
        withWithdrawals.addAll(registry.withdrawalsForFullList(
                new RecordSource(c.partner.id(), c.messageId, c.format.id()),
                listed,
                c.signed.signingTime().orElse(c.receivedAt)));
        c.records = withWithdrawals;
    }

    /**
     * The receipt, and what the national systems get: the fields the partner's agreement allows, with its legal basis
     * (the archived bytes keep everything; the registry keeps the statements whole, as evidence of what was said).
     */
    public void applyAgreement(IntakeCase c) {
        if (c.decided()) {
            return;
        }
        ObjectNode receipt = IntakeVerdicts.JSON.createObjectNode();
        receipt.put("messageId", c.messageId);
        receipt.put("partner", c.partner.id());
        receipt.put("documentFormat", c.format.id());
        receipt.put("records", c.records.size());
        receipt.put("sha256", c.sha256);
        receipt.put("receivedAt", c.receivedAt.toString());
        receipt.put("status", "ACCEPTED");
        c.receiptJson = IntakeVerdicts.toJson(receipt);
        c.document = RecordsDocument.of(InboundAgreements.apply(c.partner.agreement(), c.records));
    }

    /**
     * The one durable write of an accepted message, all its 202 waits for: an append to the accept log, whose
     * projection archives it afterwards; or, where it is not log-first, its archive row with the registry's.
     */
    public void append(IntakeCase c) {
        if (c.decided()) {
            return;
        }
        append.append(c);
    }

    /** A step's refusal, archived with its code; anything else is a bug, still archived and answered, never lost. */
    public void refuse(IntakeCase c, Exception failure) {
        if (failure instanceof GatewayException refusal) {
            verdicts.refuse(c, refusal.error(), refusal.detail());
            return;
        }
        LOG.error("Unexpected failure on message {}", c.messageId, failure);
        verdicts.refuse(
                c, GatewayError.INTERNAL_ERROR, "the gateway failed on this message; it is archived as " + c.messageId);
    }

    /** The decision; the receipt of an accepted or duplicate message as CMS SignedData where the partner asked. */
    public IntakeDecision answer(IntakeCase c) {
        IntakeDecision decision = c.decision();
        if (!c.handover.signedReceipt() || decision.verdict() == Verdict.REJECTED) {
            return decision;
        }
        byte[] cms = receiptSigner.sign(decision.answer().content());
        archive.archiveSignedReceipt(decision.messageId(), clock.instant(), cms);
        return decision.withAnswer(new HttpAnswer(
                decision.answer().status(),
                SIGNED_RECEIPT_TYPE,
                cms,
                decision.answer().headers()));
    }

    /** The signer checks alone (see {@link InboundIntake#judgeSigner}). */
    TrustedSigner judgeSigner(SignedDocument signed, Instant receivedAt) {
        TrustedSigner trusted = partnerOf(signed, receivedAt);
        checkSigner(signed, trusted);
        return trusted;
    }

    /** Archives a decision taken outside the steps (a transport's refusal) as the case's. */
    IntakeVerdicts verdicts() {
        return verdicts;
    }

    private TrustedSigner partnerOf(SignedDocument signed, Instant receivedAt) {
        Instant judgedAt = policies.signingTimePolicy().effectiveSigningTime(signed, receivedAt);
        TrustInForce signerTrust = policies.signerTrust();
        try {
            return signerTrust.current().partnerOf(signed.signer(), signed.carriedCertificates(), judgedAt);
        } catch (GatewayException unknown) {
            // A partner file added or changed a moment ago is in force for this message already.
            if (unknown.error() != GatewayError.UNKNOWN_SIGNER || !signerTrust.reloadIfChanged()) {
                throw unknown;
            }
            return signerTrust.current().partnerOf(signed.signer(), signed.carriedCertificates(), judgedAt);
        }
    }

    private void checkSigner(SignedDocument signed, TrustedSigner trusted) {
        Partner partner = trusted.partner();
        policies.algorithmPolicy()
                .with(partner.algorithms())
                .check(signed.algorithm(), signed.signer(), trusted.chain());
        policies.revocation().check(trusted.chain(), trusted.trustAnchor(), partner.revocation(), partner.crls());
        policies.signingTimePolicy().check(signed.signingTime());
    }

    void stage(String stage, long startedNanos) {
        if (metrics != null) {
            metrics.stage(stage, System.nanoTime() - startedNanos, 1);
        }
    }
}
