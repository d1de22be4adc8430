package org.cbec.gateway.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.X509Certificate;
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
import org.cbec.gateway.evidence.InboundEvidence;
import org.cbec.gateway.evidence.LogEntry;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.evidence.TrustedTime;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.partner.AlgorithmPolicy;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.recognition.AeoRegistry;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.SigningTimePolicy;
import org.cbec.gateway.signature.TrustInForce;
import org.cbec.gateway.signature.TrustedSigner;
import org.cbec.gateway.signature.revocation.RevocationChecker;
import org.cbec.gateway.translate.AeoStatusList;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.LocatedError;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way of one inbound message up to the 202: size limit, container, signature, signer and partner,
 * signing-time window, format, permission, translation, and the evidence of whatever was decided.
 * Every message leaves a row in the evidence archive, refused ones included.
 */
public final class InboundIntake {
    private static final Logger LOG = LoggerFactory.getLogger(InboundIntake.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrustInForce signerTrust;
    private final Map<ContainerType, SignatureContainer> containers;
    private final SigningTimePolicy signingTimePolicy;
    private final AlgorithmPolicy algorithmPolicy;
    private final RevocationChecker revocation;
    private final Translators translators;
    private final EvidenceArchive archive;
    private final MessageIds messageIds;
    private final Clock clock;
    private final long maxBytes;
    private final CmsSigner receiptSigner;
    private final AeoRegistry registry;
    private final GatewayMetrics metrics;
    private final AcceptLog acceptLog;
    /** Larger bodies are archived before their 202 (see {@link #logFirst}). */
    private static final int LOG_FIRST_MAX_BYTES = 1 << 20;

    static final String SIGNED_RECEIPT_TYPE = "application/pkcs7-mime; smime-type=signed-data";

    public InboundIntake(
            TrustInForce signerTrust,
            Map<ContainerType, SignatureContainer> containers,
            SigningTimePolicy signingTimePolicy,
            AlgorithmPolicy algorithmPolicy,
            RevocationChecker revocation,
            Translators translators,
            EvidenceArchive archive,
            MessageIds messageIds,
            Clock clock,
            long maxBytes,
            CmsSigner receiptSigner,
            AeoRegistry registry,
            GatewayMetrics metrics,
            AcceptLog acceptLog) {
        this.acceptLog = acceptLog;
        this.signerTrust = signerTrust;
        this.containers = Map.copyOf(containers);
        this.signingTimePolicy = signingTimePolicy;
        this.algorithmPolicy = algorithmPolicy;
        this.revocation = revocation;
        this.translators = translators;
        this.archive = archive;
        this.messageIds = messageIds;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.receiptSigner = receiptSigner;
        this.registry = registry;
        this.metrics = metrics;
    }

    private volatile TrustedTime trustedTime;

    /** From now on the intake refuses with EVIDENCE_UNAVAILABLE while {@code time} says seals cannot be time-stamped. */
    public void refuseWithoutTrustedTime(TrustedTime time) {
        this.trustedTime = time;
    }

    /**
     * Decides on one request body and archives the decision; with {@code signedReceipt} the receipt of an
     * accepted or duplicate message comes back as CMS SignedData by the gateway's key. Never throws for bad input.
     */
    public IntakeDecision admit(ReceivedBody body, String contentType, boolean signedReceipt) {
        return admit(body, contentType, signedReceipt, null);
    }

    /** The same on a connection bound to a partner by its TLS client certificate: {@code partnerCheck} refuses another's signature. */
    public IntakeDecision admit(
            ReceivedBody body,
            String contentType,
            boolean signedReceipt,
            java.util.function.Consumer<String> partnerCheck) {
        IntakeDecision decision = admit(
                body, contentType, ContainerType.fromContentType(contentType).orElse(null), null, partnerCheck);
        if (!signedReceipt || decision.verdict() == Verdict.REJECTED) {
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

    /** Refuses a body before reading it as a container (an encoding the gateway does not take, say), with its evidence. */
    public IntakeDecision refuseUnread(ReceivedBody body, String contentType, GatewayError error, String detail) {
        Instant receivedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Evidence evidence = new Evidence(messageIds.next(), receivedAt, body.sha256(), body, contentType);
        evidence.keepContent = body.length() <= maxBytes;
        return refuse(evidence, error, detail);
    }

    /** Decides on one request body and archives the decision. Never throws for bad input. */
    public IntakeDecision admit(byte[] body, String contentType) {
        return admit(
                ReceivedBody.of(body),
                contentType,
                ContainerType.fromContentType(contentType).orElse(null));
    }

    /**
     * Decides on a body whose container is already known (SOAP, say, from the endpoint it came to); null
     * means the Content-Type named no container the gateway knows.
     */
    public IntakeDecision admit(byte[] body, String contentType, ContainerType containerType) {
        return admit(ReceivedBody.of(body), contentType, containerType);
    }

    /** The same on a connection bound to a partner (see {@link #admit(ReceivedBody, String, boolean, java.util.function.Consumer)}). */
    public IntakeDecision admit(
            byte[] body,
            String contentType,
            ContainerType containerType,
            java.util.function.Consumer<String> partnerCheck) {
        return admit(ReceivedBody.of(body), contentType, containerType, null, partnerCheck);
    }

    /** The same, for a body read in place ({@link ReceivedBody}). */
    public IntakeDecision admit(ReceivedBody body, String contentType, ContainerType containerType) {
        return admit(body, contentType, containerType, null, null);
    }

    /**
     * Decides on one document whose signature a transport has verified already (an AS4 payload, signed by the
     * WS-Security signature of its message): the same signer checks, duplicates, translation and evidence as every
     * other container; {@code partnerCheck} may refuse the signer's partner (by its id) (an AS4 From that names another, say).
     */
    public IntakeDecision admitOpened(
            ReceivedBody body,
            String contentType,
            SignedDocument opened,
            java.util.function.Consumer<String> partnerCheck) {
        return admit(body, contentType, null, (bytes, type) -> opened, partnerCheck);
    }

    /**
     * The signer checks alone, for a transport that must know the partner before it admits what it carries (AS4):
     * chain to an enabled partner's anchors, validity, signer profile, algorithm policy, revocation, signing-time window.
     *
     * @throws GatewayException with the code of the first check that fails
     */
    public TrustedSigner judgeSigner(SignedDocument signed, Instant receivedAt) {
        Instant judgedAt = signingTimePolicy.effectiveSigningTime(signed, receivedAt);
        TrustedSigner trusted;
        try {
            trusted = signerTrust.current().partnerOf(signed.signer(), signed.carriedCertificates(), judgedAt);
        } catch (GatewayException unknown) {
            // A partner file added or changed a moment ago is in force for this message already.
            if (unknown.error() != GatewayError.UNKNOWN_SIGNER || !signerTrust.reloadIfChanged()) {
                throw unknown;
            }
            trusted = signerTrust.current().partnerOf(signed.signer(), signed.carriedCertificates(), judgedAt);
        }
        Partner partner = trusted.partner();
        algorithmPolicy.with(partner.algorithms()).check(signed.algorithm(), signed.signer(), trusted.chain());
        revocation.check(trusted.chain(), trusted.trustAnchor(), partner.revocation(), partner.crls());
        signingTimePolicy.check(signed.signingTime());
        return trusted;
    }

    /** Refuses a request a transport judged before any document in it was read, with what it knew of the signer, as evidence. */
    public IntakeDecision refuse(
            ReceivedBody body,
            String contentType,
            GatewayError error,
            String detail,
            X509Certificate signer,
            Partner partner) {
        Instant receivedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Evidence evidence = new Evidence(messageIds.next(), receivedAt, body.sha256(), body, contentType);
        evidence.keepContent = body.length() <= maxBytes;
        evidence.signer = signer;
        evidence.partner = partner;
        return refuse(evidence, error, detail);
    }

    private IntakeDecision admit(
            ReceivedBody body,
            String contentType,
            ContainerType containerType,
            SignatureContainer opened,
            java.util.function.Consumer<String> partnerCheck) {
        long startedNanos = System.nanoTime();
        Instant receivedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String messageId = messageIds.next();
        String sha256 = body.sha256();
        Evidence evidence = new Evidence(messageId, receivedAt, sha256, body, contentType);
        evidence.startedNanos = startedNanos;
        try {
            if (body.length() > maxBytes) {
                evidence.keepContent = false;
                throw new GatewayException(
                        GatewayError.PAYLOAD_TOO_LARGE,
                        "the body has " + body.length() + " bytes; the limit is " + maxBytes);
            }
            TrustedTime time = trustedTime;
            if (time != null && !time.available()) {
                // One volatile read: the seals' time-stamping runs on its own timer, never on a message's way.
                throw new GatewayException(
                        GatewayError.EVIDENCE_UNAVAILABLE,
                        "the gateway cannot time-stamp its evidence now (" + time.problem() + "); send again later");
            }
            // A transport's payload (AS4) is unsigned inside: its bytes say nothing of the partner before the signer is
            // known,
            // so only the partner's own content decides that it is a duplicate (below).
            Optional<String> first = opened == null ? archive.acceptedMessageWithDigest(sha256) : Optional.empty();
            if (first.isPresent()) {
                if (partnerCheck != null) {
                    // the same bytes again, on a connection bound to a partner: the first's partner must be that one
                    archive.receiptOf(first.get()).ifPresent(receipt -> partnerCheck.accept(receipt.partnerId()));
                }
                return duplicate(evidence, first.get());
            }
            if (body.length() == 0) {
                throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the body is empty");
            }
            if (containerType == null && opened == null) {
                throw new GatewayException(
                        GatewayError.UNSUPPORTED_FORMAT,
                        contentType == null || contentType.isBlank()
                                ? "the request has no Content-Type; send application/pkcs7-mime for CMS SignedData"
                                : "the Content-Type '" + contentType
                                        + "' is not a signature container the gateway accepts");
            }
            SignatureContainer container = opened != null ? opened : containers.get(containerType);
            if (container == null) {
                throw new GatewayException(
                        GatewayError.UNSUPPORTED_FORMAT,
                        "the " + containerType + " container is not accepted by this gateway");
            }
            long verifyStarted = System.nanoTime();
            SignedDocument signed = container.open(body, contentType);
            evidence.signer = signed.signer();
            evidence.signingTime = signed.signingTime().orElse(null);
            Instant judgedAt = signingTimePolicy.effectiveSigningTime(signed, receivedAt);
            TrustedSigner trusted;
            try {
                trusted = signerTrust.current().partnerOf(signed.signer(), signed.carriedCertificates(), judgedAt);
            } catch (GatewayException unknown) {
                // A partner file added or changed a moment ago is in force for this message already.
                if (unknown.error() != GatewayError.UNKNOWN_SIGNER || !signerTrust.reloadIfChanged()) {
                    throw unknown;
                }
                trusted = signerTrust.current().partnerOf(signed.signer(), signed.carriedCertificates(), judgedAt);
            }
            Partner partner = trusted.partner();
            evidence.partner = partner;
            if (partnerCheck != null) {
                partnerCheck.accept(partner.id());
            }
            SignatureAlgorithm algorithm = signed.algorithm();
            algorithmPolicy.with(partner.algorithms()).check(algorithm, signed.signer(), trusted.chain());
            revocation.check(trusted.chain(), trusted.trustAnchor(), partner.revocation(), partner.crls());
            signingTimePolicy.check(signed.signingTime());
            stage("verify", verifyStarted, 1);
            // A retry the partner signed again (another signature, the same document) is a duplicate too.
            evidence.contentSha256 = signed.signedContent().sha256();
            Optional<String> firstWithContent = firstWithContent(partner.id(), evidence.contentSha256);
            if (firstWithContent.isPresent()) {
                return duplicate(evidence, firstWithContent.get());
            }
            DocumentFormat format = translators
                    .recognise(signed.signedContent())
                    .orElseThrow(() -> new GatewayException(
                            GatewayError.UNSUPPORTED_FORMAT,
                            "the signed content is not a business document format the gateway knows"));
            evidence.format = format;
            if (!translators.supports(format)) {
                throw new GatewayException(
                        GatewayError.UNSUPPORTED_FORMAT,
                        "the format " + format.id() + " is recognised but not yet translated by this gateway");
            }
            if (!partner.maySend(format.recordType())) {
                throw new GatewayException(
                        GatewayError.MESSAGE_TYPE_NOT_ALLOWED,
                        "partner " + partner.id() + " may not send " + format.recordType() + " (allowed: "
                                + partner.messageTypes() + ")");
            }
            long translateStarted = System.nanoTime();
            Translation translation = translators.translate(
                    format, signed.signedContent(), new TranslationContext(partner.id(), messageId, partner.country()));
            stage("translate", translateStarted, 1);
            if (translation instanceof Translation.Invalid invalid) {
                evidence.errors = invalid.errors();
                throw new GatewayException(
                        GatewayError.SCHEMA_INVALID,
                        "the " + format.id() + " document has "
                                + invalid.errors().size() + " error(s); each is listed in errors");
            }
            List<CanonicalRecord> records =
                    recognition(partner, format, signed, evidence, ((Translation.Records) translation).records());
            return accept(evidence, records);
        } catch (GatewayException refusal) {
            return refuse(evidence, refusal.error(), refusal.detail());
        } catch (RuntimeException unexpected) {
            // A bug, not bad input: still archived and answered, never lost silently.
            LOG.error("Unexpected failure on message {}", messageId, unexpected);
            return refuse(
                    evidence,
                    GatewayError.INTERNAL_ERROR,
                    "the gateway failed on this message; it is archived as " + messageId);
        }
    }

    /**
     * The mutual-recognition rules at the moment of acceptance: shipments get their seller's AEO status as
     * the partner last reported it; a FULL AEO list withdraws the partner's operators it leaves out.
     */
    private List<CanonicalRecord> recognition(
            Partner partner,
            DocumentFormat format,
            SignedDocument signed,
            Evidence evidence,
            List<CanonicalRecord> records) {
        if (format.recordType() != RecordType.AEO_STATUS
                || AeoStatusList.listType(format, signed.signedContent()).orElse(AeoStatusList.ListType.DELTA)
                        != AeoStatusList.ListType.FULL) {
            return registry.recognise(partner.id(), format.recordType(), records);
        }
        Set<String> listed = new HashSet<>();
        records.forEach(r -> listed.add(((AeoStatusRecord) r).aeoId()));
        List<CanonicalRecord> withWithdrawals = new ArrayList<>(records);
        withWithdrawals.addAll(registry.withdrawalsForFullList(
                new RecordSource(partner.id(), evidence.messageId, format.id()),
                listed,
                signed.signingTime().orElse(evidence.receivedAt)));
        return withWithdrawals;
    }

    /**
     * Whether an accepted message is ONE append to the accept log, projected into the archive after its 202. AEO
     * statements are archived before their 202 instead: the next message is judged by the registry they change
     * (read your own writes); and so is a large list, whose records document is written as a stream.
     */
    private boolean logFirst(Evidence evidence, List<CanonicalRecord> records) {
        return acceptLog != null
                && evidence.format.recordType() != RecordType.AEO_STATUS
                && records.size() < RecordsDocument.STREAMED_FROM_RECORDS
                && evidence.content.length() <= LOG_FIRST_MAX_BYTES;
    }

    /** The 202 follows the append to the accept log; the archive and the ledger are projected from it. */
    private IntakeDecision acceptIntoLog(Evidence evidence, RecordsDocument document, String receiptJson) {
        LogEntry entry = new LogEntry(
                evidence.messageId,
                evidence.receivedAt,
                evidence.sha256,
                evidence.contentSha256,
                evidence.contentType,
                evidence.partner.id(),
                evidence.signer == null
                        ? null
                        : evidence.signer.getSubjectX500Principal().getName(),
                evidence.signingTime,
                evidence.format.id(),
                document.size(),
                receiptJson,
                evidence.content.bytes(),
                document.text());
        Optional<AcceptLog.InFlight> first = acceptLog.claim(entry);
        if (first.isPresent()) {
            return duplicate(evidence, first.get().entry().messageId());
        }
        long appendStarted = System.nanoTime();
        boolean appended = acceptLog.append(entry);
        stage("append", appendStarted, 1);
        if (!appended) {
            // The broker has the same document already (appended before a restart, say): its entry reaches the archive
            // within moments.
            return duplicate(evidence, firstAcceptedElsewhere(evidence.partner.id(), evidence.contentSha256));
        }
        return observed(
                evidence,
                evidence.partner.id(),
                evidence.format.id(),
                IntakeDecision.accepted(
                                Verdict.ACCEPTED, evidence.messageId, HttpAnswer.rawJson(202, receiptJson), receiptJson)
                        .appended());
    }

    private void stage(String stage, long startedNanos, int items) {
        if (metrics != null) {
            metrics.stage(stage, System.nanoTime() - startedNanos, items);
        }
    }

    /** The first accepted message with this partner's signed content: archived, or in flight here. */
    private Optional<String> firstWithContent(String partnerId, String contentSha256) {
        if (acceptLog != null) {
            Optional<AcceptLog.InFlight> inFlight = acceptLog.inFlightWithContent(partnerId, contentSha256);
            if (inFlight.isPresent()) {
                return Optional.of(inFlight.get().entry().messageId());
            }
        }
        return archive.acceptedMessageWithContent(partnerId, contentSha256);
    }

    /** The id of the message with these bytes that another instance appended, once its projection archived it. */
    private String firstAcceptedElsewhere(String partnerId, String contentSha256) {
        // The first is archived as soon as the instance that appended it projects it: moments, seconds under load.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<String> first = archive.acceptedMessageWithContent(partnerId, contentSha256);
            if (first.isPresent()) {
                return first.get();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
        }
        LOG.warn(
                "The broker has {}'s signed content {} from another instance, which is not archived after 30 s",
                partnerId,
                contentSha256);
        throw new GatewayException(
                GatewayError.OVERLOADED,
                "the same document was accepted a moment ago and is not archived yet; retry later");
    }

    private IntakeDecision accept(Evidence evidence, List<CanonicalRecord> records) {
        ObjectNode receipt = JSON.createObjectNode();
        receipt.put("messageId", evidence.messageId);
        receipt.put("partner", evidence.partner.id());
        receipt.put("documentFormat", evidence.format.id());
        receipt.put("records", records.size());
        receipt.put("sha256", evidence.sha256);
        receipt.put("receivedAt", evidence.receivedAt.toString());
        receipt.put("status", "ACCEPTED");
        String receiptJson = toJson(receipt);
        // What the national systems get: the fields the partner's agreement allows, with its legal basis (the archived
        // bytes keep everything); the registry below keeps the statements whole, as evidence of what was said.
        RecordsDocument document = RecordsDocument.of(InboundAgreements.apply(evidence.partner.agreement(), records));
        if (logFirst(evidence, records)) {
            return acceptIntoLog(evidence, document, receiptJson);
        }
        Optional<String> first = archive.archiveAccepted(
                evidence.toRecord(Verdict.ACCEPTED, null, null, records.size(), document, receiptJson, null),
                evidence.contentSha256,
                connection -> registry.record(connection, evidence.messageId, evidence.receivedAt, records));
        if (first.isPresent()) {
            return duplicate(evidence, first.get());
        }
        return observed(
                evidence,
                evidence.partner.id(),
                evidence.format.id(),
                IntakeDecision.accepted(
                        Verdict.ACCEPTED, evidence.messageId, HttpAnswer.rawJson(202, receiptJson), receiptJson));
    }

    private IntakeDecision duplicate(Evidence evidence, String firstMessageId) {
        EvidenceArchive.FirstReceipt first = archive.receiptOf(firstMessageId)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.INTERNAL_ERROR, "the first message " + firstMessageId + " is not in the archive"));
        archive.archiveNotAccepted(evidence.toRecord(Verdict.DUPLICATE, null, null, 0, null, null, firstMessageId));
        ObjectNode receipt;
        try {
            receipt = (ObjectNode) JSON.readTree(first.receiptJson());
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the first receipt cannot be read", e);
        }
        receipt.put("status", "DUPLICATE");
        String receiptJson = toJson(receipt);
        return observed(
                evidence,
                first.partnerId(),
                first.documentFormat(),
                IntakeDecision.accepted(
                        Verdict.DUPLICATE, firstMessageId, HttpAnswer.rawJson(200, receiptJson), receiptJson));
    }

    /** Counts the decision and how long it took; the partner is the signer's (a duplicate's: the first message's). */
    private IntakeDecision observed(Evidence evidence, String partner, String format, IntakeDecision decision) {
        metrics.decided(
                decision, partner, format, java.time.Duration.ofNanos(System.nanoTime() - evidence.startedNanos));
        return decision;
    }

    private IntakeDecision refuse(Evidence evidence, GatewayError error, String detail) {
        LOG.info(
                "Refused message {} from {}: {} {}",
                evidence.messageId,
                evidence.partner == null ? "unknown partner" : evidence.partner.id(),
                error.code(),
                detail);
        archive.archiveNotAccepted(evidence.toRecord(Verdict.REJECTED, error.code(), detail, 0, null, null, null));
        return observed(
                evidence,
                evidence.partner == null ? null : evidence.partner.id(),
                evidence.format == null ? null : evidence.format.id(),
                IntakeDecision.refused(
                        evidence.messageId,
                        HttpAnswer.problem(error, detail, evidence.messageId, evidence.errors),
                        error,
                        detail));
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot serialise", e);
        }
    }

    /** What is known of a message so far, as the checks go. */
    private static final class Evidence {
        final String messageId;
        final Instant receivedAt;
        final String sha256;
        final ReceivedBody content;
        final String contentType;
        long startedNanos = System.nanoTime();
        boolean keepContent = true;
        X509Certificate signer;
        Instant signingTime;
        Partner partner;
        DocumentFormat format;
        List<LocatedError> errors = List.of();
        String contentSha256;

        Evidence(String messageId, Instant receivedAt, String sha256, ReceivedBody content, String contentType) {
            this.messageId = messageId;
            this.receivedAt = receivedAt;
            this.sha256 = sha256;
            this.content = content;
            this.contentType = contentType;
        }

        InboundEvidence toRecord(
                Verdict verdict,
                String code,
                String detail,
                int recordCount,
                RecordsDocument records,
                String receiptJson,
                String duplicateOf) {
            return new InboundEvidence(
                    messageId,
                    receivedAt,
                    sha256,
                    content.length(),
                    contentType,
                    keepContent ? content : null,
                    partner == null ? null : partner.id(),
                    signer == null ? null : signer.getSubjectX500Principal().getName(),
                    signingTime,
                    format == null ? null : format.id(),
                    verdict,
                    code,
                    detail,
                    errors.stream().map(LocatedError::toString).toList(),
                    recordCount,
                    records,
                    receiptJson,
                    duplicateOf);
        }
    }
}
