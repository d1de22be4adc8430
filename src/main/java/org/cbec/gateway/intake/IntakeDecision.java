package org.cbec.gateway.intake;

import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;

/**
 * The intake's decision on one message, already archived: the route queues accepted messages and then
 * sends {@link #answer()}.
 */
public record IntakeDecision(Verdict verdict, String messageId, HttpAnswer answer) {
    public boolean accepted() {
        return verdict == Verdict.ACCEPTED;
    }
}
