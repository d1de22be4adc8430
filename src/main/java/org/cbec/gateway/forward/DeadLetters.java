package org.cbec.gateway.forward;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.http.HttpAnswer;

/**
 * The operators' dead-letter API: {@code GET /api/v1/dead-letters}, {@code POST /api/v1/dead-letters/{id}/replay},
 * {@code DELETE /api/v1/dead-letters/{id}}. A dead letter's id is {@code messageId-seq}. Every action is
 * recorded in the message's status history.
 */
public final class DeadLetters {
    private final DeliveryLedger ledger;

    public DeadLetters(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    /** The answer and, for a replay, the record to queue again. */
    public record Action(HttpAnswer answer, List<OutboundRecord> toQueue) {}

    public HttpAnswer list(@Header("partner") String partner, @Header("limit") String limit) {
        int max;
        try {
            max = limit == null || limit.isBlank() ? 100 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            return HttpAnswer.problem(GatewayError.SCHEMA_INVALID, "limit must be a whole number", null, null);
        }
        List<DeliveryLedger.DeadLetter> letters =
                ledger.deadLetters(partner == null || partner.isBlank() ? null : partner, max);
        return HttpAnswer.json(200, Map.of("count", letters.size(), "deadLetters", letters));
    }

    public Action replay(
            @Header("deadLetterId") String id,
            @Header("note") String note,
            @Header("GatewayOperator") String operator) {
        return act(id, true, noted(note, operator));
    }

    public Action discard(
            @Header("deadLetterId") String id,
            @Header("note") String note,
            @Header("GatewayOperator") String operator) {
        return act(id, false, noted(note, operator));
    }

    /** The history note of an operator's action says who acted. */
    private static String noted(String note, String operator) {
        String by = operator == null ? "" : "by " + operator;
        if (note == null || note.isBlank()) {
            return by;
        }
        return by.isEmpty() ? note : by + ": " + note;
    }

    private Action act(String id, boolean replay, String note) {
        int dash = id == null ? -1 : id.lastIndexOf('-');
        int seq;
        try {
            seq = dash < 0 ? -1 : Integer.parseInt(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            seq = -1;
        }
        if (seq < 0) {
            return new Action(
                    HttpAnswer.problem(
                            GatewayError.NOT_FOUND, "a dead letter's id is messageId-seq, not " + id, null, null),
                    List.of());
        }
        Optional<OutboundRecord> record = ledger.actOnDeadLetter(id.substring(0, dash), seq, replay, note);
        if (record.isEmpty()) {
            return new Action(
                    HttpAnswer.problem(GatewayError.NOT_FOUND, "no dead letter " + id, null, null), List.of());
        }
        return new Action(
                HttpAnswer.json(replay ? 202 : 200, Map.of("id", id, "status", replay ? "PENDING" : "DISCARDED")),
                replay ? List.of(record.get()) : List.of());
    }
}
