package org.cbec.gateway.intake;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordsDocument;
import org.cbec.gateway.evidence.InboundEvidence;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.LocatedError;

/**
 * One inbound message on its way through the steps of the intake ({@link IntakeSteps}, routes/inbound-intake): what
 * came in, what the steps found out so far, and, once a step decided (refused it, or found it a duplicate, or
 * accepted it), the decision. A decided case passes the remaining steps untouched.
 */
public final class IntakeCase {
    final String messageId;
    final Instant receivedAt;
    final String sha256;
    final ReceivedBody content;
    final String contentType;
    final long startedNanos;
    final Handover handover;

    boolean keepContent = true;
    X509Certificate signer;
    Instant signingTime;
    Partner partner;
    DocumentFormat format;
    List<LocatedError> errors = List.of();
    String contentSha256;
    SignatureContainer container;
    SignedDocument signed;
    List<CanonicalRecord> records;
    RecordsDocument document;
    String receiptJson;
    private IntakeDecision decision;

    /**
     * What the transport that received the message knows of it beyond its bytes.
     *
     * @param containerType where the transport named the container (SOAP); null: the Content-Type names it, or none
     *     is known
     * @param opened a document a transport opened and verified already (an AS4 payload); null for a container to
     *     open here
     * @param partnerCheck refuses a signer's partner the connection is not bound to (TLS client certificate, AS4
     *     From); may be null
     * @param signedReceipt whether the receipt of an accepted or duplicate message is answered as CMS SignedData
     */
    record Handover(
            ContainerType containerType,
            SignatureContainer opened,
            Consumer<String> partnerCheck,
            boolean signedReceipt) {
        /** Nothing beyond the bytes and their Content-Type: a case refused before it is read. */
        static final Handover NONE = new Handover(null, null, null, false);
    }

    IntakeCase(String messageId, Instant receivedAt, ReceivedBody content, String contentType, Handover handover) {
        this.startedNanos = System.nanoTime();
        this.messageId = messageId;
        this.receivedAt = receivedAt;
        this.sha256 = content.sha256();
        this.content = content;
        this.contentType = contentType;
        this.handover = handover;
    }

    /** Whether a step decided already: the remaining steps leave the case as it is. */
    public boolean decided() {
        return decision != null;
    }

    /** The decision, archived already (null while no step decided). */
    public IntakeDecision decision() {
        return decision;
    }

    void decide(IntakeDecision decided) {
        this.decision = decided;
    }

    InboundEvidence toRecord(InboundEvidence.Decision decision) {
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
                errors.stream().map(LocatedError::toString).toList(),
                decision);
    }
}
