import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;
import org.cbec.gateway.signature.CmsSignedDataVerifier;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.GatewaySigningKey;

/**
 * The gateway against its limit, on one machine: pre-signed unique messages (CMS, RSA-2048 and EC P-256;
 * 2 KiB shipments and 200-row AEO CSVs) sent over HTTP by C connections, closed loop at maximum and open
 * loop at a target rate; accept throughput and p50/p95/p99 latency of the 202s; end-to-end throughput to a
 * fast national sink; the bare CMS verification rate of the same messages with the same threads (the
 * limit) and the ratio; peak heap and RSS while accepting a 10 MB AEO CSV. The load generator runs in the
 * same JVM and on the same cores as the gateway: the figures are what one machine does, generator included.
 */
public final class GatewayBenchmark {
    private static final String CSV_HEADER =
            "aeo_id,operator_name,address_line,city,postcode,country,programme,status,valid_from,valid_until,status_changed_at,status_reason\n";

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Throwable failure) {
            // Exit even when gateway or sink threads are still alive: a failed run must not keep loading the machine.
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int openRate = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int openSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Path work = Files.createTempDirectory("cbec-bench");

        Credential ca = authority("CN=Bench CA,C=CN");
        Credential rsa = signer(ca, "CN=Bench RSA Signer,C=CN", rsaKeys());
        Credential ec = signer(ca, "CN=Bench EC Signer,C=CN", ecKeys());
        NationalSink sink = new NationalSink();
        int port = freePort();
        GatewayRuntime gateway =
                GatewayRuntime.start(GatewaySettings.load(configure(work, ca, port, sink), Map.of(), Map.of()));
        // What an empty gateway's data directory holds (the broker's preallocated journal files, the empty
        // database): the run's growth is measured above it.
        long dataDirAtStart = sizeOf(work.resolve("data"));
        try {
            System.out.printf(
                    "set-up: %d cores, %s, max heap %d MiB, Java %s, %s%n",
                    Runtime.getRuntime().availableProcessors(),
                    cpuModel(),
                    Runtime.getRuntime().maxMemory() >> 20,
                    System.getProperty("java.version"),
                    System.getProperty("os.name"));
            if (!overrides().isEmpty()) {
                System.out.printf("settings changed for this run (BENCH_SETTINGS): %s%n", overrides());
            }
            System.out.printf(
                    "pre-signing %d messages (90%% 2 KiB shipments, 10%% 200-row AEO CSVs; half RSA-2048, half EC P-256)...%n",
                    messages);
            List<Signed> closed = presign(messages, rsa, ec, "C");
            List<Signed> shipments = presign(messages, rsa, ec, "S", false);
            List<Signed> open = presign(openRate * openSeconds, rsa, ec, "O", false);

            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(8))
                    .build();
            URI inbound = URI.create("http://127.0.0.1:" + port + "/api/v1/inbound");
            List<Signed> warmUpMessages = presign(2_000, rsa, ec, "W");
            long warmUpBytes = bytes(warmUpMessages);
            Run warmUp = warmUp(client, inbound, warmUpMessages, connections);
            // The warm-up's records reach the sink before the count starts: they must not be counted as the run's.
            sink.awaitRecords(warmUp.acceptedRecords(), Duration.ofMinutes(5));
            sink.reset();

            if ("scale-out".equals(System.getenv("BENCH_ONLY"))) {
                scaleOut(gateway, port, client, inbound, work, ca, sink, shipments, connections);
                return;
            }
            if ("memory".equals(System.getenv("BENCH_ONLY"))) {
                // For a heap profile (jmap -histo:live from outside while it runs): the two 10 MB lists alone.
                Memory first = tenMegabyteCsv(client, inbound, rsa, 0, false, sink, 0);
                Memory second = tenMegabyteCsv(client, inbound, rsa, first.rows(), true, sink, first.rows());
                System.out.printf(
                        "memory only: %s, all records delivered after %.1f s; live set %s%n",
                        first.summary(), (first.deliveredNanos() - first.startedNanos()) / 1e9, second.summary());
                return;
            }
            if ("shipments".equals(System.getenv("BENCH_ONLY"))) {
                // For profiling one phase (JFR): the shipments-only closed loop alone, then stop; nothing is written.
                Map<String, double[]> before = stages(client, port);
                Run only = closedLoop(client, inbound, shipments, connections);
                long deliveredAt = sink.awaitRecords(only.acceptedRecords(), Duration.ofMinutes(10));
                System.out.printf(
                        "shipments only: %s; delivered %.1f records/s; stages %s%n",
                        only.summary(),
                        only.acceptedRecords() / ((deliveredAt - only.startNanos) / 1e9),
                        stageCosts(before, stages(client, port)));
                return;
            }
            Run closedRun = closedLoop(client, inbound, closed, connections);
            long recordsClosed = closedRun.acceptedRecords();
            long deliveredAt = sink.awaitRecords(recordsClosed, Duration.ofMinutes(5));
            double endToEnd = recordsClosed / ((deliveredAt - closedRun.startNanos) / 1e9);
            sink.reset();
            System.out.printf(
                    "closed loop, shipments only: %d messages over %d connections...%n", shipments.size(), connections);
            Map<String, double[]> stagesBefore = stages(client, port);
            Run shipmentsRun = closedLoop(client, inbound, shipments, connections);
            long shipmentsDeliveredAt = sink.awaitRecords(shipmentsRun.acceptedRecords(), Duration.ofMinutes(5));
            Map<String, Object> stageCosts = stageCosts(stagesBefore, stages(client, port));
            double shipmentsEndToEnd =
                    shipmentsRun.acceptedRecords() / ((shipmentsDeliveredAt - shipmentsRun.startNanos) / 1e9);
            sink.reset();
            Run openRun = openLoop(client, inbound, open, openRate);
            // The memory figure is taken on a quiet gateway: let what the open loop accepted reach the sink first
            // (what it shed, 503 OVERLOADED, never comes).
            long recordsOpen = openRun.acceptedRecords();
            sink.awaitRecords(recordsOpen, Duration.ofMinutes(10));
            // The open loop leaves the generator's extra connections open until they idle out (run.sh sets the client's
            // keep-alive to 10 s): wait for them to close, or the login flood's own clients would find the gateway at
            // its
            // connection cap (gateway.http.max-connections) and be closed at once instead of guessing.
            awaitOpenConnectionsBelow(client, port, 4 * connections, Duration.ofSeconds(90));
            List<Signed> floodMessages = presign(2 * 200 * 10, rsa, ec, "L", false);
            Map<String, Object> loginFlood = loginFlood(client, inbound, port, floodMessages, sink);
            double limit = bareVerificationRate(closed, Runtime.getRuntime().availableProcessors() * 8);
            double shipmentsLimit =
                    bareVerificationRate(shipments, Runtime.getRuntime().availableProcessors() * 8);
            Map<String, Object> floors = floors(gateway, client, port, shipments, connections);
            sink.reset();
            // Issue 20: AS4 intake (As4Load), a tenth as many 2 KiB shipments as AS4 payloads signed by the RSA signer.
            List<byte[]> as4Documents = new ArrayList<>();
            for (int i = 0; i < Math.max(1, messages / 10); i++) {
                as4Documents.add(shipment("A-" + i).getBytes(StandardCharsets.UTF_8));
            }
            List<As4Load.Request> as4Requests =
                    As4Load.presign(as4Documents, rsa.certificate(), rsa.key(), rsa.chain(), "CN-GACC");
            Map<String, Object> as4 = As4Load.closedLoop(client, port, as4Requests, connections);
            sink.awaitRecords(((Number) as4.get("receipts")).longValue(), Duration.ofMinutes(5));
            sink.reset();
            // The first document's records reach the sink before the second one is sent; what stays live is measured
            // while the second one is accepted, and until its records are delivered.
            Memory memory = tenMegabyteCsv(client, inbound, rsa, 0, false, sink, 0);
            long listDeliveredAt = memory.deliveredNanos();
            Map<String, Object> largeList = new java.util.LinkedHashMap<>();
            largeList.put("rows", memory.rows());
            largeList.put("firstRecordAfterSeconds", round((sink.firstAtNanos() - memory.startedNanos()) / 1e9));
            largeList.put("allRecordsAfterSeconds", round((listDeliveredAt - memory.startedNanos()) / 1e9));
            // Waits for the second list's records too: a gateway stopped while still forwarding it would roll back
            // what was in flight and leave it queued, as a stop should, but the run's output would end in the
            // rollbacks' errors.
            Memory live = tenMegabyteCsv(client, inbound, rsa, memory.rows(), true, sink, memory.rows());

            Map<String, Object> results = new java.util.LinkedHashMap<>();
            results.put("ranAt", Instant.now().toString());
            results.put(
                    "machine",
                    Map.of(
                            "cores",
                            Runtime.getRuntime().availableProcessors(),
                            "cpu",
                            cpuModel(),
                            "java",
                            System.getProperty("java.version"),
                            "maxHeapMiB",
                            Runtime.getRuntime().maxMemory() >> 20));
            results.put("messages", messages);
            if (!overrides().isEmpty()) {
                results.put("settingsChanged", overrides());
            }
            results.put("connections", connections);
            results.put("closedLoop", closedRun.summary());
            results.put("endToEndRecordsPerSecond", round(endToEnd));
            Map<String, Object> shipmentsOnly = new java.util.LinkedHashMap<>(shipmentsRun.summary());
            shipmentsOnly.put("endToEndRecordsPerSecond", round(shipmentsEndToEnd));
            shipmentsOnly.put("bareCmsVerificationPerSecond", round(shipmentsLimit));
            shipmentsOnly.put("gatewayToLimitRatio", round(shipmentsRun.throughput() / shipmentsLimit));
            results.put("closedLoopShipmentsOnly", shipmentsOnly);
            results.put("stageMsPerItemShipmentsOnly", stageCosts);
            results.put(
                    "openLoop",
                    Map.of(
                            "offeredPerSecond",
                            openRate,
                            "seconds",
                            openSeconds,
                            "messages",
                            "2 KiB shipments",
                            "result",
                            openRun.summary()));
            results.put("bareCmsVerificationPerSecond", round(limit));
            results.put("gatewayToLimitRatio", round(closedRun.throughput() / limit));
            results.put("floors", floors);
            results.put("as4ClosedLoopShipments", as4);
            results.put("memory", memory.summary());
            results.put("memoryLive", live.summary());
            results.put("largeList", largeList);
            results.put("loginFlood", loginFlood);
            long received = bytes(closed)
                    + bytes(shipments)
                    + bytes(open)
                    + memory.payloadBytes()
                    + live.payloadBytes()
                    + warmUpBytes
                    // The login flood's partner messages and the AS4 messages are accepted and kept too.
                    + bytes(floodMessages)
                    + as4Requests.stream()
                            .mapToLong(request -> request.body().length)
                            .sum();
            results.put("storageAfterRun", storage(work, received, dataDirAtStart));
            // The embedded stores give back what a burst left (the broker's journal files of consumed records, the
            // database's emptied chunks) in housekeeping rounds of a few seconds: the same directory once it stops
            // shrinking, the gateway idle.
            results.put("storageOnceQuiet", storage(work, received, dataDirAtStart, awaitQuiet(work.resolve("data"))));
            double staticFloor =
                    ((Number) ((Map<String, Object>) floors.get("staticPage")).get("acceptedPerSecond")).doubleValue();
            results.put(
                    "againstStaticPageFloor",
                    Map.of(
                            "acceptedShipments",
                            round(shipmentsRun.throughput() / staticFloor),
                            "deliveredShipmentRecords",
                            round(shipmentsEndToEnd / staticFloor)));
            print(results);
            write(results);
        } finally {
            gateway.close();
            sink.close();
            deleteTree(work);
        }
    }

    /** The data directory's size and what of it is the database and the broker, against the bytes received. */
    private static Map<String, Object> storage(Path work, long received, long dataDirAtStart) throws IOException {
        return storage(work, received, dataDirAtStart, 0);
    }

    private static Map<String, Object> storage(Path work, long received, long dataDirAtStart, double afterSeconds)
            throws IOException {
        long dataDir = sizeOf(work.resolve("data"));
        Map<String, Object> storage = new java.util.LinkedHashMap<>();
        storage.put("databaseMiB", round(sizeOf(work.resolve("data/db")) / 1048576.0));
        storage.put("brokerMiB", round(sizeOf(work.resolve("data/broker")) / 1048576.0));
        storage.put("dataDirMiB", round(dataDir / 1048576.0));
        storage.put("receivedMiB", round(received / 1048576.0));
        storage.put("dataDirToReceived", round((double) dataDir / received));
        storage.put("dataDirAtStartMiB", round(dataDirAtStart / 1048576.0));
        storage.put("growthToReceived", round((double) (dataDir - dataDirAtStart) / received));
        if (afterSeconds > 0) {
            storage.put("afterSeconds", round(afterSeconds));
        }
        return storage;
    }

    /**
     * Waits until {@code directory} has not shrunk for 15 s (at most 2 minutes); returns the seconds waited. The
     * gateway is idle: what goes is what its housekeeping gives back.
     */
    private static double awaitQuiet(Path directory) throws IOException {
        long started = System.nanoTime();
        long smallest = sizeOf(directory);
        long smallestAt = started;
        while (System.nanoTime() - smallestAt < TimeUnit.SECONDS.toNanos(15)
                && System.nanoTime() - started < TimeUnit.MINUTES.toNanos(2)) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            long size = sizeOf(directory);
            if (size < smallest) {
                smallest = size;
                smallestAt = System.nanoTime();
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static long bytes(List<Signed> messages) {
        return messages.stream().mapToLong(m -> m.body().length).sum();
    }

    private static long sizeOf(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> file.toFile().length())
                    .sum();
        }
    }

    /** Deletes a run's work directory, unless BENCH_KEEP is set (to read its database and journal afterwards). */
    static void deleteTree(Path directory) {
        if (System.getenv("BENCH_KEEP") != null) {
            System.out.println("kept the work directory (BENCH_KEEP): " + directory);
            return;
        }
        try (var files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            System.err.println("could not delete the work directory " + directory + " (delete it by hand): " + e);
        }
    }

    // ---------------------------------------------------------------- runs

    record Sample(long latencyNanos, int status, long records) {}

    static final class Run {
        final long startNanos = System.nanoTime();
        long endNanos;
        final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

        /** The records of the messages answered 202: what the sink must receive. */
        long acceptedRecords() {
            return samples.stream()
                    .filter(s -> s.status() == 202)
                    .mapToLong(Sample::records)
                    .sum();
        }

        double throughput() {
            long accepted = samples.stream().filter(s -> s.status() / 100 == 2).count();
            return accepted / ((endNanos - startNanos) / 1e9);
        }

        Map<String, Object> summary() {
            long[] latencies = samples.stream()
                    .filter(s -> s.status() / 100 == 2)
                    .mapToLong(Sample::latencyNanos)
                    .sorted()
                    .toArray();
            Map<String, Long> statuses = new java.util.TreeMap<>();
            samples.forEach(s -> statuses.merge(String.valueOf(s.status()), 1L, Long::sum));
            Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("acceptedPerSecond", round(throughput()));
            summary.put("p50Ms", millis(percentile(latencies, 50)));
            summary.put("p95Ms", millis(percentile(latencies, 95)));
            summary.put("p99Ms", millis(percentile(latencies, 99)));
            summary.put(
                    "p999Ms",
                    millis(
                            latencies.length == 0
                                    ? 0
                                    : latencies[
                                            Math.min(
                                                    latencies.length - 1,
                                                    (int) Math.ceil(0.999 * latencies.length) - 1)]));
            summary.put("statuses", statuses);
            return summary;
        }
    }

    private static Run closedLoop(HttpClient client, URI inbound, List<Signed> messages, int connections)
            throws InterruptedException {
        System.out.printf("closed loop: %d messages over %d connections...%n", messages.size(), connections);
        return closedLoopAcross(client, List.of(inbound), messages, connections);
    }

    private static Run openLoop(HttpClient client, URI inbound, List<Signed> messages, int rate)
            throws InterruptedException {
        System.out.printf("open loop: %d messages offered at %d/s...%n", messages.size(), rate);
        Run run = new Run();
        CountDownLatch done = new CountDownLatch(messages.size());
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < messages.size(); i++) {
            long due = run.startNanos + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            // Latency counts from when the message was due, so a stalled gateway cannot hide its queueing (no
            // coordinated omission).
            Signed message = messages.get(i);
            client.sendAsync(request(inbound, message.body()), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        run.samples.add(new Sample(
                                System.nanoTime() - due,
                                failure == null ? response.statusCode() : -1,
                                message.records()));
                        done.countDown();
                    });
        }
        done.await();
        run.endNanos = System.nanoTime();
        return run;
    }

    /**
     * Issue 18 §5: partner intake under a login flood. The same open loop (200 msg/s for 10 s) runs alone, then with
     * six clients guessing passwords at /api/v1/session as fast as they are answered; the accept latency of both.
     */
    private static Map<String, Object> loginFlood(
            HttpClient client, URI inbound, int port, List<Signed> messages, NationalSink sink)
            throws InterruptedException {
        int half = messages.size() / 2;
        System.out.println("login flood: open loop at 200 msg/s alone...");
        Run alone = openLoop(client, inbound, messages.subList(0, half), 200);
        sink.awaitRecords(alone.acceptedRecords(), Duration.ofMinutes(5));
        sink.reset();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong guesses = new AtomicLong();
        java.util.concurrent.ConcurrentHashMap<Integer, Long> answers = new java.util.concurrent.ConcurrentHashMap<>();
        URI login = URI.create("http://127.0.0.1:" + port + "/api/v1/session");
        List<Thread> guessers = new ArrayList<>();
        for (int g = 0; g < 6; g++) {
            int guesser = g;
            Thread thread = new Thread(
                    () -> {
                        HttpClient own = HttpClient.newBuilder()
                                .version(HttpClient.Version.HTTP_1_1)
                                .build();
                        int attempt = 0;
                        while (flooding.get()) {
                            String body = "{\"name\":\"operator" + (guesser * 100_000 + attempt % 50)
                                    + "\",\"password\":\"guess-" + attempt++ + "\"}";
                            try {
                                HttpResponse<Void> answer = own.send(
                                        HttpRequest.newBuilder(login)
                                                .header("Content-Type", "application/json")
                                                .timeout(Duration.ofSeconds(30))
                                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding());
                                answers.merge(answer.statusCode(), 1L, Long::sum);
                            } catch (Exception e) {
                                answers.merge(-1, 1L, Long::sum);
                            }
                            guesses.incrementAndGet();
                        }
                    },
                    "login-guesser-" + g);
            thread.start();
            guessers.add(thread);
        }
        System.out.println("login flood: the same open loop with six password-guessing clients...");
        Run flooded = openLoop(client, inbound, messages.subList(half, messages.size()), 200);
        flooding.set(false);
        for (Thread thread : guessers) {
            thread.join();
        }
        sink.awaitRecords(flooded.acceptedRecords(), Duration.ofMinutes(5));
        sink.reset();
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("alone", alone.summary());
        result.put("withLoginFlood", flooded.summary());
        result.put("loginGuesses", guesses.get());
        result.put("loginAnswers", new java.util.TreeMap<>(answers));
        return result;
    }

    private static Run warmUp(HttpClient client, URI inbound, List<Signed> messages, int connections)
            throws InterruptedException {
        System.out.println("warming up...");
        return closedLoop(client, inbound, messages, connections);
    }

    /** The limit: parse and verify the same CMS messages, nothing else, with as many threads as the gateway's workers. */
    private static double bareVerificationRate(List<Signed> messages, int threads) throws InterruptedException {
        System.out.printf("limit: bare CMS verification of the same messages on %d threads...%n", threads);
        CmsSignedDataVerifier verifier = new CmsSignedDataVerifier();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < Math.min(2_000, messages.size()); i++) {
            verifier.verify(messages.get(i).body());
        }
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(messages.size());
        for (Signed message : messages) {
            pool.execute(() -> {
                verifier.verify(message.body());
                done.countDown();
            });
        }
        done.await();
        double rate = messages.size() / ((System.nanoTime() - start) / 1e9);
        pool.shutdown();
        return rate;
    }

    /**
     * What this machine does with none of the gateway's work, with the same load generator, messages and connections:
     * an HTTP route that answers 202 at once, and the same route after one persistent send to a durable queue that a
     * consumer drains (the gateway's accept path makes that send too). No accept path can be faster on these cores;
     * the floors put the gateway's figures and the targets in proportion. Each floor runs twice over the
     * messages and the second run counts (the first warms the route up).
     */
    private static Map<String, Object> floors(
            GatewayRuntime gateway, HttpClient client, int port, List<Signed> messages, int connections)
            throws Exception {
        Semaphore drained = new Semaphore(0);
        RouteBuilder floorRoutes = new RouteBuilder() {
            @Override
            public void configure() {
                // The floor: the same generator fetching a small static page from the running gateway.
                from("platform-http:/bench/floor/static?httpMethodRestrict=GET")
                        .routeId("bench-floor-static")
                        .setBody(constant("<!doctype html><title>floor</title><p>A small static page.</p>"))
                        .setHeader(Exchange.CONTENT_TYPE, constant("text/html"));
                from("platform-http:/bench/floor/empty?httpMethodRestrict=POST")
                        .routeId("bench-floor-empty")
                        .setBody(constant(""))
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202));
                // A short body, like the message id the gateway queues; the HTTP headers stay out of the JMS message.
                from("platform-http:/bench/floor/queued?httpMethodRestrict=POST")
                        .routeId("bench-floor-queued")
                        .removeHeaders("*")
                        .setBody(constant("01JD0000000000000000000000"))
                        .to("jms:queue:bench.floor?exchangePattern=InOnly&deliveryPersistent=true")
                        .setBody(constant(""))
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202));
                from("jms:queue:bench.floor").routeId("bench-floor-drain").process(exchange -> drained.release());
            }
        };
        gateway.camel().addRoutes(floorRoutes);
        Map<String, Object> floors = new java.util.LinkedHashMap<>();
        try {
            for (String floor : List.of("static", "empty", "queued")) {
                System.out.printf(
                        "floor: %d messages to the %s route over %d connections, twice...%n",
                        messages.size(), floor, connections);
                URI route = URI.create("http://127.0.0.1:" + port + "/bench/floor/" + floor);
                closedLoop(client, route, messages, connections);
                floors.put(
                        floor.equals("static")
                                ? "staticPage"
                                : floor.equals("empty") ? "emptyHttpRoute" : "httpRouteWithOneDurableSend",
                        closedLoop(client, route, messages, connections).summary());
            }
            // The memory figures that follow are taken on a quiet gateway.
            if (!drained.tryAcquire(2 * messages.size(), 5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the floor's queue was not drained in 5 minutes");
            }
        } finally {
            for (String route :
                    List.of("bench-floor-static", "bench-floor-empty", "bench-floor-queued", "bench-floor-drain")) {
                gateway.camel().getRouteController().stopRoute(route);
                gateway.camel().removeRoute(route);
            }
        }
        return floors;
    }

    /**
     * Heap and RSS above what they were before the request, at their highest while it was accepted (until its 202)
     * and, when {@code live}, also until every record of it reached the national system. Sampled plainly, the heap
     * figure includes garbage not yet collected; with {@code live}, the sampler forces a full collection between
     * samples, so the figure is what the gateway really held (the live set), at the cost of a slower request.
     */
    record Memory(
            long payloadBytes,
            int rows,
            long peakHeapDeltaBytes,
            long peakHeapUntilDeliveredDeltaBytes,
            long peakRssDeltaBytes,
            int status,
            long startedNanos,
            long deliveredNanos) {
        Map<String, Object> summary() {
            Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("payloadMiB", round(payloadBytes / 1048576.0));
            summary.put("peakHeapDeltaMiB", round(peakHeapDeltaBytes / 1048576.0));
            summary.put("heapToPayload", round((double) peakHeapDeltaBytes / payloadBytes));
            if (peakHeapUntilDeliveredDeltaBytes > 0) {
                summary.put("peakHeapUntilDeliveredDeltaMiB", round(peakHeapUntilDeliveredDeltaBytes / 1048576.0));
                summary.put(
                        "heapUntilDeliveredToPayload", round((double) peakHeapUntilDeliveredDeltaBytes / payloadBytes));
            }
            summary.put("peakRssDeltaMiB", round(peakRssDeltaBytes / 1048576.0));
            summary.put("status", status);
            return summary;
        }
    }

    /**
     * Sends a signed 10 MB AEO CSV and waits until the sink has {@code deliveredBefore} plus its rows; measures the
     * heap while it is accepted and, when {@code live}, until it is delivered.
     */
    private static Memory tenMegabyteCsv(
            HttpClient client,
            URI inbound,
            Credential signer,
            int firstRow,
            boolean live,
            NationalSink sink,
            long deliveredBefore)
            throws Exception {
        StringBuilder csv = new StringBuilder(CSV_HEADER);
        int row = firstRow;
        while (csv.length() < 10 * 1024 * 1024) {
            csv.append(String.format(
                    Locale.ROOT,
                    "CN%010d,Operator number %d of the big list,%d Keji Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,%n",
                    ++row,
                    row,
                    row));
        }
        byte[] body = sign(csv.toString().getBytes(StandardCharsets.UTF_8), signer);
        csv = null;
        long payloadBytes = body.length;
        int rows = row - firstRow;
        System.out.printf(
                "memory: one %.1f MiB AEO CSV (%d rows)%s...%n",
                body.length / 1048576.0, rows, live ? ", live set (a full collection between samples)" : "");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore =
                live ? heapAfterLastCollection() : memory.getHeapMemoryUsage().getUsed();
        long rssBefore = rss();
        AtomicLong peakHeap = new AtomicLong(heapBefore);
        AtomicLong peakRss = new AtomicLong(rssBefore);
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicBoolean histogramPrinted = new AtomicBoolean(false);
        Map<String, Long> histogramBefore = live ? histogram() : Map.of();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                if (live) {
                    System.gc();
                }
                // With a collection forced, what the collector found live, not the heap in use when this thread next
                // runs: on two busy cores that can be a tenth of a second later, with every allocation since counted.
                long used = live
                        ? heapAfterLastCollection()
                        : memory.getHeapMemoryUsage().getUsed();
                peakHeap.accumulateAndGet(used, Math::max);
                if (live && used - heapBefore > 10 * payloadBytes && histogramPrinted.compareAndSet(false, true)) {
                    // Far beyond what the document should hold: say what it is, once (what grew since the request).
                    printHistogramGrowth(histogramBefore, used - heapBefore);
                }
                peakRss.accumulateAndGet(rss(), Math::max);
                if (live) {
                    // A collection at a time, with room between them for the gateway to work.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        sampler.start();
        long startedNanos = System.nanoTime();
        HttpResponse<Void> response = client.send(request(inbound, body), HttpResponse.BodyHandlers.discarding());
        long peakHeapAt202 = peakHeap.get();
        if (live && System.getenv("BENCH_ONLY") != null) {
            System.out.printf("memory: HTTP %d at %d ms (epoch)%n", response.statusCode(), System.currentTimeMillis());
        }
        body = null;
        if (!live) {
            sampling.set(false);
            sampler.join();
        }
        long deliveredNanos = sink.awaitRecords(deliveredBefore + rows, Duration.ofMinutes(10));
        sampling.set(false);
        sampler.join();
        return new Memory(
                payloadBytes,
                rows,
                peakHeapAt202 - heapBefore,
                live ? peakHeap.get() - heapBefore : 0,
                peakRss.get() - rssBefore,
                response.statusCode(),
                startedNanos,
                deliveredNanos);
    }

    /** The heap in use just after the last collection, summed over the heap's pools (live, after a full one). */
    private static long heapAfterLastCollection() {
        long used = 0;
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }

    /** The heap's live bytes by class (a full collection is forced first), from the JVM's class histogram. */
    private static Map<String, Long> histogram() {
        Map<String, Long> bytes = new java.util.HashMap<>();
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram",
                            new Object[] {new String[0]},
                            new String[] {String[].class.getName()});
            for (String line : histogram.lines().toList()) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length >= 4 && fields[0].endsWith(":")) {
                    bytes.put(fields[3], Long.parseLong(fields[2]));
                }
            }
        } catch (Exception e) {
            System.out.println("memory: no class histogram: " + e);
        }
        return bytes;
    }

    /** The 20 classes whose live bytes grew most since {@code before}. */
    private static void printHistogramGrowth(Map<String, Long> before, long aboveBefore) {
        Map<String, Long> now = histogram();
        StringBuilder lines = new StringBuilder();
        now.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(20)
                .forEach(e -> lines.append(
                        String.format(Locale.ROOT, "  %+10.1f MiB  %s%n", e.getValue() / 1048576.0, e.getKey())));
        System.out.printf(
                "memory: the live heap is %.1f MiB above its level before the request; the classes that grew most:%n%s",
                aboveBefore / 1048576.0, lines);
    }

    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    // ---------------------------------------------------------------- messages

    record Signed(byte[] body, long records) {}

    private static List<Signed> presign(int count, Credential rsa, Credential ec, String prefix) {
        return presign(count, rsa, ec, prefix, true);
    }

    /** Unique signed messages: 2 KiB shipments, and with {@code withCsv} every tenth a 200-row AEO CSV. */
    private static List<Signed> presign(int count, Credential rsa, Credential ec, String prefix, boolean withCsv) {
        List<Signed> signed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Credential signer = i % 2 == 0 ? rsa : ec;
            if (withCsv && i % 10 == 9) {
                StringBuilder csv = new StringBuilder(CSV_HEADER);
                for (int r = 0; r < 200; r++) {
                    csv.append(String.format(
                            Locale.ROOT,
                            "CN%s%03d%06d,Operator %d,1 Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,%n",
                            prefix.equals("C") ? "1" : prefix.equals("O") ? "2" : "3",
                            r,
                            i,
                            r));
                }
                signed.add(new Signed(sign(csv.toString().getBytes(StandardCharsets.UTF_8), signer), 200));
            } else {
                signed.add(new Signed(sign(shipment(prefix + "-" + i).getBytes(StandardCharsets.UTF_8), signer), 1));
            }
        }
        return signed;
    }

    /** Words the shipments' item descriptions are drawn from: text about as compressible as a real parcel list's. */
    private static final String[] WORDS =
            ("bluetooth headphones over-ear wireless charger cable usb-c phone case silicone cotton t-shirt"
                            + " women men kids running shoes leather wallet stainless steel water bottle insulated"
                            + " ceramic mug notebook a5 ruled gel pens ballpoint desk lamp led smart watch strap"
                            + " yoga mat non-slip backpack waterproof hiking socks wool scarf cashmere sunglasses"
                            + " polarized phone holder car mount keyboard mechanical mouse ergonomic toy building"
                            + " blocks puzzle jigsaw lipstick matte face cream moisturising shampoo herbal")
                    .split(" ");

    private static final String[] HS_CODES = {
        "851830", "850440", "854442", "392690", "610910", "640411", "420231", "732393", "691200", "482010"
    };

    /**
     * A ~2 KiB e-commerce shipment of eight items. The descriptions, codes and values are drawn from the waybill,
     * so no two shipments are alike and the text compresses as a real one does (earlier runs repeated one
     * description twelve times, which made every copy of the document compress several times better than real).
     */
    static String shipment(String waybill) {
        java.util.Random random = new java.util.Random(waybill.hashCode());
        StringBuilder goods = new StringBuilder();
        for (int item = 1; item <= 8; item++) {
            StringBuilder description = new StringBuilder();
            for (int word = 0; word < 6 + random.nextInt(6); word++) {
                description.append(word == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            goods.append(item == 1 ? "" : ",")
                    .append(("{\"itemNo\":%d,\"description\":\"%s\",\"hsCode\":\"%s\",\"qty\":%d,\"unit\":\"PCE\","
                                    + "\"grossWeightKg\":%d.%02d,\"price\":{\"amount\":%d.%02d,\"currency\":\"EUR\"},"
                                    + "\"origin\":\"CN\"}")
                            .formatted(
                                    item,
                                    description,
                                    HS_CODES[random.nextInt(HS_CODES.length)],
                                    1 + random.nextInt(5),
                                    random.nextInt(3),
                                    random.nextInt(100),
                                    1 + random.nextInt(150),
                                    random.nextInt(100)));
        }
        return """
                {"documentType":"ECOM_SHIPMENT","waybillNo":"%s","masterWaybillNo":"784-00000011",
                 "platform":{"id":"PLAT-CN-001","orderNo":"SO-%d"},
                 "seller":{"name":"Shenzhen Bright Export Co. Ltd","tin":"91440300MA5F","aeoCode":"CN1234567890",
                   "address":{"street":"88 Keji Road","city":"Shenzhen","postcode":"518057","countryCode":"CN"}},
                 "buyer":{"name":"Anna Schmidt","address":{"street":"Hauptstr. 5","city":"Berlin","postcode":"10115","countryCode":"DE"}},
                 "goods":[%s],
                 "exportCountry":"CN","destinationCountry":"DE","transportMode":"4"}""".formatted(waybill, 10_000 + random.nextInt(90_000), goods);
    }

    private static HttpRequest request(URI inbound, byte[] body) {
        if (inbound.getPath().endsWith("/bench/floor/static")) {
            return HttpRequest.newBuilder(inbound)
                    .timeout(Duration.ofSeconds(60))
                    .GET()
                    .build();
        }
        return HttpRequest.newBuilder(inbound)
                .header("Content-Type", "application/pkcs7-mime")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    // ---------------------------------------------------------------- scale-out: two instances (issue 19)

    /**
     * The scale-out profile's throughput beside one instance, in one run: the in-process gateway alone, then with a
     * second instance started as its own process on the same external database and broker (BENCH_SETTINGS), the
     * generator spreading requests over both in turn as a round-robin load balancer would. Unique shipments in each
     * phase, the same connections; the static-page floor of the first instance is measured last, in the same run.
     */
    private static void scaleOut(
            GatewayRuntime gateway,
            int port,
            HttpClient client,
            URI inbound,
            Path work,
            Credential ca,
            NationalSink sink,
            List<Signed> shipments,
            int connections)
            throws Exception {
        if (!overrides().containsKey("gateway.db.url") || !overrides().containsKey("gateway.broker.url")) {
            throw new IllegalStateException("BENCH_ONLY=scale-out needs BENCH_SETTINGS with gateway.db.url and"
                    + " gateway.broker.url (an external PostgreSQL and Artemis: .ci/start-external-engines)");
        }
        int half = shipments.size() / 2;
        List<Signed> alone = shipments.subList(0, half);
        List<Signed> together = shipments.subList(half, shipments.size());
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        System.out.printf("scale-out: one instance, %d shipments over %d connections...%n", alone.size(), connections);
        Run one = closedLoop(client, inbound, alone, connections);
        long oneDelivered = sink.awaitRecords(one.acceptedRecords(), Duration.ofMinutes(10));
        result.put("oneInstance", phase(one, oneDelivered));
        sink.reset();

        int secondPort = freePort();
        Path secondWork = Files.createDirectories(work.resolve("second"));
        Path secondConfig = configure(secondWork, ca, secondPort, sink);
        Path log = secondWork.resolve("gateway.log");
        Process second = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xms1g",
                        "-Xmx2g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.cbec.gateway.GatewayApplication",
                        "run",
                        "--config",
                        secondConfig.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            URI secondInbound = URI.create("http://127.0.0.1:" + secondPort + "/api/v1/inbound");
            awaitHealthy(client, URI.create("http://127.0.0.1:" + secondPort + "/health"), second, log);
            System.out.println("scale-out: second instance up; warming it up...");
            List<Signed> warm = together.subList(0, Math.min(1_000, together.size() / 4));
            Run warmUp = closedLoop(client, secondInbound, warm, connections);
            sink.awaitRecords(warmUp.acceptedRecords(), Duration.ofMinutes(5));
            sink.reset();
            List<Signed> measured = together.subList(warm.size(), together.size());
            System.out.printf(
                    "scale-out: two instances, %d shipments over %d connections, round robin...%n",
                    measured.size(), connections);
            Run two = closedLoopAcross(client, List.of(inbound, secondInbound), measured, connections);
            long twoDelivered = sink.awaitRecords(two.acceptedRecords(), Duration.ofMinutes(10));
            result.put("twoInstances", phase(two, twoDelivered));
        } finally {
            second.destroy();
            if (!second.waitFor(60, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
        Map<String, Object> floors = floors(gateway, client, port, alone, connections);
        Map<String, Object> staticPage = (Map<String, Object>) floors.get("staticPage");
        double floor = ((Number) staticPage.get("acceptedPerSecond")).doubleValue();
        result.put("staticPageFloor", staticPage);
        for (String phase : List.of("oneInstance", "twoInstances")) {
            Map<String, Object> figures = (Map<String, Object>) result.get(phase);
            figures.put("acceptedPerFloor", round2(((Number) figures.get("acceptedPerSecond")).doubleValue() / floor));
            figures.put(
                    "deliveredPerFloor",
                    round2(((Number) figures.get("deliveredRecordsPerSecond")).doubleValue() / floor));
        }
        double gain = ((Number) ((Map<String, Object>) result.get("twoInstances")).get("acceptedPerSecond"))
                        .doubleValue()
                / ((Number) ((Map<String, Object>) result.get("oneInstance")).get("acceptedPerSecond")).doubleValue();
        result.put("twoOverOneAccepted", round2(gain));
        writeScaleOut(result, connections, shipments.size());
    }

    /** The commit benchmarked (git's short id), or "unknown" outside a git checkout. */
    private static String commitOf() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static Map<String, Object> phase(Run run, long deliveredAtNanos) {
        Map<String, Object> figures = new java.util.LinkedHashMap<>(run.summary());
        figures.put(
                "deliveredRecordsPerSecond",
                round(run.acceptedRecords() / ((deliveredAtNanos - run.startNanos) / 1e9)));
        return figures;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** A closed loop whose requests go to each gateway in turn, as a round-robin load balancer sends them. */
    private static Run closedLoopAcross(HttpClient client, List<URI> inbound, List<Signed> messages, int connections)
            throws InterruptedException {
        Run run = new Run();
        Semaphore inFlight = new Semaphore(connections);
        CountDownLatch done = new CountDownLatch(messages.size());
        int next = 0;
        for (Signed message : messages) {
            inFlight.acquire();
            long start = System.nanoTime();
            URI target = inbound.get(next++ % inbound.size());
            client.sendAsync(request(target, message.body()), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        run.samples.add(new Sample(
                                System.nanoTime() - start,
                                failure == null ? response.statusCode() : -1,
                                message.records()));
                        inFlight.release();
                        done.countDown();
                    });
        }
        done.await();
        run.endNanos = System.nanoTime();
        return run;
    }

    private static void awaitHealthy(HttpClient client, URI health, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the second instance stopped at start; see " + log);
            }
            try {
                HttpResponse<Void> answer = client.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            process.waitFor(250, TimeUnit.MILLISECONDS); // a wait on the process, so a crash ends it at once
        }
        throw new IllegalStateException("the second instance was not healthy within 3 minutes; see " + log);
    }

    private static void writeScaleOut(Map<String, Object> result, int connections, int messages) throws IOException {
        String commit = commitOf();

        String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        Map<String, Object> one = (Map<String, Object>) result.get("oneInstance");
        Map<String, Object> two = (Map<String, Object>) result.get("twoInstances");
        Map<String, Object> floor = (Map<String, Object>) result.get("staticPageFloor");
        String table = "| figure | one instance | two instances |\n|---|---|---|\n"
                + "| machine | " + Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel() + ", Java "
                + System.getProperty("java.version")
                + " | same machine: both instances, the engines and the generator share it |\n"
                + "| run | " + java.time.Instant.now() + ", commit " + commit + ", " + messages + " shipments, "
                + connections
                + " connections, settings " + overrides().keySet() + " |  |\n"
                + "| accepted 2 KiB shipments (closed loop) | " + one.get("acceptedPerSecond") + " msg/s; p50 "
                + one.get("p50Ms") + " ms, p99 " + one.get("p99Ms") + " ms; " + one.get("statuses") + " | "
                + two.get("acceptedPerSecond") + " msg/s; p50 " + two.get("p50Ms") + " ms, p99 " + two.get("p99Ms")
                + " ms; " + two.get("statuses") + " |\n"
                + "| delivered records end to end | " + one.get("deliveredRecordsPerSecond") + " /s | "
                + two.get("deliveredRecordsPerSecond") + " /s |\n"
                + "| accepted / static-page floor | " + one.get("acceptedPerFloor") + " | "
                + two.get("acceptedPerFloor")
                + " |\n"
                + "| delivered / static-page floor | " + one.get("deliveredPerFloor") + " | "
                + two.get("deliveredPerFloor")
                + " |\n"
                + "| two instances / one, accepted | | " + result.get("twoOverOneAccepted") + " |\n"
                + "| floor: a small static page (GET) from the first instance | " + floor.get("acceptedPerSecond")
                + " req/s; p50 " + floor.get("p50Ms") + " ms | |\n";
        System.out.print(table);
        Path results = Files.createDirectories(Path.of("bench/results/runs"));
        Files.writeString(results.resolve(day + "-" + commit + "-scale-out.md"), table);
        Files.writeString(
                results.resolve(day + "-" + commit + "-scale-out.json"),
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(result));
        System.out.println("written: bench/results/runs/" + day + "-" + commit + "-scale-out.{md,json}");
    }

    // ---------------------------------------------------------------- the gateway and its sink

    /** BENCH_SETTINGS="key=value,key=value": gateway settings to try without editing the benchmark; printed with the results. */
    private static Map<String, String> overrides() {
        Map<String, String> overrides = new java.util.TreeMap<>();
        for (String pair : System.getenv().getOrDefault("BENCH_SETTINGS", "").split(",")) {
            if (!pair.isBlank()) {
                String[] keyAndValue = pair.split("=", 2);
                if (keyAndValue.length != 2) {
                    throw new IllegalArgumentException(
                            "BENCH_SETTINGS wants key=value pairs separated by commas, not '" + pair + "'");
                }
                overrides.put(keyAndValue[0].trim(), keyAndValue[1].trim());
            }
        }
        return overrides;
    }

    private static Path configure(Path work, Credential ca, int port, NationalSink sink) throws IOException {
        Path partners = Files.createDirectories(work.resolve("partners"));
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(partners.resolve("bench-ca.pem")))) {
            writer.writeObject(ca.certificate());
        }
        Files.writeString(partners.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: Benchmark partner
                country: CN
                trustAnchors: [bench-ca.pem]
                revocation: none
                messageTypes: [AEO_STATUS, ECOM_SHIPMENT]
                """);
        Path config = Files.createDirectories(work.resolve("config"));
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.http.port", String.valueOf(port));
        settings.put("gateway.data.dir", work.resolve("data").toString());
        settings.put("gateway.partners.dir", partners.toString());
        settings.put("gateway.routes.dir", Path.of("routes").toAbsolutePath().toString());
        settings.put("gateway.national.aeo.url", sink.url());
        settings.put("gateway.national.shipment.url", sink.url());
        // The sink takes batches, as the built-in simulator does; BENCH_SETTINGS can turn them off
        // (gateway.national.*.batch=1).
        settings.put("gateway.national.aeo.batch-url", sink.url() + "/batch");
        settings.put("gateway.national.shipment.batch-url", sink.url() + "/batch");
        settings.put("gateway.national.simulator.enabled", "false");
        settings.put("gateway.forward.consumers", "16");
        settings.put("gateway.inbound.max-bytes", String.valueOf(32 * 1024 * 1024));
        settings.putAll(overrides());
        StringBuilder properties = new StringBuilder(Files.readString(Path.of("config/application.properties")));
        properties.append("\n");
        settings.forEach(
                (key, value) -> properties.append(key).append('=').append(value).append('\n'));
        Files.writeString(config.resolve("application.properties"), properties);
        return config;
    }

    /** A national system that answers 200 at once and counts. */
    static final class NationalSink implements AutoCloseable {
        private final HttpServer server;
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong firstAtNanos = new AtomicLong();
        private static final byte[] ENTRY = "{\"idempotencyKey\":".getBytes(StandardCharsets.UTF_8);

        NationalSink() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                // A batch (gateway.national.*.batch-url) is a JSON array of {"idempotencyKey":...,"record":...}.
                received.addAndGet(
                        exchange.getRequestURI().getPath().endsWith("/batch") ? occurrences(body, ENTRY) : 1);
                firstAtNanos.compareAndSet(0, System.nanoTime());
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/records";
        }

        void reset() {
            received.set(0);
            firstAtNanos.set(0);
        }

        /** When the first record after the last reset arrived (System.nanoTime), 0 before. */
        long firstAtNanos() {
            return firstAtNanos.get();
        }

        private static long occurrences(byte[] body, byte[] needle) {
            long count = 0;
            outer:
            for (int i = 0; i + needle.length <= body.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (body[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                count++;
            }
            return count;
        }

        long awaitRecords(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (received.get() < count && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            return System.nanoTime();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // ---------------------------------------------------------------- PKI

    record Credential(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {}

    static KeyPair rsaKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static Credential authority(String subject) throws Exception {
        KeyPair keys = rsaKeys();
        X509Certificate certificate =
                certificate(new X500Name(subject), keys, new X500Name(subject), keys.getPrivate(), true);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate));
    }

    static Credential signer(Credential issuer, String subject, KeyPair keys) throws Exception {
        X509Certificate certificate = certificate(
                new X500Name(subject),
                keys,
                X500Name.getInstance(
                        issuer.certificate().getSubjectX500Principal().getEncoded()),
                issuer.key(),
                false);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate, issuer.certificate()));
    }

    private static X509Certificate certificate(
            X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey, boolean authority) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(now.toEpochMilli() + (authority ? 0 : 1)),
                Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))),
                subject,
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }

    /** CMS SignedData as a partner sends it: the gateway's own signer, with the partner's key and chain (signer first). */
    private static byte[] sign(byte[] content, Credential signer) {
        return new CmsSigner(new GatewaySigningKey(signer.key(), signer.chain()), Clock.systemUTC()).sign(content);
    }

    // ---------------------------------------------------------------- output

    private static void print(Map<String, Object> results) {
        System.out.println();
        System.out.println(markdown(results));
    }

    private static void write(Map<String, Object> results) throws IOException {
        Path directory = Files.createDirectories(Path.of("bench", "results"));
        Files.writeString(
                directory.resolve("latest.json"),
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(results));
        Files.writeString(directory.resolve("latest.md"), markdown(results));
        System.out.println("written: bench/results/latest.json, bench/results/latest.md");
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> results) {
        Map<String, Object> closed = (Map<String, Object>) results.get("closedLoop");
        Map<String, Object> open = (Map<String, Object>) ((Map<String, Object>) results.get("openLoop")).get("result");
        Map<String, Object> memory = (Map<String, Object>) results.get("memory");
        Map<String, Object> live = (Map<String, Object>) results.get("memoryLive");
        Map<String, Object> shipments = (Map<String, Object>) results.get("closedLoopShipmentsOnly");
        Map<String, Object> machine = (Map<String, Object>) results.get("machine");
        Map<String, Map<String, Object>> floors = (Map<String, Map<String, Object>>) results.get("floors");
        Map<String, Object> ratios = (Map<String, Object>) results.get("againstStaticPageFloor");
        Map<String, Object> largeList = (Map<String, Object>) results.get("largeList");
        Map<String, Object> storage = (Map<String, Object>) results.get("storageAfterRun");
        Map<String, Object> quiet = (Map<String, Object>) results.get("storageOnceQuiet");
        Map<String, Object> flood = (Map<String, Object>) results.get("loginFlood");
        Map<String, Object> floodAlone = (Map<String, Object>) flood.get("alone");
        Map<String, Object> floodWith = (Map<String, Object>) flood.get("withLoginFlood");
        return String.join(
                "\n",
                "| figure | value |",
                "|---|---|",
                "| machine | " + machine.get("cores") + " cores, " + machine.get("cpu") + ", Java "
                        + machine.get("java") + " |",
                "| run | " + results.get("ranAt") + ", " + results.get("messages") + " messages, "
                        + results.get("connections") + " connections"
                        + (results.containsKey("settingsChanged") ? ", settings " + results.get("settingsChanged") : "")
                        + " |",
                "| accepted, mix of 90 % shipments and 10 % 200-row AEO CSVs (closed loop) | "
                        + closed.get("acceptedPerSecond") + " msg/s; p50 " + closed.get("p50Ms") + " ms, p95 "
                        + closed.get("p95Ms") + " ms, p99 " + closed.get("p99Ms") + " ms; statuses "
                        + closed.get("statuses") + " |",
                "| end to end (records delivered to the sink) | " + results.get("endToEndRecordsPerSecond")
                        + " records/s |",
                "| accepted, 2 KiB shipments only (closed loop) | " + shipments.get("acceptedPerSecond")
                        + " msg/s; p50 " + shipments.get("p50Ms")
                        + " ms, p95 " + shipments.get("p95Ms") + " ms, p99 " + shipments.get("p99Ms")
                        + " ms; end to end "
                        + shipments.get("endToEndRecordsPerSecond") + " records/s; limit "
                        + shipments.get("bareCmsVerificationPerSecond")
                        + " msg/s; gateway / limit " + shipments.get("gatewayToLimitRatio") + " |",
                "| time per item in each stage, shipments-only run (ms, wall time; stages overlap) | "
                        + results.get("stageMsPerItemShipmentsOnly") + " |",
                "| open loop at " + ((Map<String, Object>) results.get("openLoop")).get("offeredPerSecond")
                        + " msg/s (2 KiB shipments) | p50 " + open.get("p50Ms") + " ms, p95 " + open.get("p95Ms")
                        + " ms, p99 " + open.get("p99Ms") + " ms, p99.9 " + open.get("p999Ms") + " ms; statuses "
                        + open.get("statuses") + " |",
                "| AS4 intake, signed 2 KiB shipments to /as4 (closed loop) | " + results.get("as4ClosedLoopShipments")
                        + " |",
                "| limit: bare CMS verification, same messages | " + results.get("bareCmsVerificationPerSecond")
                        + " msg/s |",
                "| gateway / limit | " + results.get("gatewayToLimitRatio") + " |",
                "| floor: a small static page (GET), same generator and connections | "
                        + floor(floors.get("staticPage")) + " |",
                "| accepted shipments / static-page floor | " + ratios.get("acceptedShipments") + " (target >= 0.5) |",
                "| delivered shipment records / static-page floor | " + ratios.get("deliveredShipmentRecords")
                        + " (target >= 0.3) |",
                "| 10 MB AEO CSV (" + largeList.get("rows") + " rows): first record at the national system | after "
                        + largeList.get("firstRecordAfterSeconds") + " s; all after "
                        + largeList.get("allRecordsAfterSeconds") + " s (target first <= 30 s) |",
                "| partner intake at 200 msg/s, alone / with six clients guessing passwords | p50 "
                        + floodAlone.get("p50Ms") + " / " + floodWith.get("p50Ms")
                        + " ms, p99 " + floodAlone.get("p99Ms") + " / " + floodWith.get("p99Ms") + " ms; statuses "
                        + floodAlone.get("statuses") + " / "
                        + floodWith.get("statuses") + "; " + flood.get("loginGuesses") + " guesses answered "
                        + flood.get("loginAnswers") + " |",
                "| data directory after the run / bytes received | " + storage.get("dataDirMiB") + " MiB / "
                        + storage.get("receivedMiB") + " MiB = " + storage.get("dataDirToReceived")
                        + " (target <= 2); growth above the " + storage.get("dataDirAtStartMiB")
                        + " MiB of an empty gateway = " + storage.get("growthToReceived") + " |",
                "| data directory once quiet (" + quiet.get("afterSeconds")
                        + " s later, the gateway idle) / bytes received | "
                        + quiet.get("dataDirMiB") + " MiB / " + quiet.get("receivedMiB") + " MiB = "
                        + quiet.get("dataDirToReceived") + " (target <= 2); growth above an empty gateway = "
                        + quiet.get("growthToReceived") + "; database " + quiet.get("databaseMiB") + " MiB, broker "
                        + quiet.get("brokerMiB") + " MiB |",
                "| floor: an HTTP route that answers 202 at once, same generator, messages and connections | "
                        + floor(floors.get("emptyHttpRoute")) + " |",
                "| floor: the same route after one persistent send to a durable queue | "
                        + floor(floors.get("httpRouteWithOneDurableSend")) + " |",
                "| 10 MB AEO CSV | payload " + memory.get("payloadMiB") + " MiB, peak heap +"
                        + memory.get("peakHeapDeltaMiB") + " MiB (" + memory.get("heapToPayload")
                        + "x, garbage included), peak RSS +" + memory.get("peakRssDeltaMiB") + " MiB, HTTP "
                        + memory.get("status") + " |",
                "| 10 MB AEO CSV, live set | peak heap after full collections +" + live.get("peakHeapDeltaMiB")
                        + " MiB (" + live.get("heapToPayload") + "x) until its 202, +"
                        + live.get("peakHeapUntilDeliveredDeltaMiB") + " MiB ("
                        + live.get("heapUntilDeliveredToPayload") + "x) until its records were delivered, HTTP "
                        + live.get("status") + " |",
                "| on disk after the run | database "
                        + ((Map<String, Object>) results.get("storageAfterRun")).get("databaseMiB")
                        + " MiB, broker journal "
                        + ((Map<String, Object>) results.get("storageAfterRun")).get("brokerMiB") + " MiB |",
                "");
    }

    private static void awaitOpenConnectionsBelow(HttpClient client, int port, int most, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        double open = Double.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            String text;
            try {
                text = client.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException refusedAtTheCap) {
                text = "";
            }
            java.util.regex.Matcher gauge = java.util.regex.Pattern.compile("(?m)^gateway_http_connections (\\S+)$")
                    .matcher(text);
            open = gauge.find() ? Double.parseDouble(gauge.group(1)) : Double.MAX_VALUE;
            if (open < most) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        System.out.printf("still %s connections open after %s; going on%n", open, timeout);
    }

    /** Each stage's seconds and items so far, from the gateway's own metrics ({@code gateway_stage_*}). */
    private static Map<String, double[]> stages(HttpClient client, int port) throws Exception {
        String text = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, double[]> stages = new java.util.TreeMap<>();
        java.util.regex.Matcher line = java.util.regex.Pattern.compile(
                        "^gateway_stage_(seconds_sum|items_total)\\{stage=\"([a-z]+)\"\\} (\\S+)$",
                        java.util.regex.Pattern.MULTILINE)
                .matcher(text);
        while (line.find()) {
            double[] figures = stages.computeIfAbsent(line.group(2), stage -> new double[2]);
            figures[line.group(1).startsWith("seconds") ? 0 : 1] = Double.parseDouble(line.group(3));
        }
        return stages;
    }

    /** Milliseconds per item of each stage between two readings (wall time: stages run side by side). */
    private static Map<String, Object> stageCosts(Map<String, double[]> before, Map<String, double[]> after) {
        Map<String, Object> costs = new java.util.LinkedHashMap<>();
        for (String stage : List.of("verify", "translate", "append", "project", "forward")) {
            double[] from = before.getOrDefault(stage, new double[2]);
            double[] to = after.getOrDefault(stage, new double[2]);
            double items = to[1] - from[1];
            costs.put(stage, items <= 0 ? "none" : round((to[0] - from[0]) * 1000 / items));
        }
        return costs;
    }

    private static String floor(Map<String, Object> run) {
        return run.get("acceptedPerSecond") + " msg/s; p50 " + run.get("p50Ms") + " ms, p99 " + run.get("p99Ms")
                + " ms; statuses " + run.get("statuses");
    }

    private static long percentile(long[] sorted, int percent) {
        return sorted.length == 0
                ? 0
                : sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    static double millis(long nanos) {
        return round(nanos / 1e6);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown cpu");
        } catch (IOException e) {
            return "unknown cpu";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
