package org.cbec.gateway.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.InboundEvidence.Decision;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the intake decides a case: a refusal or a duplicate is archived as evidence and answered, an acceptance is
 * answered with its receipt; every decision is counted with the time it took.
 */
final class IntakeVerdicts {
    private static final Logger LOG = LoggerFactory.getLogger(InboundIntake.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final EvidenceArchive archive;
    private final GatewayMetrics metrics;

    IntakeVerdicts(EvidenceArchive archive, GatewayMetrics metrics) {
        this.archive = archive;
        this.metrics = metrics;
    }

    /** Accepted: 202 with the receipt; the partner and format are the case's. */
    void accept(IntakeCase c, boolean inAcceptLog) {
        IntakeDecision decision = IntakeDecision.accepted(
                Verdict.ACCEPTED, c.messageId, HttpAnswer.rawJson(202, c.receiptJson), c.receiptJson);
        observed(c, c.partner.id(), c.format.id(), inAcceptLog ? decision.appended() : decision);
    }

    /** The same document again: archived as a duplicate of the first, answered 200 with the first's receipt. */
    void duplicate(IntakeCase c, String firstMessageId) {
        EvidenceArchive.FirstReceipt first = archive.receiptOf(firstMessageId)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.INTERNAL_ERROR, "the first message " + firstMessageId + " is not in the archive"));
        archive.archiveNotAccepted(c.toRecord(Decision.duplicateOf(firstMessageId)));
        ObjectNode receipt;
        try {
            receipt = (ObjectNode) JSON.readTree(first.receiptJson());
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the first receipt cannot be read", e);
        }
        receipt.put("status", "DUPLICATE");
        String receiptJson = toJson(receipt);
        observed(
                c,
                first.partnerId(),
                first.documentFormat(),
                IntakeDecision.accepted(
                        Verdict.DUPLICATE, firstMessageId, HttpAnswer.rawJson(200, receiptJson), receiptJson));
    }

    /** Refused with its code: archived as evidence, answered as a problem. */
    void refuse(IntakeCase c, GatewayError error, String detail) {
        LOG.info(
                "Refused message {} from {}: {} {}",
                c.messageId,
                c.partner == null ? "unknown partner" : c.partner.id(),
                error.code(),
                detail);
        archive.archiveNotAccepted(c.toRecord(Decision.rejected(error.code(), detail)));
        observed(
                c,
                c.partner == null ? null : c.partner.id(),
                c.format == null ? null : c.format.id(),
                IntakeDecision.refused(
                        c.messageId, HttpAnswer.problem(error, detail, c.messageId, c.errors), error, detail));
    }

    /** Counts the decision and how long it took; the partner is the signer's (a duplicate's: the first message's). */
    private void observed(IntakeCase c, String partner, String format, IntakeDecision decision) {
        metrics.decided(decision, partner, format, Duration.ofNanos(System.nanoTime() - c.startedNanos));
        c.decide(decision);
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot serialise", e);
        }
    }
}
