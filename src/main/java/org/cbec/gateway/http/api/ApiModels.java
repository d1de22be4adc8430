package org.cbec.gateway.http.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.translate.LocatedError;

/**
 * The shapes of the HTTP API's JSON answers, named in {@code routes/rest-api.camel.yaml} so that Camel's OpenAPI
 * generator (camel-openapi-java) writes their schemas into {@code /api/v1/openapi.json}. The beans build these
 * answers themselves (Jackson trees, maps, or records of their own that Jackson writes); these types only describe
 * them, and {@code OpenApiDocumentTest} checks the real answers against them.
 */
public final class ApiModels {
    private ApiModels() {}

    @Schema(name = "Receipt", description = "The gateway's receipt for an accepted (202) or duplicate (200) message")
    public record Receipt(
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "the gateway's id for the message (ULID)")
            String messageId,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the partner the signer chains to")
            String partner,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "the recognised business format (FORMATS.md)")
            String documentFormat,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "canonical records made from it")
            int records,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "hex SHA-256 of the exact request body")
            String sha256,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "ISO instant of receipt")
            String receivedAt,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"ACCEPTED", "DUPLICATE"})
            String status) {}

    @Schema(
            name = "LocatedError",
            description =
                    "One rule a document breaks and where: row and column (CSV), JSON pointer, XPath and line (XML), segment position (EDIFACT)")
    public record Located(String location, String message) {
        public static Located of(LocatedError error) {
            return new Located(error.location(), error.message());
        }
    }

    @Schema(
            name = "Problem",
            description = "RFC 9457 problem (application/problem+json) with the gateway's stable code; "
                    + "see the error-code table in the API description")
    public record Problem(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "urn:cbec-gateway:error:SCHEMA_INVALID")
            String type,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the code's meaning")
            String title,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the HTTP status")
            int status,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "stable code: never renamed")
            GatewayError code,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "what was wrong, for a human")
            String detail,

            @Schema(description = "the message id under which the refusal was archived as evidence")
            String messageId,

            @Schema(description = "SCHEMA_INVALID: every broken rule with its location")
            List<Located> errors) {}

    @Schema(name = "Refusal")
    public record Refusal(String code, String detail, List<Located> errors) {}

    @Schema(name = "StatusChange")
    public record StatusChange(
            @Schema(
                    allowableValues = {
                        "ACCEPTED",
                        "FORWARDED",
                        "PARTIALLY_FORWARDED",
                        "DEAD_LETTERED",
                        "REJECTED",
                        "DUPLICATE",
                        "REPLAYED",
                        "DEAD_LETTER_REPLAYED",
                        "DEAD_LETTER_DISCARDED"
                    })
            String status,

            String at,
            String note) {}

    @Schema(
            name = "RecordDelivery",
            description = "One canonical record of a message and its delivery to the national system")
    public record RecordDelivery(
            int seq,
            @Schema(example = "DELIVERED") String deliveryStatus,
            String idempotencyKey,
            Integer attempts,
            String deliveredAt,
            String lastError,

            @Schema(description = "the canonical record: schemas/canonical/*.schema.json")
            Map<String, Object> record) {}

    @Schema(
            name = "Message",
            description =
                    "A message as tracked: partner, format, sha256, verdict, status and (for one message) its history and records")
    public record Message(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String messageId,

            String partner,
            String documentFormat,
            String sha256,
            long sizeBytes,
            String contentType,
            String receivedAt,
            String signer,
            String signingTime,

            @Schema(allowableValues = {"ACCEPTED", "DUPLICATE", "REJECTED"})
            String verdict,

            @Schema(
                    allowableValues = {
                        "ACCEPTED",
                        "FORWARDED",
                        "PARTIALLY_FORWARDED",
                        "DEAD_LETTERED",
                        "REJECTED",
                        "DUPLICATE"
                    })
            String status,

            int records,
            Refusal refusal,
            String duplicateOf,
            @Schema(description = "one message only") Receipt receipt,
            @Schema(description = "one message only") List<StatusChange> history,
            @Schema(description = "one message only") List<RecordDelivery> recordList) {}

    @Schema(name = "MessageList")
    public record MessageList(int count, List<Message> messages) {}

    @Schema(name = "DeadLetter")
    public record DeadLetter(
            @Schema(description = "messageId-seq") String id,
            String messageId,
            int seq,
            String partnerId,
            String recordType,
            String idempotencyKey,
            int attempts,
            String lastError,
            String receivedAt) {}

    @Schema(name = "DeadLetterList")
    public record DeadLetterList(int count, List<DeadLetter> deadLetters) {}

    @Schema(name = "DeadLetterAction")
    public record DeadLetterAction(
            String id,

            @Schema(allowableValues = {"PENDING", "DISCARDED"})
            String status) {}

    @Schema(name = "ReplayAnswer")
    public record ReplayAnswer(
            String messageId,

            @Schema(description = "the replay's number for this message")
            int replay,

            @Schema(description = "records whose content changed under the same recordId")
            int newVersions,

            @Schema(description = "records sent again") int resent,

            @Schema(description = "records queued for forwarding")
            int queued) {}

    @Schema(name = "Health")
    public record Health(
            @Schema(allowableValues = {"UP", "DOWN"}) String status,

            @Schema(description = "what is down and why (503 only)")
            Map<String, String> down) {}

    @Schema(name = "Login", description = "name and password from config/users.yaml")
    public record Login(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String name,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String password) {}

    @Schema(name = "Session")
    public record Session(
            String name,

            @Schema(allowableValues = {"admin", "operator", "national"})
            String role) {}

    @Schema(name = "Alert")
    public record Alert(String alert, String subject, String detail, String since) {}

    @Schema(
            name = "SecurityEvent",
            description = "A refused login or action, or a request the HTTP server refused before any route ran;"
                    + " client text is encoded (control characters as \\uXXXX, backslash doubled)")
    public record SecurityEvent(
            String eventId,
            @Schema(description = "ISO instant") String at,

            @Schema(allowableValues = {"LOGIN_REFUSED", "ACCESS_REFUSED", "HTTP_REFUSED", "EVENTS_DROPPED"})
            String kind,

            @Schema(description = "the gateway's code the refusal was answered with")
            String code,

            @Schema(description = "the user name as the client gave it, encoded; null when none was read")
            String userName,

            @Schema(description = "the client's address") String address,

            @Schema(description = "how and where: console login or HTTP Basic, and the request line")
            String channel,

            String detail) {}

    @Schema(name = "SecurityEventList")
    public record SecurityEventList(int count, List<SecurityEvent> events) {}
}
