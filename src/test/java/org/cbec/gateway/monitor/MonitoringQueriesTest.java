package org.cbec.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboards and Prometheus rules of {@code monitoring/} against what the running gateway exports: every
 * metric name in every query is in GET /metrics, and every label a query groups or filters by is on that metric.
 * The gateway first does what makes each metric appear (an accepted message forwarded, a refusal, a dead letter).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringQueriesTest {
    private static final Path MONITORING = Path.of("monitoring");
    /** Series Prometheus makes itself for each target, not the gateway. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    private static final Set<String> PROMQL_WORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "inf",
            "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    GatewayUnderTest gateway;
    PrometheusText metrics;

    @BeforeAll
    void start(@TempDir Path root) {
        // alerts evaluated every 0.2 s, so that the dead letter below raises DEAD_LETTERS (gateway_alert_active) soon
        gateway = new GatewayUnderTest(root)
                .with("gateway.forward.max-attempts", "1")
                .with("gateway.alerts.interval", "PT0.2S");
        // A partner the national side sends to (issue 21), so that the outbound direction's metrics are exported too.
        GatewayUnderTest.write(root.resolve("partners/SG-CUSTOMS.yaml"), """
                id: SG-CUSTOMS
                name: Singapore Customs
                country: SG
                trustAnchors:
                  - certs/sg-customs-ca.pem
                revocation: none
                messageTypes: [AEO_STATUS]
                agreement:
                  reference: "TEST"
                  inbound:
                    AEO_STATUS: ["*"]
                  outbound:
                    AEO_STATUS: ["*"]
                outbound:
                  transport: cms-https
                  url: https://127.0.0.1:9/outbound
                  format: aeo-status-csv
                """);
        gateway.start();
        String delivered = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner)))
                .path("messageId")
                .asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "FORWARDED"
                        .equals(gateway.getJson("/api/v1/messages/" + delivered)
                                .path("status")
                                .asText()));
        gateway.post("/api/v1/inbound", "not a signed document".getBytes(), "application/pkcs7-mime");
        gateway.national().setDown(true);
        gateway.postCms(
                TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        gateway.getJson("/api/v1/dead-letters").path("count").asInt() == 1);
        gateway.national().setDown(false);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.getJson("/api/v1/alerts").toString().contains("DEAD_LETTERS"));
        // National data for that partner (nobody listens at its URL): the outbound gauges get their partner's row.
        String outboundRecords =
                "{\"records\":[{\"recordType\":\"AEO_STATUS\",\"aeoId\":\"DE1234567890\",\"operatorName\":\"Nord Export GmbH\","
                        + "\"address\":{\"city\":\"Hamburg\",\"country\":\"DE\"},\"programme\":\"AEO\",\"status\":\"ACTIVE\",\"validFrom\":\"2019-05-01\","
                        + "\"validUntil\":null,\"statusChangedAt\":\"2026-12-01T08:00:00Z\",\"statusReason\":null}]}";
        assertThat(gateway.send(
                                java.net.http.HttpRequest.newBuilder()
                                        .header("Content-Type", "application/json")
                                        .header("Authorization", GatewayUnderTest.basic("national", "national-demo"))
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(outboundRecords)),
                                "/api/v1/outbound/SG-CUSTOMS")
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        gateway.getJson("/api/v1/outbound").path("partners").size() == 1);
        metrics = PrometheusText.parse(gateway.getAs("/metrics", null, null).body());
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void every_metric_and_label_in_the_dashboards_and_rules_is_exported() throws IOException {
        Map<String, String> queries = queries();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> query : queries.entrySet()) {
            for (String name : metricNames(query.getValue())) {
                if (PROMETHEUS_OWN.contains(name)) {
                    continue;
                }
                List<PrometheusText.Sample> samples = metrics.find(name, Map.of());
                if (samples.isEmpty()) {
                    problems.add(query.getKey() + ": no metric " + name);
                    continue;
                }
                Set<String> labels = samples.stream()
                        .flatMap(s -> s.labels().keySet().stream())
                        .collect(Collectors.toSet());
                for (String label : labelsUsed(query.getValue(), name)) {
                    if (!labels.contains(label)) {
                        problems.add(query.getKey() + ": " + name + " has no label " + label + " (it has "
                                + new TreeSet<>(labels) + ")");
                    }
                }
            }
        }

        assertThat(queries).as("queries found in monitoring/").hasSizeGreaterThanOrEqualTo(15);
        assertThat(problems).isEmpty();
    }

    @Test
    void the_reader_finds_names_and_labels_in_promql() {
        String query =
                "histogram_quantile(0.99, sum by (le, record_type) (rate(gateway_end_to_end_seconds_bucket{partner=\"CN\"}[5m])))";
        String joined = query + " / on(instance) group_left sum without (job) (up)";

        assertThat(metricNames(query)).containsExactly("gateway_end_to_end_seconds_bucket");
        assertThat(labelsUsed(query, "gateway_end_to_end_seconds_bucket"))
                .containsExactlyInAnyOrder("le", "record_type", "partner");
        assertThat(metricNames(joined)).containsExactlyInAnyOrder("gateway_end_to_end_seconds_bucket", "up");
        assertThat(metrics.find("no_such_metric", Map.of())).isEmpty();
    }

    /** Every PromQL expression of monitoring/: Grafana panel targets and Prometheus rule files, keyed by where it is. */
    private static Map<String, String> queries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(MONITORING)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (file.toString().contains("dashboards") && name.endsWith(".json")) {
                collect(new ObjectMapper().readTree(file.toFile()), file.toString(), queries);
            } else if (file.toString().contains("prometheus")
                    && !name.equals("prometheus.yml")
                    && (name.endsWith(".yml") || name.endsWith(".yaml"))) {
                collect(new YAMLMapper().readTree(file.toFile()), file.toString(), queries);
            }
        }
        return queries;
    }

    private static void collect(JsonNode node, String where, Map<String, String> queries) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("expr") && field.getValue().isTextual()) {
                    String title = node.has("alert")
                            ? node.path("alert").asText()
                            : node.path("refId").asText("");
                    queries.put(
                            where + " " + title + " #" + queries.size(),
                            field.getValue().asText());
                } else {
                    collect(field.getValue(), where, queries);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, where, queries));
        }
    }

    /** The metric names of a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
    static Set<String> metricNames(String query) {
        String bare = query.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*}", "") // label matchers
                .replaceAll("\\[[^]]*]", "") // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                .replaceAll("\\$[a-zA-Z_]+", ""); // Grafana variables
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = IDENTIFIER.matcher(bare);
        while (matcher.find()) {
            String word = matcher.group();
            int after = matcher.end();
            while (after < bare.length() && bare.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < bare.length() && bare.charAt(after) == '(';
            boolean number = matcher.start() > 0 && Character.isDigit(bare.charAt(matcher.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** The labels a query filters the metric by, and the labels it groups by (all of them, for a single-metric query). */
    static Set<String> labelsUsed(String query, String metric) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher selector =
                Pattern.compile(Pattern.quote(metric) + "\\{([^}]*)}").matcher(query);
        while (selector.find()) {
            Matcher label =
                    Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|!~|=)").matcher(selector.group(1));
            while (label.find()) {
                labels.add(label.group(1));
            }
        }
        if (metricNames(query).size() == 1) {
            Matcher by = Pattern.compile("\\bby\\s*\\(([^)]*)\\)").matcher(query);
            while (by.find()) {
                for (String label : by.group(1).split(",")) {
                    if (!label.isBlank()) {
                        labels.add(label.trim());
                    }
                }
            }
        }
        return labels;
    }
}
