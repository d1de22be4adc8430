package org.cbec.gateway.intake;

import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;

/**
 * The intake's decision on one message, already archived: the route queues accepted messages and then
 * sends {@link #answer()}. {@code error} and {@code detail} say why a message was refused; {@code receiptJson}
 * is the receipt of an accepted or duplicate one.
 */
public record IntakeDecision(
        Verdict verdict,
        String messageId,
        HttpAnswer answer,
        GatewayError error,
        String detail,
        String receiptJson,
        boolean inAcceptLog) {
    public static IntakeDecision accepted(Verdict verdict, String messageId, HttpAnswer answer, String receiptJson) {
        return new IntakeDecision(verdict, messageId, answer, null, null, receiptJson, false);
    }

    public static IntakeDecision refused(String messageId, HttpAnswer answer, GatewayError error, String detail) {
        return new IntakeDecision(Verdict.REJECTED, messageId, answer, error, detail, null, false);
    }

    public IntakeDecision withAnswer(HttpAnswer other) {
        return new IntakeDecision(verdict, messageId, other, error, detail, receiptJson, inAcceptLog);
    }

    /** The same decision, for a message whose entry is in the accept log already (nothing more to queue). */
    public IntakeDecision appended() {
        return new IntakeDecision(verdict, messageId, answer, error, detail, receiptJson, true);
    }

    public boolean accepted() {
        return verdict == Verdict.ACCEPTED;
    }

    /** Whether the route queues the message id for dispatch: an accepted message archived before its 202. */
    public boolean toDispatch() {
        return accepted() && !inAcceptLog;
    }
}
