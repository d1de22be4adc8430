package org.cbec.gateway.outbound;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.cbec.gateway.evidence.InboundEvidence;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.translate.LocatedError;

/** A request's facts as they are learnt, for its evidence whatever the verdict. */
final class OutboundRequest {
    final String messageId;
    final Instant receivedAt;
    final String partnerId;
    final ReceivedBody body;
    final String contentType;
    final String caller;
    String format;
    List<LocatedError> errors = List.of();

    /**
     * A request as received: {@code partnerIdAsGiven} is kept only when it has the shape of a partner id (it names
     * the partner's file), a missing body is an empty one.
     */
    OutboundRequest(
            String messageId,
            Instant receivedAt,
            String partnerIdAsGiven,
            byte[] body,
            String contentType,
            String caller) {
        this.messageId = messageId;
        this.receivedAt = receivedAt.truncatedTo(ChronoUnit.MILLIS);
        this.partnerId =
                partnerIdAsGiven != null && Partner.ID.matcher(partnerIdAsGiven).matches() ? partnerIdAsGiven : null;
        this.body = ReceivedBody.of(body == null ? new byte[0] : body);
        this.contentType = contentType;
        this.caller = caller;
    }

    InboundEvidence evidence(InboundEvidence.Decision decision, boolean keepContent) {
        return new InboundEvidence(
                messageId,
                receivedAt,
                body.sha256(),
                body.length(),
                contentType,
                keepContent ? body : null,
                partnerId,
                "national system user " + caller,
                null,
                format,
                errors.stream().map(LocatedError::toString).toList(),
                decision);
    }
}
