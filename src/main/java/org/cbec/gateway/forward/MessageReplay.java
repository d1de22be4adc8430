package org.cbec.gateway.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ArchivedMessage;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.evidence.Verdict;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.intake.ContainerType;
import org.cbec.gateway.recognition.AeoRegistry;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;

/**
 * {@code POST /api/v1/messages/{messageId}/replay}: translates an accepted message again from its archived
 * bytes with the current translators and forwards what changed (new record versions only), and sends its
 * dead-lettered records again. A mapping fix reaches the national systems without asking the partner to resend.
 * The signature is verified again; who signed and when were decided at acceptance and stand.
 */
public final class MessageReplay {
    private final EvidenceArchive archive;
    private final Map<ContainerType, SignatureContainer> containers;
    private final Translators translators;
    private final AeoRegistry registry;
    private final DeliveryLedger ledger;
    private final java.util.function.Function<String, org.cbec.gateway.agreement.Agreement> agreements;

    /** @param agreements the agreement in force with a partner (by id), or null for none */
    public MessageReplay(
            EvidenceArchive archive,
            Map<ContainerType, SignatureContainer> containers,
            Translators translators,
            AeoRegistry registry,
            DeliveryLedger ledger,
            java.util.function.Function<String, org.cbec.gateway.agreement.Agreement> agreements) {
        this.agreements = agreements;
        this.archive = archive;
        this.containers = Map.copyOf(containers);
        this.translators = translators;
        this.registry = registry;
        this.ledger = ledger;
    }

    /** The replay's answer and the records it queues. */
    public record Outcome(HttpAnswer answer, List<OutboundRecord> toQueue) {}

    /** @param operator who asked for the replay (the operators' API puts the signed-in user here); the history names them */
    public Outcome replay(@Header("messageId") String messageId, @Header("GatewayOperator") String operator) {
        ArchivedMessage message = archive.find(messageId).orElse(null);
        if (message == null) {
            return refused(GatewayError.NOT_FOUND, "no message " + messageId);
        }
        if (message.verdict() != Verdict.ACCEPTED) {
            return refused(
                    GatewayError.NOT_REPLAYABLE,
                    "message " + messageId + " was " + message.verdict()
                            + (message.duplicateOf() == null ? "" : "; replay " + message.duplicateOf() + " instead"));
        }
        if ("OUTBOUND".equals(archive.direction(messageId))) {
            // Sent again exactly as signed the first time (same bytes, same idempotency key): its dead letter goes back
            // to the queue.
            return replayed(messageId, ledger.replay(messageId, message.recordsJson(), operator));
        }
        byte[] bytes = archive.content(messageId)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.INTERNAL_ERROR, "the archived bytes of " + messageId + " are missing"));
        ReceivedBody content;
        if (message.contentType() != null
                && message.contentType().startsWith(org.cbec.gateway.intake.As4Inbound.PAYLOAD_CONTENT_TYPE)) {
            // an AS4 payload is archived in clear as translated; its signed request is kept with its eb:MessageId
            // (As4Messages)
            content = ReceivedBody.of(bytes);
        } else {
            ContainerType type = message.contentType() != null
                            && message.contentType()
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .startsWith("application/soap+xml")
                    ? ContainerType.SOAP
                    : ContainerType.fromContentType(message.contentType()).orElseThrow();
            content = containers
                    .get(type)
                    .open(ReceivedBody.of(bytes), message.contentType())
                    .signedContent();
        }
        DocumentFormat format = DocumentFormat.byId(message.documentFormat()).orElseThrow();
        Translation translation =
                translators.translate(format, content, new TranslationContext(message.partnerId(), messageId));
        if (translation instanceof Translation.Invalid invalid) {
            return refused(
                    GatewayError.SCHEMA_INVALID,
                    "the current translator finds " + invalid.errors().size()
                            + " error(s) in the archived document; nothing was forwarded: " + invalid.errors());
        }
        List<CanonicalRecord> records = registry.recognise(
                message.partnerId(), format.recordType(), ((Translation.Records) translation).records());
        String recordsJson;
        try {
            // The agreement in force now: what the partner sent is judged again, as the translators are.
            recordsJson = CanonicalJson.mapper()
                    .writeValueAsString(org.cbec.gateway.agreement.InboundAgreements.apply(
                            agreements.apply(message.partnerId()), records));
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot serialise records", e);
        }
        return replayed(messageId, ledger.replay(messageId, recordsJson, operator));
    }

    /** The 202 of a replay the ledger booked: what it changed, and its records to queue. */
    private static Outcome replayed(String messageId, DeliveryLedger.Replay replay) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("messageId", messageId);
        body.put("replay", replay.replayNo());
        body.put("newVersions", replay.newVersions());
        body.put("resent", replay.resent());
        body.put("queued", replay.toQueue().size());
        return new Outcome(HttpAnswer.json(202, body), replay.toQueue());
    }

    private static Outcome refused(GatewayError error, String detail) {
        return new Outcome(HttpAnswer.problem(error, detail, null, null), List.of());
    }
}
