package org.cbec.gateway.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.api.core.ActiveMQNonExistentQueueException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.cbec.gateway.GatewayApplication;
import org.cbec.gateway.config.MessageBroker;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub.Received;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same jar as several instances on one external Artemis and one PostgreSQL (issue 7). Each gateway
 * runs in its own JVM; the engines are those of {@code .ci/start-external-engines} (PostgreSQL from the
 * Debian package, Artemis from its distribution), run by {@code mvn -B verify -Pexternal-engines}.
 * Every test starts from an empty database and empty gateway queues.
 */
class TwoInstancesIT {
    private static final String DB_URL = setting("GATEWAY_DB_URL", "jdbc:postgresql://127.0.0.1:55432/cbec");
    private static final String DB_USER = setting("GATEWAY_DB_USER", "cbec");
    private static final String DB_PASSWORD = setting("GATEWAY_DB_PASSWORD", "cbec");
    private static final String BROKER_URL = setting("GATEWAY_BROKER_URL", "tcp://127.0.0.1:61626");
    private static final String BROKER_USER = setting("GATEWAY_BROKER_USER", "cbec");
    private static final String BROKER_PASSWORD = setting("GATEWAY_BROKER_PASSWORD", "cbec");
    private static final int MESSAGES = Integer.getInteger("scale.messages", 1000);
    private static final int OPERATORS = 30;
    private static final int STATEMENTS_PER_OPERATOR = 10;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path root;

    /** One gateway instance in its own JVM. */
    private record Instance(String name, int port, Process process) {}

    /** What a partner sent, and the answer. */
    private record Sent(int index, String kind, String recordId, Instant statusChangedAt, int instance) {}

    @BeforeEach
    void emptyEngines() throws Exception {
        try (Connection connection = DriverManager.getConnection(DB_URL, DB_USER, DB_PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP OWNED BY CURRENT_USER");
        }
        try (ServerLocator locator = ActiveMQClient.createServerLocator(BROKER_URL);
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session =
                        factory.createSession(BROKER_USER, BROKER_PASSWORD, false, true, true, false, 0)) {
            List<String> queues = new ArrayList<>(MessageBroker.QUEUES);
            queues.add("gateway.dead-letter");
            for (String queue : queues) {
                try {
                    session.deleteQueue(queue);
                } catch (ActiveMQNonExistentQueueException absent) {
                    // a fresh broker
                }
            }
        }
    }

    @Test
    void one_gateway_runs_the_whole_flow_on_postgresql_and_an_external_artemis() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"))) {
            Path config = gateway.prepareConfig();
            Instance only = start(gateway, config, "one", gateway.port());
            try {
                List<Sent> sent = new ArrayList<>();
                Map<Integer, String> accepted = new ConcurrentHashMap<>();
                for (int i = 0; i < 40; i++) {
                    Sent message = message(i, "one");
                    HttpResponse<String> answer = post(only.port(), sign(gateway, message, "one"));
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                    accepted.put(
                            i, GatewayUnderTest.json(answer).path("messageId").asText());
                    sent.add(message);
                }
                awaitEveryRecord(gateway, sent, accepted.keySet(), Duration.ofSeconds(90));
                assertDeliveredOnceInOrder(gateway, sent, accepted, only.port(), 0);
                // The documented broker settings are in force on the external broker
                // (deploy/artemis/broker.properties).
                JsonNode settings = addressSettings("gateway.accepted");
                assertThat(settings.path("maxDeliveryAttempts").asInt()).isEqualTo(20);
                assertThat(settings.path("redeliveryDelay").asLong()).isEqualTo(1000);
                assertThat(settings.path("deadLetterAddress").asText()).isEqualTo("gateway.dead-letter");
                assertThat(addressSettings("gateway.forward.aeo")
                                .path("maxDeliveryAttempts")
                                .asInt())
                        .isEqualTo(-1);
                assertThat(addressSettings("gateway.forward.aeo")
                                .path("maxSizeBytes")
                                .asLong())
                        .isEqualTo(16L << 20);
                assertThat(addressSettings("gateway.forward.aeo")
                                .path("addressFullMessagePolicy")
                                .asText())
                        .isEqualTo("PAGE");
                assertThat(addressSettings("gateway.forward.aeo")
                                .path("pageSizeBytes")
                                .asLong())
                        .isEqualTo(1L << 20);
                assertThat(addressSettings("gateway.forward.aeo")
                                .path("maxReadPageBytes")
                                .asLong())
                        .isEqualTo(16L << 20);
            } finally {
                stop(only);
            }
        }
    }

    /**
     * Two instances take {@code scale.messages} messages sent alternately to both, shipments and AEO statements
     * (several per operator, statusChangedAt increasing), some of them sent to both instances at the same moment.
     */
    @Test
    void two_instances_share_the_load_forward_every_record_once_and_keep_each_operators_order() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"))) {
            Path configA = gateway.prepareConfig();
            Path configB = secondInstanceConfig(configA, root.resolve("b"));
            Instance a = start(gateway, configA, "a", gateway.port());
            Instance b = start(gateway, configB, "b", portOf(configB));
            try {
                int[] ports = {a.port(), b.port()};
                List<Sent> sent = new ArrayList<>();
                Map<Integer, String> accepted = new ConcurrentHashMap<>();
                Map<Integer, List<Integer>> bothAtOnce = new ConcurrentHashMap<>();
                ExecutorService partners = Executors.newFixedThreadPool(16);
                List<Future<?>> work = new ArrayList<>();
                String run = "two";
                for (int i = 0; i < MESSAGES; i++) {
                    Sent message = message(i, run);
                    sent.add(message);
                    byte[] signed = sign(gateway, message, run);
                    int index = i;
                    if (i % 20 == 7) {
                        // The same bytes to both instances at the same moment: one accepts, the other answers
                        // DUPLICATE.
                        work.add(partners.submit(
                                () -> bothAtOnce.put(index, sendToBoth(signed, ports, accepted, index))));
                    } else {
                        work.add(partners.submit(() -> {
                            HttpResponse<String> answer = post(ports[index % 2], signed);
                            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                            accepted.put(
                                    index,
                                    GatewayUnderTest.json(answer)
                                            .path("messageId")
                                            .asText());
                        }));
                    }
                }
                for (Future<?> done : work) {
                    done.get(120, TimeUnit.SECONDS);
                }
                partners.shutdown();
                assertThat(accepted).hasSize(MESSAGES);
                bothAtOnce
                        .values()
                        .forEach(statuses -> assertThat(statuses)
                                .as("the same bytes at both instances at once")
                                .containsExactlyInAnyOrder(202, 200));

                awaitEveryRecord(gateway, sent, accepted.keySet(), Duration.ofSeconds(240));
                assertDeliveredOnceInOrder(gateway, sent, accepted, a.port(), 0);
            } finally {
                stop(a);
                stop(b);
            }
        }
    }

    /** One of two instances is killed with SIGKILL in the middle of the load: the other finishes everything accepted. */
    @Test
    void when_one_instance_is_killed_the_other_finishes_everything_accepted() throws Exception {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"))) {
            // The national system is slow to come up: records pile up on the queues and in the consumers' hands.
            gateway.national().downFor(Duration.ofSeconds(3));
            Path configA = gateway.with("gateway.forward.max-attempts", "1000").prepareConfig();
            Path configB = secondInstanceConfig(configA, root.resolve("b"));
            Instance a = start(gateway, configA, "killed", gateway.port());
            Instance b = start(gateway, configB, "survivor", portOf(configB));
            try {
                int[] ports = {a.port(), b.port()};
                int messages = MESSAGES / 2;
                String run = "kill";
                List<Sent> sent = new ArrayList<>();
                Map<Integer, String> accepted = new ConcurrentHashMap<>();
                ExecutorService partners = Executors.newFixedThreadPool(16);
                for (int i = 0; i < messages; i++) {
                    Sent message = message(i, run);
                    sent.add(message);
                    byte[] signed = sign(gateway, message, run);
                    int index = i;
                    partners.submit(() -> {
                        HttpResponse<String> answer = postOrNull(ports[index % 2], signed);
                        if (answer != null && answer.statusCode() == 202) {
                            accepted.put(
                                    index,
                                    GatewayUnderTest.json(answer)
                                            .path("messageId")
                                            .asText());
                        }
                    });
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> accepted.size() >= messages / 2);
                a.process().destroyForcibly().waitFor();
                int acceptedBeforeKill = accepted.size();
                partners.shutdown();
                assertThat(partners.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
                Set<Integer> promised = Set.copyOf(accepted.keySet());
                System.out.printf(
                        "kill -9: %d sent, %d accepted (%d before the kill)%n",
                        messages, promised.size(), acceptedBeforeKill);

                awaitEveryRecord(gateway, sent, promised, Duration.ofSeconds(240));
                // At least once: a key may come twice only if the killed instance had its answer but not its booking.
                assertDeliveredOnceInOrder(gateway, sent, accepted, b.port(), 2 * 8);
            } finally {
                stop(a);
                stop(b);
            }
        }
    }

    // ---- the load --------------------------------------------------------------------------------

    /** Every third message is an AEO statement: operator i % OPERATORS, its (i / OPERATORS)th statement; the rest are shipments. */
    private static Sent message(int index, String run) {
        int aeoSlot = index / 3;
        if (index % 3 == 0 && aeoSlot < OPERATORS * STATEMENTS_PER_OPERATOR) {
            String aeoId = aeoId(run, aeoSlot % OPERATORS);
            Instant changedAt = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * (aeoSlot / OPERATORS));
            return new Sent(index, "aeo", "CN-GACC:" + aeoId + ":" + changedAt, changedAt, index % 2);
        }
        return new Sent(index, "shipment", "CN-GACC:" + waybill(run, index), null, index % 2);
    }

    private static String aeoId(String run, int operator) {
        return "CN" + run.toUpperCase() + RUN_NONCE + String.format("%03d", operator);
    }

    private static String waybill(String run, int index) {
        return "784-" + run + RUN_NONCE + "-" + index;
    }

    /** Keeps this JVM's records apart from an earlier run's in the national stub's view, should a queue keep one. */
    private static final String RUN_NONCE =
            Long.toString(System.currentTimeMillis() % 1_000_000L, 36).toUpperCase();

    private static byte[] sign(GatewayUnderTest gateway, Sent message, String run) {
        String document;
        if (message.kind().equals("aeo")) {
            String aeoId = message.recordId().split(":")[1];
            int hour = (int) ((message.statusChangedAt().getEpochSecond()
                            - Instant.parse("2026-01-01T00:00:00Z").getEpochSecond())
                    / 3600);
            document = """
                    {"documentType":"AEO_STATUS_LIST","administration":"CN","listType":"DELTA","generatedAt":"2026-11-28T06:00:00Z",
                     "operators":[{"aeoId":"%s","name":"Operator %s","address":{"line":"1 Road","city":"Shenzhen","postcode":"518057","country":"CN"},
                       "programme":"AEO","status":"%s","validFrom":"2019-05-01","validUntil":null,"statusChangedAt":"%s","statusReason":null}]}
                    """.formatted(aeoId, aeoId, hour % 2 == 0 ? "ACTIVE" : "SUSPENDED", message.statusChangedAt());
        } else {
            document = """
                    {"documentType":"ECOM_SHIPMENT","waybillNo":"%s","masterWaybillNo":"784-00000011",
                     "platform":{"id":"PLAT-CN-001","orderNo":"SO-%d"},
                     "seller":{"name":"Seller","tin":"91440300MA5F","aeoCode":"CN1234567890","address":{"street":"1 Road","city":"Shenzhen","postcode":"518057","countryCode":"CN"}},
                     "buyer":{"name":"Anna Schmidt","address":{"street":"Hauptstr. 5","city":"Berlin","postcode":"10115","countryCode":"DE"}},
                     "goods":[{"itemNo":1,"description":"Headphones","hsCode":"851830","qty":1,"unit":"PCE","grossWeightKg":0.45,
                       "price":{"amount":59.80,"currency":"EUR"},"origin":"CN"}],
                     "exportCountry":"CN","destinationCountry":"DE","transportMode":"4"}""".formatted(message.recordId().substring("CN-GACC:".length()), message.index());
        }
        return TestPki.signCms(document.getBytes(StandardCharsets.UTF_8), gateway.cnSigner);
    }

    private static List<Integer> sendToBoth(byte[] signed, int[] ports, Map<Integer, String> accepted, int index) {
        CountDownLatch together = new CountDownLatch(1);
        ExecutorService pair = Executors.newFixedThreadPool(2);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int port : ports) {
                answers.add(pair.submit(() -> {
                    together.await();
                    return post(port, signed);
                }));
            }
            together.countDown();
            List<Integer> statuses = new ArrayList<>();
            Set<String> messageIds = new HashSet<>();
            List<String> bodies = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                statuses.add(response.statusCode());
                bodies.add(response.statusCode() + " " + response.body());
                JsonNode body = GatewayUnderTest.json(response);
                messageIds.add(body.path("messageId").asText());
                if (response.statusCode() == 202) {
                    accepted.put(index, body.path("messageId").asText());
                }
            }
            // Both answers name the one message that was accepted (the duplicate's receipt is the first one's).
            assertThat(messageIds)
                    .as("message ids of the same bytes sent to both: %s", bodies)
                    .hasSize(1);
            return statuses;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pair.shutdown();
        }
    }

    // ---- the checks ------------------------------------------------------------------------------

    /** Waits until every accepted shipment and the latest accepted statement of every operator reached the national system. */
    private static void awaitEveryRecord(
            GatewayUnderTest gateway, List<Sent> sent, Set<Integer> accepted, Duration atMost) {
        Set<String> expected = expectedAtNational(sent, accepted);
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .alias("every accepted record at the national system")
                .until(() -> {
                    List<Received> received = gateway.national().received();
                    Set<String> missing = new TreeSet<>(expected);
                    missing.removeAll(received.stream()
                            .map(r -> r.record().path("recordId").asText())
                            .collect(Collectors.toSet()));
                    // A newer statement about the same operator stands for it: the killed instance may have accepted
                    // one (committed and queued) and died before its 202 reached the partner; the gateway forwards it,
                    // and the older one, SUPERSEDED, never reaches the national system (seen in CI).
                    Map<String, Instant> newestReceived = received.stream()
                            .filter(r -> "AEO_STATUS"
                                    .equals(r.record().path("recordType").asText()))
                            .collect(Collectors.toMap(
                                    r -> operatorOf(r.record().path("recordId").asText()),
                                    r -> Instant.parse(
                                            r.record().path("statusChangedAt").asText()),
                                    (x, y) -> x.isAfter(y) ? x : y));
                    missing.removeIf(recordId -> sent.stream()
                            .filter(message -> message.recordId().equals(recordId) && message.statusChangedAt() != null)
                            .anyMatch(message -> {
                                Instant newest = newestReceived.get(operatorOf(recordId));
                                return newest != null && newest.isAfter(message.statusChangedAt());
                            }));
                    if (!missing.isEmpty() && missing.size() < 10) {
                        System.out.println("still missing: " + missing);
                    }
                    return missing.isEmpty();
                });
    }

    /** Every accepted shipment, and each operator's latest accepted statement (older ones may be SUPERSEDED). */
    private static Set<String> expectedAtNational(List<Sent> sent, Set<Integer> accepted) {
        Set<String> expected = new HashSet<>();
        Map<String, Sent> latest = new ConcurrentHashMap<>();
        for (Sent message : sent) {
            if (!accepted.contains(message.index())) {
                continue;
            }
            if (message.kind().equals("shipment")) {
                expected.add(message.recordId());
            } else {
                latest.merge(
                        operatorOf(message.recordId()),
                        message,
                        (x, y) -> x.statusChangedAt().isAfter(y.statusChangedAt()) ? x : y);
            }
        }
        latest.values().forEach(message -> expected.add(message.recordId()));
        return expected;
    }

    private static void assertDeliveredOnceInOrder(
            GatewayUnderTest gateway,
            List<Sent> sent,
            Map<Integer, String> accepted,
            int port,
            int atLeastOnceAllowance) {
        List<Received> received = gateway.national().received();
        // No key twice with different content.
        Map<String, Set<String>> contentByKey = received.stream()
                .collect(Collectors.groupingBy(
                        Received::idempotencyKey,
                        Collectors.mapping(r -> r.record().toString(), Collectors.toSet())));
        assertThat(contentByKey.values())
                .as("one content per idempotency key")
                .allSatisfy(contents -> assertThat(contents).hasSize(1));
        Map<String, Long> perKey =
                received.stream().collect(Collectors.groupingBy(Received::idempotencyKey, Collectors.counting()));
        long twice = perKey.values().stream().filter(n -> n > 1).count();
        System.out.printf(
                "national system: %d POSTs, %d keys, %d keys more than once%n", received.size(), perKey.size(), twice);
        assertThat(twice).as("keys delivered more than once").isLessThanOrEqualTo(atLeastOnceAllowance);

        // Each operator's statements reach the national system in statusChangedAt order, never an older after a newer.
        Map<String, List<Instant>> perOperator = received.stream()
                .filter(r -> "AEO_STATUS".equals(r.record().path("recordType").asText()))
                .collect(Collectors.groupingBy(
                        r -> operatorOf(r.record().path("recordId").asText()),
                        Collectors.mapping(
                                r -> Instant.parse(
                                        r.record().path("statusChangedAt").asText()),
                                Collectors.toList())));
        assertThat(perOperator).isNotEmpty();
        perOperator.forEach((operator, times) -> {
            List<Instant> distinct = times.stream().distinct().toList();
            assertThat(distinct)
                    .as("statements about %s as the national system saw them", operator)
                    .isSorted();
            assertThat(times)
                    .as("a repeat of %s comes right after itself (at-least-once window)", operator)
                    .isEqualTo(times.stream().sorted().toList());
        });

        // Every accepted statement the national system did not get was superseded by a newer one, and says so.
        Set<String> delivered =
                received.stream().map(r -> r.record().path("recordId").asText()).collect(Collectors.toSet());
        int superseded = 0;
        for (Sent message : sent) {
            if (message.kind().equals("aeo")
                    && accepted.containsKey(message.index())
                    && !delivered.contains(message.recordId())) {
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(
                                        getJson(port, "/api/v1/messages/" + accepted.get(message.index()))
                                                .path("recordList")
                                                .get(0)
                                                .path("deliveryStatus")
                                                .asText())
                                .as(message.recordId())
                                .isEqualTo("SUPERSEDED"));
                superseded++;
            }
        }
        System.out.printf("AEO statements superseded by a newer one before forwarding: %d%n", superseded);
    }

    private static String operatorOf(String recordId) {
        String[] parts = recordId.split(":", 3);
        return parts[0] + ":" + parts[1];
    }

    /** The broker's address settings for an address, through the core management API. */
    private static JsonNode addressSettings(String address) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(BROKER_URL);
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session =
                        factory.createSession(BROKER_USER, BROKER_PASSWORD, false, true, true, false, 0);
                ClientRequestor requestor = new ClientRequestor(session, SimpleString.of("activemq.management"))) {
            session.start();
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putOperationInvocation(request, "broker", "getAddressSettingsAsJSON", address);
            ClientMessage reply = requestor.request(request, 10_000);
            Object result = ManagementHelper.getResult(reply, String.class);
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(String.valueOf(result));
        }
    }

    // ---- the instances ---------------------------------------------------------------------------

    /** The first instance's configuration with its own port and data directory: the same partners, keys and national systems. */
    private static Path secondInstanceConfig(Path first, Path dir) throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(
                config.resolve("application.properties"),
                Files.readString(first.resolve("application.properties"))
                        + "\n# the second instance\ngateway.http.port=" + port + "\ngateway.data.dir="
                        + dir.resolve("data") + "\n");
        return config;
    }

    private static int portOf(Path config) throws IOException {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newInputStream(config.resolve("application.properties"))) {
            properties.load(in);
        }
        return Integer.parseInt(properties.getProperty("gateway.http.port"));
    }

    /** Starts a gateway JVM on the external engines; the credentials come from the environment, as in production. */
    private static Instance start(GatewayUnderTest gateway, Path config, String name, int port) throws IOException {
        Files.writeString(
                config.resolve("application.properties"),
                "\n# the external engines\ngateway.db.url=" + DB_URL + "\ngateway.broker.url=" + BROKER_URL + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path logs = Files.createDirectories(Path.of("target", "external-engines"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
                        GatewayApplication.class.getName(),
                        "run",
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        builder.environment().put("GATEWAY_DB_USER", DB_USER);
        builder.environment().put("GATEWAY_DB_PASSWORD", DB_PASSWORD);
        builder.environment().put("GATEWAY_BROKER_USER", BROKER_USER);
        builder.environment().put("GATEWAY_BROKER_PASSWORD", BROKER_PASSWORD);
        Process process = builder.start();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .failFast(
                        "the gateway " + name + " exited; see target/external-engines/" + name + ".log",
                        () -> !process.isAlive())
                .until(() -> HTTP.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
        return new Instance(name, port, process);
    }

    private static void stop(Instance instance) throws InterruptedException {
        if (instance.process().isAlive()) {
            instance.process().destroy();
            if (!instance.process().waitFor(60, TimeUnit.SECONDS)) {
                instance.process().destroyForcibly().waitFor();
            }
        }
    }

    private static HttpResponse<String> post(int port, byte[] body) {
        HttpResponse<String> answer = postOrNull(port, body);
        assertThat(answer).as("an answer from port " + port).isNotNull();
        return answer;
    }

    private static HttpResponse<String> postOrNull(int port, byte[] body) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/inbound"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/pkcs7-mime")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // the instance was killed under this request: no 202, so no promise
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static JsonNode getJson(int port, String path) {
        try {
            return GatewayUnderTest.json(HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header(
                                    "Authorization",
                                    GatewayUnderTest.basic(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String setting(String environmentVariable, String fallback) {
        String property = System.getProperty(environmentVariable);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String value = System.getenv(environmentVariable);
        return value == null || value.isBlank() ? fallback : value;
    }
}
