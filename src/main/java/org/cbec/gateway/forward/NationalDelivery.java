package org.cbec.gateway.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Body;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.MessageIds;
import org.cbec.gateway.monitor.GatewayMetrics;
import org.cbec.gateway.recognition.AeoRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a {@link RecordBatch} to one national system and books each record's outcome in the
 * {@link DeliveryLedger}: in one request of up to a batch's records where the national system takes batches
 * ({@code gateway.national.*.batch-url}), otherwise one request per record over the HTTP client's pool of
 * keep-alive connections, each with its {@code Idempotency-Key}.
 *
 * <p>Per record, as before batches: a failed attempt is counted and retried with exponential backoff (the
 * consumer holds the record meanwhile, so an AEO operator's later statements wait behind it); after
 * {@code gateway.forward.max-attempts} the record is dead-lettered. A record already resolved (redelivered
 * after a crash) is not sent again; an AEO statement older than one already forwarded is SUPERSEDED.
 */
public final class NationalDelivery {
    public static final String DEAD_LETTER_QUEUE = "gateway.dead-letter.forward";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(NationalDelivery.class);
    private static final DeliveryLedger.RecordState FIRST_DELIVERY = new DeliveryLedger.RecordState("PENDING", 0);

    /**
     * Where and how records go.
     *
     * @param http     the client whose pool of keep-alive connections every POST goes over
     * @param batchUrl null: one POST per record to {@code url}; otherwise batches POSTed here as one JSON array
     * @param headers  sent with every POST (the built-in simulator's token)
     */
    public record Target(
            String name,
            HttpClient http,
            URI url,
            URI batchUrl,
            Retries retries,
            Duration timeout,
            Map<String, String> headers) {}

    private final DeliveryLedger ledger;
    private final AeoRegistry registry;
    private final GatewayMetrics metrics;
    private final Target target;

    public NationalDelivery(DeliveryLedger ledger, AeoRegistry registry, GatewayMetrics metrics, Target target) {
        this.ledger = ledger;
        this.registry = registry;
        this.metrics = metrics;
        this.target = target;
    }

    /** The operator and time of an AEO statement on its way. */
    private record AeoStatement(String partnerId, String aeoId, Instant statusChangedAt) {}

    /** A record still owed, with the attempts that failed before this batch. */
    private record Owed(RecordBatch.QueuedRecord record, AeoStatement statement, int attemptsBefore) {}

    /**
     * The keys some consumer of this national system is delivering right now. After a start, the queue can hold two
     * copies of a record (the one queued before the crash, and the one the start queued again from the ledger); two
     * consumers holding them at once would both find it PENDING and both send it. The second copy is let go: the
     * consumer holding the first delivers it, or gives it back to the queue.
     */
    private final Set<String> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Delivers what the batch still owes; returns once every record's outcome is booked. */
    public void deliver(@Body RecordBatch batch) {
        List<String> claimed = new ArrayList<>();
        long started = System.nanoTime();
        try {
            deliver(batch, claimed);
        } finally {
            claimed.forEach(inFlight::remove);
            metrics.stage(
                    "forward", System.nanoTime() - started, batch.records().size());
        }
    }

    private void deliver(RecordBatch batch, List<String> claimed) {
        List<DeliveryLedger.Outcome> outcomes = new ArrayList<>();
        List<Owed> owed = new ArrayList<>();
        List<RecordBatch.QueuedRecord> readable = new ArrayList<>();
        for (RecordBatch.QueuedRecord record : batch.records()) {
            if (record.messageId() == null
                    || record.seq() < 0
                    || record.idempotencyKey() == null
                    || record.json() == null) {
                LOG.error("A message on {} lacks its record headers; parked on {}", batch.queue(), DEAD_LETTER_QUEUE);
                batch.park(record, DEAD_LETTER_QUEUE);
            } else {
                readable.add(record);
            }
        }
        // A record on its first delivery was queued PENDING with no attempt, in the transaction that created its row:
        // only
        // one that may have been handled before (redelivered, queued again) costs a read of its ledger row.
        Map<String, DeliveryLedger.RecordState> states = ledger.states(
                readable.stream().filter(RecordBatch.QueuedRecord::again).toList());
        for (RecordBatch.QueuedRecord record : readable) {
            DeliveryLedger.RecordState state =
                    record.again() ? states.get(record.messageId() + "/" + record.seq()) : FIRST_DELIVERY;
            if (state == null || !"PENDING".equals(state.status())) {
                continue; // resolved already (a redelivery after a crash), or not in the ledger: nothing is owed
            }
            if (!inFlight.add(record.idempotencyKey())) {
                continue; // another copy is being delivered right now
            }
            claimed.add(record.idempotencyKey());
            AeoStatement statement = aeoStatementOf(record.json());
            if (statement != null
                    && !registry.isCurrentForForwarding(
                            statement.partnerId(), statement.aeoId(), statement.statusChangedAt())) {
                outcomes.add(DeliveryLedger.Outcome.of(
                        record.messageId(),
                        record.seq(),
                        "SUPERSEDED",
                        "a newer statement about " + statement.aeoId() + " was already forwarded"));
                continue;
            }
            owed.add(new Owed(record, statement, state.attempts()));
        }
        // Artemis hands an operator's records to one consumer in queue order, which is the order their messages were
        // dispatched, not their status order: a batch sends each operator's statements oldest first.
        owed.sort(java.util.Comparator.comparing(
                o -> o.statement() == null ? Instant.MIN : o.statement().statusChangedAt()));
        for (int round = 0; ; round++) {
            Set<Owed> booked = new HashSet<>();
            Map<Owed, String> failures = send(owed, booked);
            List<Owed> retry = new ArrayList<>();
            List<Owed> dead = new ArrayList<>();
            for (Owed record : owed) {
                String failure = failures.get(record);
                if (failure == null) {
                    if (!booked.contains(record)) {
                        outcomes.add(delivered(record));
                    }
                } else if (failure.isEmpty()) {
                    retry.add(record); // not tried this round: behind a failed record of its operator
                } else {
                    outcomes.add(DeliveryLedger.Outcome.of(
                            record.record().messageId(), record.record().seq(), "ATTEMPT_FAILED", failure));
                    if (record.attemptsBefore() + 1 >= target.retries().maxAttempts()) {
                        dead.add(record);
                        outcomes.add(DeliveryLedger.Outcome.of(
                                record.record().messageId(), record.record().seq(), "DEAD_LETTERED", failure));
                    } else {
                        retry.add(new Owed(record.record(), record.statement(), record.attemptsBefore() + 1));
                    }
                }
            }
            ledger.book(outcomes);
            for (Owed record : owed) {
                if (!failures.containsKey(record)) {
                    // The message id carries the time of receipt: no database read to measure end to end.
                    metrics.delivered(
                            record.record().recordType(),
                            partnerOf(record.record().idempotencyKey()),
                            MessageIds.timeOf(record.record().messageId()));
                }
            }
            for (Owed record : dead) {
                LOG.warn(
                        "Dead-lettered record {} of message {} ({}) after {} attempt(s): {}",
                        record.record().seq(),
                        record.record().messageId(),
                        record.record().idempotencyKey(),
                        target.retries().maxAttempts(),
                        failures.get(record));
                batch.park(record.record(), DEAD_LETTER_QUEUE);
            }
            if (retry.isEmpty()) {
                return;
            }
            outcomes = new ArrayList<>();
            target.retries()
                    .waitBeforeRetry(batch, round, retry.size() + " record(s) stay queued for " + target.name());
            owed = retry;
        }
    }

    private DeliveryLedger.Outcome delivered(Owed record) {
        AeoStatement statement = record.statement();
        return new DeliveryLedger.Outcome(
                record.record().messageId(), record.record().seq(), "DELIVERED", null, connection -> {
                    if (statement != null) {
                        AeoRegistry.rememberForwarded(
                                connection, statement.partnerId(), statement.aeoId(), statement.statusChangedAt());
                    }
                });
    }

    /**
     * Sends the owed records; returns those that failed with their error. An empty error means the record was not
     * tried this round because an earlier record of its AEO operator failed (its order must hold). Records sent one
     * request each are booked as delivered at once, and added to {@code booked}.
     */
    private Map<Owed, String> send(List<Owed> owed, Set<Owed> booked) {
        Map<Owed, String> failures = new LinkedHashMap<>();
        if (owed.isEmpty()) {
            return failures;
        }
        if (target.batchUrl() != null) {
            String failure = post(target.batchUrl(), batchBody(owed), null);
            if (failure != null) {
                owed.forEach(record -> failures.put(record, failure));
            }
            return failures;
        }
        Set<String> blockedGroups = new HashSet<>();
        for (Owed record : owed) {
            String group = record.statement() == null
                    ? null
                    : record.statement().partnerId() + ":" + record.statement().aeoId();
            if (group != null && blockedGroups.contains(group)) {
                failures.put(record, "");
                continue;
            }
            String failure =
                    post(target.url(), record.record().json(), record.record().idempotencyKey());
            if (failure == null) {
                // One request per record: each delivery is booked as soon as it is answered (sharing a commit with the
                // other consumers' bookings), so that a crash can repeat at most the one record each consumer has in
                // flight, not every record of its batch answered before the crash.
                ledger.book(List.of(delivered(record)));
                booked.add(record);
            } else {
                failures.put(record, failure);
                if (group != null) {
                    blockedGroups.add(group);
                }
            }
        }
        return failures;
    }

    /** {@code [{"idempotencyKey":"...","record":{...}}, ...]}: each record exactly as queued. */
    private static String batchBody(List<Owed> owed) {
        StringBuilder body = new StringBuilder(owed.size() * 1024).append('[');
        try {
            for (int i = 0; i < owed.size(); i++) {
                RecordBatch.QueuedRecord record = owed.get(i).record();
                body.append(i == 0 ? "" : ",")
                        .append("{\"idempotencyKey\":")
                        .append(JSON.writeValueAsString(record.idempotencyKey()))
                        .append(",\"record\":")
                        .append(record.json())
                        .append('}');
            }
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot write a forward batch", e);
        }
        return body.append(']').toString();
    }

    /** POSTs; null when the national system took it (2xx, or 409: it has the record already), else the error. */
    private String post(URI url, String body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(target.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        target.headers().forEach(request::header);
        try {
            HttpResponse<String> response = target.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if ((status >= 200 && status < 300) || status == 409) {
                return null;
            }
            return "HTTP operation failed invoking " + url + " with statusCode: " + status;
        } catch (IOException e) {
            return "cannot reach " + url + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(
                    GatewayError.NATIONAL_SYSTEM_UNAVAILABLE, "interrupted while forwarding to " + url, e);
        }
    }

    private static AeoStatement aeoStatementOf(String json) {
        try {
            JsonNode record = JSON.readTree(json);
            if (!"AEO_STATUS".equals(record.path("recordType").asText())) {
                return null;
            }
            // From the business key (partner:aeoId:statusChangedAt): an agreement may withhold the fields themselves.
            String[] key = record.path("recordId").asText().split(":", 3);
            if (key.length < 3) {
                throw new GatewayException(
                        GatewayError.INTERNAL_ERROR, "a queued AEO record has no partner:aeoId:time key");
            }
            return new AeoStatement(key[0], key[1], Instant.parse(key[2]));
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "a queued record cannot be read", e);
        }
    }

    /** The partner of a record: its idempotency key is recordId:recordVersion, and every recordId starts with the partner id (FORMATS.md). */
    static String partnerOf(String idempotencyKey) {
        int colon = idempotencyKey == null ? -1 : idempotencyKey.indexOf(':');
        return colon <= 0 ? null : idempotencyKey.substring(0, colon);
    }
}
