package org.cbec.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.http.HttpAnswer;

/**
 * A stand-in national system inside the gateway, so that a fresh {@code run} works alone: it takes the
 * records the gateway POSTs, keeps each Idempotency-Key once (a repeat is answered 409), and shows what
 * it received at {@code GET /national-sim/records}. In memory: it forgets on restart.
 */
public final class NationalSystemSimulator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEPT = 100_000;

    private final Clock clock;
    private final Map<String, ObjectNode> receivedByKey = new LinkedHashMap<>();

    public NationalSystemSimulator(Clock clock) {
        this.clock = clock;
    }

    public synchronized HttpAnswer receive(
            @Header("kind") String kind, @Header("Idempotency-Key") String key, @Body String body) {
        if (key == null || key.isBlank()) {
            return HttpAnswer.problem(
                    GatewayError.SCHEMA_INVALID, "the Idempotency-Key header is required", null, null);
        }
        JsonNode record;
        try {
            record = JSON.readTree(body);
        } catch (IOException e) {
            return HttpAnswer.problem(GatewayError.SCHEMA_INVALID, "the body is not JSON", null, null);
        }
        if (!keep(kind, key, record)) {
            return HttpAnswer.json(409, Map.of("status", "ALREADY_RECEIVED", "idempotencyKey", key));
        }
        return HttpAnswer.json(200, Map.of("status", "RECEIVED", "idempotencyKey", key));
    }

    /**
     * {@code POST /national-sim/{aeo,shipments}/batch}: {@code [{"idempotencyKey":"...","record":{...}}, ...]}. Answers
     * 200 once it has every record of the batch (those it had already count as had, as a 409 would say for one record),
     * with how many were new; a malformed batch is refused whole with 422 and nothing of it is kept.
     */
    public synchronized HttpAnswer receiveBatch(@Header("kind") String kind, @Body String body) {
        JsonNode batch;
        try {
            batch = JSON.readTree(body);
        } catch (IOException e) {
            return HttpAnswer.problem(GatewayError.SCHEMA_INVALID, "the body is not JSON", null, null);
        }
        if (batch == null || !batch.isArray()) {
            return HttpAnswer.problem(
                    GatewayError.SCHEMA_INVALID, "a batch is a JSON array of {idempotencyKey, record}", null, null);
        }
        for (JsonNode entry : batch) {
            if (!entry.path("idempotencyKey").isTextual()
                    || entry.path("idempotencyKey").asText().isBlank()
                    || !entry.path("record").isObject()) {
                return HttpAnswer.problem(
                        GatewayError.SCHEMA_INVALID,
                        "every entry needs an idempotencyKey and a record object",
                        null,
                        null);
            }
        }
        int received = 0;
        for (JsonNode entry : batch) {
            if (keep(kind, entry.path("idempotencyKey").asText(), entry.path("record"))) {
                received++;
            }
        }
        return HttpAnswer.json(
                200, Map.of("status", "RECEIVED", "received", received, "alreadyReceived", batch.size() - received));
    }

    /** Keeps a record under its key; false when the key was kept before. */
    private boolean keep(String kind, String key, JsonNode record) {
        if (receivedByKey.containsKey(key)) {
            return false;
        }
        if (receivedByKey.size() >= MAX_KEPT) {
            receivedByKey.remove(receivedByKey.keySet().iterator().next());
        }
        ObjectNode entry = JSON.createObjectNode();
        entry.put("kind", kind);
        entry.put("idempotencyKey", key);
        entry.put("receivedAt", clock.instant().toString());
        entry.set("record", record);
        receivedByKey.put(key, entry);
        return true;
    }

    public synchronized HttpAnswer records(@Header("kind") String kind) {
        List<ObjectNode> selected = new ArrayList<>();
        for (ObjectNode entry : receivedByKey.values()) {
            if (kind == null || kind.equals(entry.path("kind").asText())) {
                selected.add(entry);
            }
        }
        ArrayNode array = JSON.createArrayNode();
        selected.forEach(array::add);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("count", selected.size());
        answer.set("records", array);
        return HttpAnswer.json(200, answer);
    }
}
