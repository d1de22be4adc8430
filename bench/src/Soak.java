import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.signature.GatewaySigningKey;

/**
 * Issue 19's soak: the gateway on its embedded defaults (H2, embedded Artemis, the real {@code routes/}) with a fast
 * batch sink standing in for the national system. First its capacity in the same run (a closed loop of unique signed
 * 2 KiB shipments over 64 connections) and the static-page floor; then an open loop at FRACTION of that capacity for
 * MINUTES, at a fixed rate, latency counted from each message's scheduled send time. Bodies are unique and signed
 * (CMS, EC P-256) ahead of time by a background signer into a bounded queue; when the queue runs dry the send is late
 * and the output says so (the rate is never lowered). Every minute: offered, accepted and refused messages, accept
 * latency, records delivered, the backlog (counted and the gateway's own gauge), the data directory by part, heap and
 * RSS. At the end: latency stability, disk growth, the drain of the backlog, dead letters; written to
 * {@code bench/results/soak-<date>-<commit>.{md,json}}.
 *
 * <p>Most of GatewayBenchmark's helpers are private; the few needed here are copied (the partner configuration, the
 * PKI, the shipment body, a counting sink), so that the two stay independent.
 */
public final class Soak {
    private static final Pattern METRIC = Pattern.compile("(?m)^([a-z_]+)(\\{[^}]*\\})? (\\S+)$");

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
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        double fraction = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
        int connections = 64;
        int capacitySeconds = Integer.parseInt(System.getenv().getOrDefault("SOAK_CAPACITY_SECONDS", "30"));
        long maxDataBytes =
                (long) (Double.parseDouble(System.getenv().getOrDefault("SOAK_MAX_DATA_GIB", "40")) * (1L << 30));
        long minFreeBytes = 10L << 30;
        String startUptime = uptime();
        Instant startedAt = Instant.now();
        Path work = Files.createTempDirectory("cbec-soak");
        GatewayBenchmark.Credential ca = GatewayBenchmark.authority("CN=Soak CA,C=CN");
        GatewayBenchmark.Credential ec =
                GatewayBenchmark.signer(ca, "CN=Soak EC Signer,C=CN", GatewayBenchmark.ecKeys());
        CountingSink sink = new CountingSink();
        int port = GatewayBenchmark.freePort();
        Map<String, String> overrides = overrides();
        GatewayRuntime gateway = GatewayRuntime.start(
                GatewaySettings.load(configure(work, ca, port, sink, overrides), Map.of(), Map.of()));
        Map<String, Object> results = new LinkedHashMap<>();
        try {
            String machine = String.format(
                    Locale.ROOT,
                    "%d cores, %s, max heap %d MiB, Java %s, %s",
                    Runtime.getRuntime().availableProcessors(),
                    GatewayBenchmark.cpuModel(),
                    Runtime.getRuntime().maxMemory() >> 20,
                    System.getProperty("java.version"),
                    System.getProperty("os.name"));
            System.out.printf("set-up: %s%nload at start: %s%n", machine, startUptime);
            System.out.printf(
                    "soak: %d minutes at %.2f of capacity; embedded defaults (H2, embedded Artemis)%s%n",
                    minutes, fraction, overrides.isEmpty() ? "" : "; settings changed (BENCH_SETTINGS): " + overrides);
            results.put("ranAt", startedAt.toString());
            results.put("commit", System.getProperty("soak.commit", "unknown"));
            results.put("machine", machine);
            results.put("loadAtStart", startUptime);
            results.put("minutes", minutes);
            results.put("fraction", fraction);
            results.put("connectionsForCapacityAndFloor", connections);
            results.put("settingsChanged", overrides);

            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(8))
                    .build();
            URI inbound = URI.create("http://127.0.0.1:" + port + "/api/v1/inbound");
            Metrics metrics = new Metrics(client, port);

            // ---- warm-up and capacity
            System.out.println("warming up: 2000 signed shipments, closed loop...");
            List<byte[]> warm = presign(2_000, ec, "SW");
            Loop warmUp = closedLoop(client, listSupplier(inbound, warm), connections, 600);
            sink.awaitAtLeast(warmUp.accepted.get(), Duration.ofMinutes(5));
            int capacityCount = Math.max(5_000, capacitySeconds * 1_000);
            System.out.printf(
                    "pre-signing %d unique 2 KiB shipments (EC P-256) for the capacity run...%n", capacityCount);
            List<byte[]> capacityBodies = presign(capacityCount, ec, "SC");
            long sinkBefore = sink.received();
            System.out.printf("capacity: closed loop, %d connections, %d s...%n", connections, capacitySeconds);
            Loop capacityRun = closedLoop(client, listSupplier(inbound, capacityBodies), connections, capacitySeconds);
            long capacityDeliveredAt =
                    sink.awaitAtLeast(sinkBefore + capacityRun.accepted.get(), Duration.ofMinutes(10));
            double capacity = capacityRun.acceptedPerSecond();
            double capacityEndToEnd =
                    capacityRun.accepted.get() / ((capacityDeliveredAt - capacityRun.startNanos) / 1e9);
            Map<String, Object> capacitySummary = capacityRun.summary();
            capacitySummary.put("endToEndRecordsPerSecond", GatewayBenchmark.round(capacityEndToEnd));
            capacitySummary.put("bodiesRanOut", capacityRun.exhausted);
            System.out.printf(
                    "capacity: %s; delivered %.1f records/s%s%n",
                    capacitySummary,
                    capacityEndToEnd,
                    capacityRun.exhausted
                            ? " (the pre-signed bodies ran out before the time: capacity is a floor)"
                            : "");
            results.put("capacity", capacitySummary);

            Map<String, Object> floor = staticFloor(gateway, client, port, connections);
            double floorRate = ((Number) floor.get("acceptedPerSecond")).doubleValue();
            results.put("staticPageFloor", floor);
            System.out.printf("static-page floor: %s%n", floor);

            // ---- the soak
            double rate = fraction * capacity;
            if (rate < 1) {
                throw new IllegalStateException("capacity measured as " + capacity + " msg/s: nothing to soak at");
            }
            long total = (long) Math.floor(rate * minutes * 60);
            int queueSize = (int) Math.max(2_000, Math.min(50_000, rate * 30));
            BlockingQueue<byte[]> bodies = new ArrayBlockingQueue<>(queueSize);
            AtomicBoolean signing = new AtomicBoolean(true);
            AtomicLong signed = new AtomicLong();
            Thread signer = new Thread(
                    () -> {
                        CmsSigner cms = new CmsSigner(new GatewaySigningKey(ec.key(), ec.chain()), Clock.systemUTC());
                        long n = 0;
                        try {
                            while (signing.get()) {
                                byte[] body = cms.sign(
                                        GatewayBenchmark.shipment("SK-" + n++).getBytes(StandardCharsets.UTF_8));
                                while (signing.get() && !bodies.offer(body, 200, TimeUnit.MILLISECONDS)) {
                                    // the queue is full: the signer is ahead
                                }
                                signed.incrementAndGet();
                            }
                        } catch (InterruptedException stopped) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "soak-signer");
            signer.setDaemon(true);
            signer.start();
            long fillDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (bodies.remainingCapacity() > 0 && System.nanoTime() < fillDeadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            System.out.printf(
                    "soak: %.1f msg/s (%.2f x %.1f) for %d min = %d messages; signer queue %d bodies, filled %d%n",
                    rate, fraction, capacity, minutes, total, queueSize, bodies.size());
            results.put("offeredPerSecond", GatewayBenchmark.round(rate));
            results.put("signerQueue", queueSize);

            Minute[] rows = new Minute[minutes];
            for (int m = 0; m < minutes; m++) {
                rows[m] = new Minute(m + 1);
            }
            AtomicLong acceptedRecords = new AtomicLong();
            AtomicLong acceptedBytes = new AtomicLong();
            AtomicLong outstanding = new AtomicLong();
            AtomicBoolean abort = new AtomicBoolean(false);
            String[] abortReason = {null};
            long soakSinkBase = sink.received();
            Gauges baseline = Gauges.take(work, sink, soakSinkBase, acceptedRecords, acceptedBytes, metrics);
            // What the data directory already holds came from the warm-up and the capacity run: their bodies.
            baseline.receivedBytesBefore = (warmUp.accepted.get() + capacityRun.accepted.get())
                    * capacityBodies.stream().mapToLong(b -> b.length).sum()
                    / capacityBodies.size();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);

            // Every minute: the gauges at the boundary, the row printed five seconds later (late answers included).
            Thread monitor = new Thread(
                    () -> {
                        Gauges previous = baseline;
                        for (int m = 0; m < minutes; m++) {
                            long boundary = start + TimeUnit.MINUTES.toNanos(m + 1);
                            while (System.nanoTime() < boundary && !abort.get()) {
                                LockSupportSleep.until(Math.min(boundary, System.nanoTime() + 500_000_000L));
                            }
                            if (abort.get()) {
                                return;
                            }
                            Gauges now;
                            try {
                                now = Gauges.take(work, sink, soakSinkBase, acceptedRecords, acceptedBytes, metrics);
                            } catch (Exception e) {
                                System.out.println("could not take the gauges: " + e);
                                continue;
                            }
                            rows[m].gauges = now;
                            rows[m].previous = previous;
                            previous = now;
                            if (now.dataBytes > maxDataBytes || now.freeBytes < minFreeBytes) {
                                abortReason[0] = String.format(
                                        Locale.ROOT,
                                        "stopped after minute %d: data directory %.1f GiB, %.1f GiB free on the disk"
                                                + " (guard: at most %.1f GiB, at least %.1f GiB free)",
                                        m + 1,
                                        now.dataBytes / (double) (1L << 30),
                                        now.freeBytes / (double) (1L << 30),
                                        maxDataBytes / (double) (1L << 30),
                                        minFreeBytes / (double) (1L << 30));
                                abort.set(true);
                                System.out.println(abortReason[0]);
                            }
                            LockSupportSleep.until(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
                            if (m == 0) {
                                System.out.println(Minute.header());
                            }
                            System.out.println(rows[m].line());
                        }
                    },
                    "soak-monitor");
            monitor.setDaemon(true);
            monitor.start();

            long sent = 0;
            for (long i = 0; i < total && !abort.get(); i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Minute row = rows[(int) Math.min(minutes - 1, (due - start) / 60_000_000_000L)];
                byte[] body = bodies.poll();
                if (body == null) {
                    row.signerShort.incrementAndGet();
                    body = bodies.take();
                }
                row.maxSendLagNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
                row.offered.incrementAndGet();
                outstanding.incrementAndGet();
                int length = body.length;
                client.sendAsync(request(inbound, body), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            // Latency counts from when the message was due (no coordinated omission).
                            long latency = System.nanoTime() - due;
                            int status = failure == null ? response.statusCode() : -1;
                            if (status == 202) {
                                acceptedRecords.incrementAndGet();
                                acceptedBytes.addAndGet(length);
                            }
                            row.record(status, latency);
                            outstanding.decrementAndGet();
                        });
                sent++;
            }
            long sendingEnded = System.nanoTime();
            signing.set(false);
            System.out.printf("soak: %d messages sent; waiting for their answers...%n", sent);
            long answersDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (outstanding.get() > 0 && System.nanoTime() < answersDeadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            monitor.join(TimeUnit.SECONDS.toMillis(90));
            System.out.printf(
                    "soak: all answered; %d records accepted, %d at the sink; draining the backlog...%n",
                    acceptedRecords.get(), sink.received() - soakSinkBase);
            long drainStart = System.nanoTime();
            long drainDeadline = drainStart + TimeUnit.MINUTES.toNanos(20);
            long lastPrint = drainStart;
            while (sink.received() - soakSinkBase < acceptedRecords.get() && System.nanoTime() < drainDeadline) {
                TimeUnit.MILLISECONDS.sleep(20);
                if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                    lastPrint = System.nanoTime();
                    System.out.printf(
                            "  draining: %d of %d records at the sink%n",
                            sink.received() - soakSinkBase, acceptedRecords.get());
                }
            }
            long drainedAt = System.nanoTime();
            boolean drained = sink.received() - soakSinkBase >= acceptedRecords.get();
            // The gateway's own gauge is sampled once a second: let it catch up before the last reading.
            TimeUnit.SECONDS.sleep(2);
            Gauges end = Gauges.take(work, sink, soakSinkBase, acceptedRecords, acceptedBytes, metrics);
            String endUptime = uptime();
            System.out.printf("load at end: %s%n", endUptime);

            results.put("loadAtEnd", endUptime);
            if (abortReason[0] != null) {
                results.put("stoppedEarly", abortReason[0]);
            }
            results.put("sent", sent);
            results.put("signedBodies", signed.get());
            try {
                results.put(
                        "verdicts",
                        verdicts(
                                rows,
                                baseline,
                                end,
                                drained,
                                (drainedAt - drainStart) / 1e9,
                                (drainedAt - sendingEnded) / 1e9,
                                acceptedRecords.get(),
                                sink.received() - soakSinkBase,
                                rate,
                                capacity,
                                floorRate));
            } catch (RuntimeException e) {
                e.printStackTrace();
                results.put("verdictsFailed", e.toString());
            }
            List<Map<String, Object>> perMinute = new ArrayList<>();
            for (Minute row : rows) {
                if (row.gauges != null || row.offered.get() > 0) {
                    perMinute.add(row.toMap());
                }
            }
            results.put("perMinute", perMinute);
            results.put("afterDrain", end.toMap(null));
            // The JSON first: a defect in the verdicts or the table must not lose an hour's figures.
            String name = writeJson(results);
            String markdown = markdown(results);
            System.out.println();
            System.out.println(markdown);
            Files.writeString(Path.of("bench", "results", name + ".md"), markdown);
            System.out.printf("written: bench/results/%s.md%n", name);
        } finally {
            gateway.close();
            sink.close();
            GatewayBenchmark.deleteTree(work);
        }
    }

    // ---------------------------------------------------------------- verdicts

    @SuppressWarnings("unchecked")
    private static Map<String, Object> verdicts(
            Minute[] rows,
            Gauges baseline,
            Gauges end,
            boolean drained,
            double drainSeconds,
            double drainSinceSendingEndedSeconds,
            long accepted,
            long delivered,
            double rate,
            double capacity,
            double floorRate) {
        int done = 0;
        while (done < rows.length && rows[done].gauges != null) {
            done++;
        }
        Map<String, Object> verdicts = new LinkedHashMap<>();
        int window = Math.max(1, Math.min(10, done / 3));
        long[] first = merged(rows, 0, window);
        long[] last = merged(rows, done - window, done);
        double firstP99 = GatewayBenchmark.millis(percentile(first, 99));
        double lastP99 = GatewayBenchmark.millis(percentile(last, 99));
        double firstP999 = GatewayBenchmark.millis(percentile(first, 99.9));
        double lastP999 = GatewayBenchmark.millis(percentile(last, 99.9));
        long[] all = merged(rows, 0, done);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("windowMinutes", window);
        latency.put("firstWindowP99Ms", firstP99);
        latency.put("lastWindowP99Ms", lastP99);
        latency.put("firstWindowP999Ms", firstP999);
        latency.put("lastWindowP999Ms", lastP999);
        latency.put("lastToFirstP99", firstP99 == 0 ? 0 : GatewayBenchmark.round(lastP99 / firstP99));
        latency.put("wholeRunP50Ms", GatewayBenchmark.millis(percentile(all, 50)));
        latency.put("wholeRunP99Ms", GatewayBenchmark.millis(percentile(all, 99)));
        latency.put("wholeRunP999Ms", GatewayBenchmark.millis(percentile(all, 99.9)));
        latency.put("wholeRunMaxMs", GatewayBenchmark.millis(all.length == 0 ? 0 : all[all.length - 1]));
        double[] minuteP99 = new double[done];
        for (int m = 0; m < done; m++) {
            minuteP99[m] = GatewayBenchmark.millis(percentile(rows[m].sorted(), 99));
        }
        double[] sortedP99 = minuteP99.clone();
        Arrays.sort(sortedP99);
        double medianMinuteP99 = done == 0 ? 0 : sortedP99[done / 2];
        List<String> spikes = new ArrayList<>();
        for (int m = 0; m < done; m++) {
            if (minuteP99[m] > Math.max(3 * medianMinuteP99, medianMinuteP99 + 20)) {
                spikes.add("minute " + (m + 1) + ": p99 " + minuteP99[m] + " ms");
            }
        }
        latency.put("medianMinuteP99Ms", medianMinuteP99);
        latency.put("spikeMinutes", spikes);
        boolean stable = lastP99 <= Math.max(2 * firstP99, firstP99 + 10);
        latency.put(
                "verdict",
                (stable ? "stable" : "NOT stable")
                        + String.format(
                                Locale.ROOT,
                                ": p99 %.1f ms in the last %d min against %.1f ms in the first %d (x%.2f)",
                                lastP99,
                                window,
                                firstP99,
                                window,
                                firstP99 == 0 ? 0 : lastP99 / firstP99));
        verdicts.put("latency", latency);

        Map<String, Object> disk = new LinkedHashMap<>();
        int half = Math.max(1, Math.min(30, done / 2));
        List<Gauges> samples = new ArrayList<>();
        samples.add(baseline);
        for (int m = 0; m < done; m++) {
            samples.add(rows[m].gauges);
        }
        double firstSlope = slope(samples.subList(0, half + 1), g -> g.dataBytes);
        double lastSlope = slope(samples.subList(samples.size() - half - 1, samples.size()), g -> g.dataBytes);
        double intakeFirst = slope(samples.subList(0, half + 1), g -> g.receivedBytes);
        double intakeLast = slope(samples.subList(samples.size() - half - 1, samples.size()), g -> g.receivedBytes);
        Gauges lastSample = samples.get(samples.size() - 1);
        disk.put("windowMinutes", half);
        disk.put("firstWindowGrowthMiBPerMinute", GatewayBenchmark.round(firstSlope / 1048576.0));
        disk.put("lastWindowGrowthMiBPerMinute", GatewayBenchmark.round(lastSlope / 1048576.0));
        disk.put("receivedMiBPerMinute", GatewayBenchmark.round(intakeLast / 1048576.0));
        disk.put(
                "lastWindowGrowthPerByteReceived",
                intakeLast == 0 ? 0 : GatewayBenchmark.round(lastSlope / intakeLast));
        disk.put(
                "firstWindowGrowthPerByteReceived",
                intakeFirst == 0 ? 0 : GatewayBenchmark.round(firstSlope / intakeFirst));
        disk.put("dataDirMiBAtEndOfSoak", GatewayBenchmark.round(lastSample.dataBytes / 1048576.0));
        disk.put("receivedMiB", GatewayBenchmark.round(lastSample.receivedBytes / 1048576.0));
        disk.put(
                "dataDirGrowthToReceived",
                lastSample.receivedBytes == 0
                        ? 0
                        : GatewayBenchmark.round(
                                (double) (lastSample.dataBytes - baseline.dataBytes) / lastSample.receivedBytes));
        disk.put(
                "dataDirToReceivedWholeDirectory",
                lastSample.receivedBytes == 0
                        ? 0
                        : GatewayBenchmark.round((double) lastSample.dataBytes
                                / (lastSample.receivedBytes + baseline.receivedBytesBefore)));
        disk.put("dataDirMiBAfterDrain", GatewayBenchmark.round(end.dataBytes / 1048576.0));
        boolean bounded = lastSlope <= 0.25 * Math.max(firstSlope, 0) || lastSlope <= 0.1 * intakeLast;
        disk.put(
                "verdict",
                (bounded ? "bounded" : "NOT bounded")
                        + String.format(
                                Locale.ROOT,
                                ": +%.1f MiB/min in the last %d min against +%.1f MiB/min in the first %d;"
                                        + " %.2f bytes on disk per byte received in the last window%s",
                                lastSlope / 1048576.0,
                                half,
                                firstSlope / 1048576.0,
                                half,
                                intakeLast == 0 ? 0 : lastSlope / intakeLast,
                                bounded
                                        ? ""
                                        : String.format(
                                                Locale.ROOT,
                                                " (at this rate %.0f GiB a day)",
                                                lastSlope * 1440 / (1L << 30))));
        verdicts.put("disk", disk);

        Map<String, Object> backlog = new LinkedHashMap<>();
        long maxBacklog = 0;
        int maxAt = 0;
        for (int m = 0; m < done; m++) {
            if (rows[m].gauges.backlog() > maxBacklog) {
                maxBacklog = rows[m].gauges.backlog();
                maxAt = m + 1;
            }
        }
        backlog.put("maxCountedBacklogAtMinuteBoundary", maxBacklog);
        backlog.put("atMinute", maxAt);
        backlog.put("firstWindowMeanBacklog", GatewayBenchmark.round(meanBacklog(rows, 0, window)));
        backlog.put("lastWindowMeanBacklog", GatewayBenchmark.round(meanBacklog(rows, done - window, done)));
        backlog.put("acceptedRecords", accepted);
        backlog.put("deliveredRecords", delivered);
        backlog.put("drained", drained);
        backlog.put("drainSecondsAfterLastAnswer", GatewayBenchmark.round(drainSeconds));
        backlog.put("drainSecondsAfterLastSend", GatewayBenchmark.round(drainSinceSendingEndedSeconds));
        backlog.put("gatewayForwardBacklogAfterDrain", end.forwardBacklog);
        backlog.put("deadLetters", end.deadLetters);
        backlog.put(
                "verdict",
                (drained ? "drained" : "NOT drained")
                        + String.format(
                                Locale.ROOT,
                                ": %d of %d accepted records at the sink %.1f s after the last send; the counted backlog"
                                        + " at a minute's end averaged %.0f in the first %d min and %.0f in the last"
                                        + " %d (max %d); dead letters %s",
                                delivered,
                                accepted,
                                drainSinceSendingEndedSeconds,
                                meanBacklog(rows, 0, window),
                                window,
                                meanBacklog(rows, done - window, done),
                                window,
                                maxBacklog,
                                fmt(end.deadLetters)));
        verdicts.put("backlog", backlog);

        long offered = 0;
        long okCount = 0;
        long signerShort = 0;
        Map<String, Long> statuses = new TreeMap<>();
        for (int m = 0; m < rows.length; m++) {
            offered += rows[m].offered.get();
            okCount += rows[m].accepted.get();
            signerShort += rows[m].signerShort.get();
            rows[m].statuses.forEach((k, v) -> statuses.merge(String.valueOf(k), v.get(), Long::sum));
        }
        double soakSeconds = Math.max(1, done) * 60.0;
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("capacityToFloor", GatewayBenchmark.round(capacity / floorRate));
        ratios.put("offeredToFloor", GatewayBenchmark.round(rate / floorRate));
        ratios.put("acceptedDuringSoakToFloor", GatewayBenchmark.round(okCount / soakSeconds / floorRate));
        ratios.put(
                "deliveredDuringSoakToFloor", GatewayBenchmark.round(lastSample.delivered / soakSeconds / floorRate));
        verdicts.put("againstStaticPageFloor", ratios);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("offered", offered);
        totals.put("accepted202", okCount);
        totals.put("statuses", statuses);
        totals.put("sendsLateBecauseTheSignerWasBehind", signerShort);
        totals.put(
                "signerVerdict",
                signerShort == 0
                        ? "the signer kept up: every body was ready when due"
                        : "the signer fell behind: " + signerShort + " sends waited for a body (their latency includes"
                                + " that wait; see signerShort per minute)");
        verdicts.put("totals", totals);
        return verdicts;
    }

    private static double meanBacklog(Minute[] rows, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int m = Math.max(0, from); m < to; m++) {
            sum += rows[m].gauges.backlog();
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    private static long[] merged(Minute[] rows, int from, int to) {
        List<long[]> parts = new ArrayList<>();
        int size = 0;
        for (int m = Math.max(0, from); m < to; m++) {
            long[] part = rows[m].sorted();
            parts.add(part);
            size += part.length;
        }
        long[] all = new long[size];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Arrays.sort(all);
        return all;
    }

    /** Least-squares slope, per minute, of a figure sampled once a minute. */
    private static double slope(List<Gauges> samples, java.util.function.ToLongFunction<Gauges> figure) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double meanX = (n - 1) / 2.0;
        double meanY = samples.stream().mapToLong(figure).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - meanX) * (figure.applyAsLong(samples.get(i)) - meanY);
            den += (i - meanX) * (i - meanX);
        }
        return num / den;
    }

    // ---------------------------------------------------------------- per minute

    static final class Minute {
        final int number;
        final AtomicLong offered = new AtomicLong();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong signerShort = new AtomicLong();
        final AtomicLong maxSendLagNanos = new AtomicLong();
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        private long[] latencies = new long[1024];
        private int count;
        Gauges gauges;
        Gauges previous;

        Minute(int number) {
            this.number = number;
        }

        void record(int status, long latencyNanos) {
            statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            if (status == 202) {
                accepted.incrementAndGet();
                synchronized (this) {
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = latencyNanos;
                }
            }
        }

        synchronized long[] sorted() {
            long[] copy = Arrays.copyOf(latencies, count);
            Arrays.sort(copy);
            return copy;
        }

        long refused() {
            return statuses.entrySet().stream()
                    .filter(e -> e.getKey() != 202)
                    .mapToLong(e -> e.getValue().get())
                    .sum();
        }

        static String header() {
            return String.format(
                    Locale.ROOT,
                    "%4s %7s %7s %6s %5s %8s %8s %8s %8s %7s %7s %7s %7s %8s %8s %8s %8s %7s %7s %5s",
                    "min",
                    "offered",
                    "202",
                    "refusd",
                    "late",
                    "p50ms",
                    "p99ms",
                    "p999ms",
                    "deliv",
                    "backlog",
                    "gwBklg",
                    "dead",
                    "dataMiB",
                    "dbMiB",
                    "brkMiB",
                    "arcMiB",
                    "heapGC",
                    "rssMiB",
                    "dbBusy",
                    "load");
        }

        String line() {
            long[] sorted = sorted();
            Gauges g = gauges;
            if (g == null) {
                return String.format(Locale.ROOT, "%4d (no gauges)", number);
            }
            return String.format(
                    Locale.ROOT,
                    "%4d %7d %7d %6d %5d %8.1f %8.1f %8.1f %8d %7d %7s %7s %7.1f %8.1f %8.1f %8.1f %7.0f %7.0f %7.2f %5.2f",
                    number,
                    offered.get(),
                    accepted.get(),
                    refused(),
                    signerShort.get(),
                    GatewayBenchmark.millis(percentile(sorted, 50)),
                    GatewayBenchmark.millis(percentile(sorted, 99)),
                    GatewayBenchmark.millis(percentile(sorted, 99.9)),
                    g.delivered - previous.delivered,
                    g.backlog(),
                    fmt(g.forwardBacklog),
                    fmt(g.deadLetters),
                    g.dataBytes / 1048576.0,
                    g.dbBytes / 1048576.0,
                    g.brokerBytes / 1048576.0,
                    g.archiveBytes / 1048576.0,
                    g.heapAfterGcBytes / 1048576.0,
                    g.rssBytes / 1048576.0,
                    (g.dbWriterBusySeconds - previous.dbWriterBusySeconds) / ((g.atNanos - previous.atNanos) / 1e9),
                    g.load1);
        }

        Map<String, Object> toMap() {
            long[] sorted = sorted();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("minute", number);
            row.put("offered", offered.get());
            row.put("accepted202", accepted.get());
            row.put("refusedOrFailed", refused());
            Map<String, Long> byStatus = new TreeMap<>();
            statuses.forEach((k, v) -> byStatus.put(String.valueOf(k), v.get()));
            row.put("statuses", byStatus);
            row.put("sendsLateForTheSigner", signerShort.get());
            row.put("maxSendLagMs", GatewayBenchmark.millis(maxSendLagNanos.get()));
            row.put("p50Ms", GatewayBenchmark.millis(percentile(sorted, 50)));
            row.put("p99Ms", GatewayBenchmark.millis(percentile(sorted, 99)));
            row.put("p999Ms", GatewayBenchmark.millis(percentile(sorted, 99.9)));
            row.put("maxMs", GatewayBenchmark.millis(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
            if (gauges != null) {
                row.putAll(gauges.toMap(previous));
            }
            return row;
        }
    }

    /** What is measured at a minute's end: the sink, the gateway's gauges, the disk, the process. */
    static final class Gauges {
        long atNanos;
        long delivered;
        long acceptedRecords;
        long receivedBytes;
        long receivedBytesBefore;
        double forwardBacklog = Double.NaN;
        double deadLetters = Double.NaN;
        double dbWriterBusySeconds;
        double httpConnections = Double.NaN;
        long dataBytes;
        long dbBytes;
        long brokerBytes;
        long archiveBytes;
        long freeBytes;
        long heapAfterGcBytes;
        long heapUsedBytes;
        long rssBytes;
        long gcMillis;
        double load1;

        long backlog() {
            return acceptedRecords - delivered;
        }

        static Gauges take(
                Path work,
                CountingSink sink,
                long sinkBase,
                AtomicLong acceptedRecords,
                AtomicLong acceptedBytes,
                Metrics metrics)
                throws IOException {
            Gauges g = new Gauges();
            g.atNanos = System.nanoTime();
            g.acceptedRecords = acceptedRecords.get();
            g.delivered = sink.received() - sinkBase;
            g.receivedBytes = acceptedBytes.get();
            try {
                Map<String, Double> m = metrics.read();
                g.forwardBacklog = m.getOrDefault("gateway_forward_backlog", Double.NaN);
                g.deadLetters = m.getOrDefault("gateway_dead_letters", Double.NaN);
                g.dbWriterBusySeconds = m.getOrDefault("gateway_database_writer_busy_seconds_total", 0.0);
                g.httpConnections = m.getOrDefault("gateway_http_connections", Double.NaN);
            } catch (Exception e) {
                System.out.println("could not read /metrics: " + e);
            }
            Path data = work.resolve("data");
            g.dataBytes = sizeOf(data);
            g.dbBytes = sizeOf(data.resolve("db"));
            g.brokerBytes = sizeOf(data.resolve("broker"));
            g.archiveBytes = sizeOf(data.resolve("archive"));
            g.freeBytes = Files.getFileStore(work).getUsableSpace();
            long afterGc = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    MemoryUsage collected = pool.getCollectionUsage();
                    afterGc += collected == null ? 0 : collected.getUsed();
                }
            }
            g.heapAfterGcBytes = afterGc;
            g.heapUsedBytes =
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            g.rssBytes = GatewayBenchmark.rss();
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                g.gcMillis += Math.max(0, gc.getCollectionTime());
            }
            g.load1 = load1();
            return g;
        }

        Map<String, Object> toMap(Gauges previous) {
            Map<String, Object> row = new LinkedHashMap<>();
            if (previous != null) {
                row.put("deliveredThisMinute", delivered - previous.delivered);
                row.put("gcMsThisMinute", gcMillis - previous.gcMillis);
                row.put(
                        "databaseWriterBusy",
                        GatewayBenchmark.round((dbWriterBusySeconds - previous.dbWriterBusySeconds)
                                / ((atNanos - previous.atNanos) / 1e9)));
            }
            row.put("acceptedRecordsSoFar", acceptedRecords);
            row.put("deliveredSoFar", delivered);
            row.put("backlogCounted", backlog());
            row.put("gatewayForwardBacklog", forwardBacklog);
            row.put("deadLetters", deadLetters);
            row.put("httpConnections", httpConnections);
            row.put("receivedMiBSoFar", GatewayBenchmark.round(receivedBytes / 1048576.0));
            row.put("dataDirMiB", GatewayBenchmark.round(dataBytes / 1048576.0));
            row.put("databaseMiB", GatewayBenchmark.round(dbBytes / 1048576.0));
            row.put("brokerMiB", GatewayBenchmark.round(brokerBytes / 1048576.0));
            row.put("archiveMiB", GatewayBenchmark.round(archiveBytes / 1048576.0));
            row.put("otherMiB", GatewayBenchmark.round((dataBytes - dbBytes - brokerBytes - archiveBytes) / 1048576.0));
            row.put("heapAfterLastGcMiB", GatewayBenchmark.round(heapAfterGcBytes / 1048576.0));
            row.put("heapUsedMiB", GatewayBenchmark.round(heapUsedBytes / 1048576.0));
            row.put("rssMiB", GatewayBenchmark.round(rssBytes / 1048576.0));
            row.put("load1", load1);
            return row;
        }
    }

    /** The gateway's own /metrics, the unlabelled series only. */
    static final class Metrics {
        private final HttpClient client;
        private final URI uri;

        Metrics(HttpClient client, int port) {
            this.client = client;
            this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
        }

        Map<String, Double> read() throws Exception {
            String text = client.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(20))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Map<String, Double> values = new HashMap<>();
            Matcher line = METRIC.matcher(text);
            while (line.find()) {
                if (line.group(2) == null) {
                    try {
                        values.put(line.group(1), Double.parseDouble(line.group(3)));
                    } catch (NumberFormatException ignored) {
                        // not a number: left out
                    }
                }
            }
            return values;
        }
    }

    static final class LockSupportSleep {
        static void until(long nanoTime) {
            long wait;
            while ((wait = nanoTime - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    // ---------------------------------------------------------------- closed loops and the floor

    static final class Loop {
        final long startNanos = System.nanoTime();
        long endNanos;
        boolean exhausted;
        final AtomicLong accepted = new AtomicLong();
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        final java.util.concurrent.ConcurrentLinkedQueue<Long> latencies =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        double acceptedPerSecond() {
            return accepted.get() / ((endNanos - startNanos) / 1e9);
        }

        Map<String, Object> summary() {
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("acceptedPerSecond", GatewayBenchmark.round(acceptedPerSecond()));
            summary.put("seconds", GatewayBenchmark.round((endNanos - startNanos) / 1e9));
            summary.put("p50Ms", GatewayBenchmark.millis(percentile(sorted, 50)));
            summary.put("p99Ms", GatewayBenchmark.millis(percentile(sorted, 99)));
            Map<String, Long> byStatus = new TreeMap<>();
            statuses.forEach((k, v) -> byStatus.put(String.valueOf(k), v.get()));
            summary.put("statuses", byStatus);
            return summary;
        }
    }

    /** C connections, each sending its next request when the last is answered, for at most {@code seconds}. */
    private static Loop closedLoop(HttpClient client, Supplier<HttpRequest> requests, int connections, int seconds)
            throws InterruptedException {
        Loop loop = new Loop();
        long deadline = loop.startNanos + TimeUnit.SECONDS.toNanos(seconds);
        Semaphore inFlight = new Semaphore(connections);
        while (System.nanoTime() < deadline) {
            HttpRequest request = requests.get();
            if (request == null) {
                loop.exhausted = true;
                break;
            }
            inFlight.acquire();
            long sent = System.nanoTime();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                int status = failure == null ? response.statusCode() : -1;
                loop.statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                if (status / 100 == 2) {
                    loop.accepted.incrementAndGet();
                    loop.latencies.add(System.nanoTime() - sent);
                }
                inFlight.release();
            });
        }
        inFlight.acquire(connections);
        loop.endNanos = System.nanoTime();
        inFlight.release(connections);
        return loop;
    }

    private static Supplier<HttpRequest> listSupplier(URI inbound, List<byte[]> bodies) {
        int[] next = {0};
        return () -> next[0] < bodies.size() ? request(inbound, bodies.get(next[0]++)) : null;
    }

    /** Issue 19's floor, as GatewayBenchmark measures it: a small static page fetched with GET, 10 s twice. */
    private static Map<String, Object> staticFloor(GatewayRuntime gateway, HttpClient client, int port, int connections)
            throws Exception {
        gateway.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/bench/floor/static?httpMethodRestrict=GET")
                        .routeId("soak-floor-static")
                        .setBody(constant("<!doctype html><title>floor</title><p>A small static page.</p>"))
                        .setHeader(Exchange.CONTENT_TYPE, constant("text/html"));
            }
        });
        try {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench/floor/static"))
                    .timeout(Duration.ofSeconds(60))
                    .GET()
                    .build();
            System.out.printf("static-page floor: GET over %d connections, 10 s twice...%n", connections);
            closedLoop(client, () -> get, connections, 10);
            return closedLoop(client, () -> get, connections, 10).summary();
        } finally {
            gateway.camel().getRouteController().stopRoute("soak-floor-static");
            gateway.camel().removeRoute("soak-floor-static");
        }
    }

    private static HttpRequest request(URI inbound, byte[] body) {
        return HttpRequest.newBuilder(inbound)
                .header("Content-Type", "application/pkcs7-mime")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    // ---------------------------------------------------------------- messages, copied from GatewayBenchmark

    private static List<byte[]> presign(int count, GatewayBenchmark.Credential signer, String prefix) {
        CmsSigner cms = new CmsSigner(new GatewaySigningKey(signer.key(), signer.chain()), Clock.systemUTC());
        List<byte[]> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bodies.add(cms.sign(GatewayBenchmark.shipment(prefix + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return bodies;
    }

    // ---------------------------------------------------------------- the gateway and its sink

    private static Map<String, String> overrides() {
        Map<String, String> overrides = new TreeMap<>();
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

    /**
     * The embedded defaults of config/application.properties; only what a run on this machine needs is set (port,
     * directories, the sink in place of the national systems, the simulator off). Unlike GatewayBenchmark, the number
     * of forward consumers and the body limit stay at their defaults.
     */
    private static Path configure(
            Path work, GatewayBenchmark.Credential ca, int port, CountingSink sink, Map<String, String> overrides)
            throws IOException {
        Path partners = Files.createDirectories(work.resolve("partners"));
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(partners.resolve("soak-ca.pem")))) {
            writer.writeObject(ca.certificate());
        }
        Files.writeString(partners.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: Soak partner
                country: CN
                trustAnchors: [soak-ca.pem]
                revocation: none
                messageTypes: [AEO_STATUS, ECOM_SHIPMENT]
                """);
        Path config = Files.createDirectories(work.resolve("config"));
        Map<String, String> settings = new TreeMap<>();
        settings.put("gateway.http.port", String.valueOf(port));
        settings.put("gateway.data.dir", work.resolve("data").toString());
        settings.put("gateway.partners.dir", partners.toString());
        settings.put("gateway.routes.dir", Path.of("routes").toAbsolutePath().toString());
        settings.put("gateway.national.aeo.url", sink.url());
        settings.put("gateway.national.shipment.url", sink.url());
        settings.put("gateway.national.aeo.batch-url", sink.url() + "/batch");
        settings.put("gateway.national.shipment.batch-url", sink.url() + "/batch");
        settings.put("gateway.national.simulator.enabled", "false");
        settings.putAll(overrides);
        StringBuilder properties = new StringBuilder(Files.readString(Path.of("config/application.properties")));
        properties.append("\n");
        settings.forEach(
                (key, value) -> properties.append(key).append('=').append(value).append('\n'));
        Files.writeString(config.resolve("application.properties"), properties);
        return config;
    }

    /** A national system that answers 200 at once and counts the records (one, or each entry of a batch). */
    static final class CountingSink implements AutoCloseable {
        private static final byte[] ENTRY = "{\"idempotencyKey\":".getBytes(StandardCharsets.UTF_8);
        private final HttpServer server;
        private final AtomicLong received = new AtomicLong();

        CountingSink() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                received.addAndGet(
                        exchange.getRequestURI().getPath().endsWith("/batch") ? occurrences(body, ENTRY) : 1);
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/records";
        }

        long received() {
            return received.get();
        }

        long awaitAtLeast(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (received.get() < count && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            return System.nanoTime();
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

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // ---------------------------------------------------------------- PKI, copied from GatewayBenchmark

    // ---------------------------------------------------------------- output

    private static String writeJson(Map<String, Object> results) throws IOException {
        Path directory = Files.createDirectories(Path.of("bench", "results"));
        String name = "soak-"
                + Instant.parse((String) results.get("ranAt"))
                        .atZone(ZoneOffset.UTC)
                        .toLocalDate()
                + "-" + results.get("commit");
        Files.writeString(
                directory.resolve(name + ".json"),
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(results));
        System.out.printf("written: bench/results/%s.json%n", name);
        return name;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> results) {
        Map<String, Object> verdicts = (Map<String, Object>) results.get("verdicts");
        Map<String, Object> latency = (Map<String, Object>) verdicts.get("latency");
        Map<String, Object> disk = (Map<String, Object>) verdicts.get("disk");
        Map<String, Object> backlog = (Map<String, Object>) verdicts.get("backlog");
        Map<String, Object> ratios = (Map<String, Object>) verdicts.get("againstStaticPageFloor");
        Map<String, Object> totals = (Map<String, Object>) verdicts.get("totals");
        StringBuilder md = new StringBuilder();
        md.append("# Soak: ")
                .append(results.get("minutes"))
                .append(" minutes at ")
                .append(results.get("fraction"))
                .append(" of capacity, embedded defaults\n\n");
        md.append("| set-up | |\n|---|---|\n");
        md.append("| run | ")
                .append(results.get("ranAt"))
                .append(", commit ")
                .append(results.get("commit"))
                .append(" |\n");
        md.append("| machine | ").append(results.get("machine")).append(" |\n");
        md.append("| load (uptime) at start | ")
                .append(results.get("loadAtStart"))
                .append(" |\n");
        md.append("| load (uptime) at end | ").append(results.get("loadAtEnd")).append(" |\n");
        md.append("| gateway | embedded defaults (H2, embedded Artemis, real routes/); national systems: a sink on"
                        + " the same machine answering 200 at once, batches (`gateway.national.*.batch-url`)")
                .append(
                        ((Map<String, String>) results.get("settingsChanged")).isEmpty()
                                ? ""
                                : "; settings changed: " + results.get("settingsChanged"))
                .append(" |\n");
        md.append("| messages | unique 2 KiB ECOM_SHIPMENT JSON, CMS SignedData by an EC P-256 signer; in the soak"
                        + " signed by a background thread into a queue of ")
                .append(results.get("signerQueue"))
                .append(" bodies (same JVM and cores as the gateway) |\n");
        md.append("| capacity (closed loop, ")
                .append(results.get("connectionsForCapacityAndFloor"))
                .append(" connections) | ")
                .append(results.get("capacity"))
                .append(" |\n");
        md.append("| static-page floor (GET, same generator and connections) | ")
                .append(results.get("staticPageFloor"))
                .append(" |\n");
        md.append("| offered in the soak (fixed rate, latency from the scheduled send) | ")
                .append(results.get("offeredPerSecond"))
                .append(" msg/s |\n");
        if (results.containsKey("stoppedEarly")) {
            md.append("| STOPPED EARLY | ").append(results.get("stoppedEarly")).append(" |\n");
        }
        md.append("\n## Verdicts\n\n| | |\n|---|---|\n");
        md.append("| latency | ")
                .append(latency.get("verdict"))
                .append("; whole run p50 ")
                .append(latency.get("wholeRunP50Ms"))
                .append(" ms, p99 ")
                .append(latency.get("wholeRunP99Ms"))
                .append(" ms, p99.9 ")
                .append(latency.get("wholeRunP999Ms"))
                .append(" ms, max ")
                .append(latency.get("wholeRunMaxMs"))
                .append(" ms; minutes with a p99 spike: ")
                .append(latency.get("spikeMinutes"))
                .append(" |\n");
        md.append("| disk | ")
                .append(disk.get("verdict"))
                .append("; data directory ")
                .append(disk.get("dataDirMiBAtEndOfSoak"))
                .append(" MiB at the end of the soak for ")
                .append(disk.get("receivedMiB"))
                .append(" MiB received (growth / received ")
                .append(disk.get("dataDirGrowthToReceived"))
                .append("), ")
                .append(disk.get("dataDirMiBAfterDrain"))
                .append(" MiB after the drain |\n");
        md.append("| backlog | ").append(backlog.get("verdict")).append(" |\n");
        md.append("| totals | ").append(totals).append(" |\n");
        md.append("| against the static-page floor | ").append(ratios).append(" |\n");
        md.append("\n## Per minute\n\n");
        md.append(
                "Latency of the 202s counted from the scheduled send; `late`: sends that waited for the signer;"
                        + " `delivered`: records at the sink that minute; `backlog`: accepted records not yet at the sink"
                        + " at the minute's end; `send lag`: the most a send left after its due time (the generator's own delay,"
                        + " counted in the latency); `gw backlog`: the gateway's `gateway_forward_backlog`; heap after the last"
                        + " collection (not forced), as the JVM reports it per heap pool; `GC ms`: collection time that minute; `db busy`: the database writer's busy fraction.\n\n");
        md.append(
                "| min | offered | 202 | refused | late | p50 ms | p99 ms | p99.9 ms | max ms | send lag ms | delivered | backlog"
                        + " | gw backlog | dead | data MiB | db MiB | broker MiB | archive MiB | heap after GC MiB | RSS MiB"
                        + " | GC ms | db busy | load |\n");
        md.append("|" + "---|".repeat(23) + "\n");
        for (Map<String, Object> row : (List<Map<String, Object>>) results.get("perMinute")) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s"
                            + " | %s | %s | %s | %s |\n",
                    row.get("minute"),
                    row.get("offered"),
                    row.get("accepted202"),
                    row.get("refusedOrFailed"),
                    row.get("sendsLateForTheSigner"),
                    row.get("p50Ms"),
                    row.get("p99Ms"),
                    row.get("p999Ms"),
                    row.get("maxMs"),
                    row.get("maxSendLagMs"),
                    row.get("deliveredThisMinute"),
                    row.get("backlogCounted"),
                    fmtObj(row.get("gatewayForwardBacklog")),
                    fmtObj(row.get("deadLetters")),
                    row.get("dataDirMiB"),
                    row.get("databaseMiB"),
                    row.get("brokerMiB"),
                    row.get("archiveMiB"),
                    row.get("heapAfterLastGcMiB"),
                    row.get("rssMiB"),
                    row.get("gcMsThisMinute"),
                    row.get("databaseWriterBusy"),
                    row.get("load1")));
        }
        md.append("\nAfter the drain: ").append(results.get("afterDrain")).append("\n");
        return md.toString();
    }

    // ---------------------------------------------------------------- small things

    private static String fmt(double value) {
        return Double.isNaN(value) ? "n/a" : String.valueOf((long) value);
    }

    private static String fmtObj(Object value) {
        return value instanceof Double d ? fmt(d) : String.valueOf(value);
    }

    private static long percentile(long[] sorted, double percent) {
        return sorted.length == 0
                ? 0
                : sorted[
                        Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1))];
    }

    private static long sizeOf(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> file.toFile().length())
                    .sum();
        } catch (java.io.UncheckedIOException fileGoneWhileWalking) {
            return sizeOf(directory);
        }
    }

    private static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String uptime() {
        try {
            Process process =
                    new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
            return out;
        } catch (Exception e) {
            try {
                return "loadavg " + Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (IOException ignored) {
                return "unknown";
            }
        }
    }
}
