package org.cbec.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * An HTTP answer built by a bean, for a route to send as it is: status, content type, body, extra headers.
 * Routes read it with simple expressions ({@code ${body.status}}), so no message data reaches an expression.
 */
public record HttpAnswer(int status, String contentType, byte[] content, Map<String, String> headers) {
    /** Writes an answer's records as they are; an Instant as {@link java.time.Instant#toString()} writes it (ISO-8601, UTC). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

    public HttpAnswer {
        headers = Map.copyOf(headers);
    }

    public static HttpAnswer json(int status, Object body) {
        try {
            return new HttpAnswer(status, "application/json", JSON.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot serialise answer", e);
        }
    }

    public static HttpAnswer rawJson(int status, String json) {
        return new HttpAnswer(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An RFC 9457 problem with the gateway's stable {@code code}, and the message id of its evidence if any. */
    public static HttpAnswer problem(GatewayError error, String detail, String messageId, List<?> errors) {
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "urn:cbec-gateway:error:" + error.code());
        problem.put("title", error.meaning());
        problem.put("status", error.httpStatus());
        problem.put("code", error.code());
        problem.put("detail", org.cbec.gateway.error.SenderText.clean(error, detail));
        if (messageId != null) {
            problem.put("messageId", messageId);
        }
        if (errors != null && !errors.isEmpty()) {
            ArrayNode list = problem.putArray("errors");
            errors.forEach(e -> list.add(JSON.valueToTree(e)));
        }
        try {
            return new HttpAnswer(
                    error.httpStatus(), "application/problem+json", JSON.writeValueAsBytes(problem), Map.of());
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot serialise problem", e);
        }
    }

    public HttpAnswer withHeader(String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new HttpAnswer(status, contentType, content, more);
    }

    public HttpAnswer withRetryAfter(String seconds) {
        return seconds == null ? this : withHeader("Retry-After", seconds);
    }

    public String retryAfter() {
        return headers.get("Retry-After");
    }
}
