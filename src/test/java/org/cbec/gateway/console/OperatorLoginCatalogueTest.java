package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.StringLayout;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' login catalogue: each case is one attack on the console's or API's login, named after it, and
 * asserts the answer (status, code, cookie, log line), the security event that records each refusal (read back
 * through {@code GET /api/v1/security-events}, as an auditor would) and that the gateway is healthy after. The user "operator"
 * is the one the login flood locks out; the other cases use "admin" or made-up names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorLoginCatalogueTest {
    GatewayUnderTest gateway;
    final java.time.Instant started = java.time.Instant.now();

    @BeforeAll
    void start(@TempDir Path root) {
        // The simulator asked for explicitly, beside the tests' national stub: its records must still need a login.
        gateway = new GatewayUnderTest(root)
                .with("gateway.national.simulator.enabled", "true")
                .start();
    }

    @AfterEach
    void healthyAfterEachCase() {
        assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void login_flood_is_throttled_with_retry_after() {
        for (int i = 0; i < 5; i++) {
            assertThat(login(GatewayUnderTest.OPERATOR, "guess-" + i).statusCode())
                    .isEqualTo(401);
        }
        HttpResponse<String> throttled = login(GatewayUnderTest.OPERATOR, "guess-5");
        HttpResponse<String> rightPasswordToo = login(GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD);
        HttpResponse<String> basicToo =
                gateway.getAs("/api/v1/messages", GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD);

        for (HttpResponse<String> answer : List.of(throttled, rightPasswordToo, basicToo)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
            assertThat(GatewayUnderTest.json(answer).path("code").asText()).isEqualTo("TOO_MANY_LOGIN_ATTEMPTS");
            assertThat(answer.headers().firstValue("Retry-After"))
                    .hasValueSatisfying(
                            seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        }
        assertThat(gateway.get("/api/v1/messages").statusCode())
                .as("another user is not locked out")
                .isEqualTo(200);
        JsonNode wrong =
                securityEvent("LOGIN_REQUIRED", GatewayUnderTest.OPERATOR, "console login: POST /api/v1/session");
        assertThat(wrong.path("kind").asText()).isEqualTo("LOGIN_REFUSED");
        assertThat(wrong.path("detail").asText()).isEqualTo("wrong name or password");
        JsonNode throttledLogin = securityEvent(
                "TOO_MANY_LOGIN_ATTEMPTS", GatewayUnderTest.OPERATOR, "console login: POST /api/v1/session");
        assertThat(throttledLogin.path("detail").asText()).contains("too many failed logins");
        securityEvent("TOO_MANY_LOGIN_ATTEMPTS", GatewayUnderTest.OPERATOR, "HTTP Basic: GET /api/v1/messages");
        assertThat(events("TOO_MANY_LOGIN_ATTEMPTS", GatewayUnderTest.OPERATOR))
                .as("each of the three throttled requests is one record")
                .hasSize(3);
    }

    /** Wrong HTTP Basic credentials (a script guessing) are a refused login like the console's. */
    @Test
    void wrong_http_basic_password_is_recorded() {
        HttpResponse<String> answer = gateway.getAs("/api/v1/messages?limit=1", "basic-guesser", "guess");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
        assertThat(GatewayUnderTest.json(answer).path("code").asText()).isEqualTo("LOGIN_REQUIRED");
        JsonNode event = securityEvent("LOGIN_REQUIRED", "basic-guesser", "HTTP Basic: GET /api/v1/messages?limit=1");
        assertThat(event.path("kind").asText()).isEqualTo("LOGIN_REFUSED");
    }

    /** The record of refusals is the operators': no user, no events. */
    @Test
    void security_events_need_a_login() {
        HttpResponse<String> anonymous = gateway.send(HttpRequest.newBuilder().GET(), "/api/v1/security-events");

        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        assertThat(GatewayUnderTest.json(anonymous).path("code").asText()).isEqualTo("LOGIN_REQUIRED");
    }

    /** A name that is not a user must not answer faster than one that is (user enumeration by timing). */
    @Test
    void unknown_and_known_user_take_the_same_time() {
        long[] unknown = new long[3];
        long[] known = new long[3];
        for (int i = 0; i < 3; i++) {
            String nobody = "nobody-" + i;
            unknown[i] =
                    timed(() -> assertThat(login(nobody, "wrong").statusCode()).isEqualTo(401));
            known[i] = timed(
                    () -> assertThat(login(GatewayUnderTest.ADMIN, "wrong").statusCode())
                            .isEqualTo(401));
        }
        long unknownMedian = median(unknown);
        long knownMedian = median(known);
        // A generous margin: the same bcrypt work either way; before, an unknown name took about 1/200 of a known one.
        assertThat(unknownMedian)
                .as("median nanos, unknown %s vs known %s", unknownMedian, knownMedian)
                .isGreaterThan(knownMedian / 3);
        assertThat(knownMedian).isGreaterThan(unknownMedian / 3);
        securityEvent("LOGIN_REQUIRED", "nobody-0", "console login: POST /api/v1/session");
    }

    /** Login CSRF: another site's page can POST text/plain (no preflight) and so log the victim into the attacker's account. */
    @Test
    void text_plain_cross_site_login_is_refused() {
        String credentials = "{\"name\":\"admin\",\"password\":\"admin-demo\"}";
        HttpResponse<String> textPlain = gateway.send(
                HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.ofString(credentials))
                        .header("Content-Type", "text/plain")
                        .header("Origin", "https://evil.example")
                        .header("Sec-Fetch-Site", "cross-site"),
                "/api/v1/session");
        HttpResponse<String> jsonCrossSite = gateway.send(
                HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.ofString(credentials))
                        .header("Content-Type", "application/json")
                        .header("Origin", "https://evil.example"),
                "/api/v1/session");
        HttpResponse<String> sameOrigin = gateway.send(
                HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.ofString(credentials))
                        .header("Content-Type", "application/json")
                        .header("Origin", "http://127.0.0.1:" + gateway.port())
                        .header("Sec-Fetch-Site", "same-origin"),
                "/api/v1/session");

        assertThat(textPlain.statusCode()).as(textPlain.body()).isEqualTo(415);
        assertThat(GatewayUnderTest.json(textPlain).path("code").asText()).isEqualTo("UNSUPPORTED_FORMAT");
        assertThat(jsonCrossSite.statusCode()).as(jsonCrossSite.body()).isEqualTo(403);
        assertThat(GatewayUnderTest.json(jsonCrossSite).path("code").asText()).isEqualTo("NOT_PERMITTED");
        assertThat(textPlain.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(jsonCrossSite.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(sameOrigin.statusCode())
                .as("the console's own page still logs in: " + sameOrigin.body())
                .isEqualTo(200);
        JsonNode textPlainEvent = securityEvent("UNSUPPORTED_FORMAT", null, "console login: POST /api/v1/session");
        assertThat(textPlainEvent.path("kind").asText()).isEqualTo("LOGIN_REFUSED");
        assertThat(textPlainEvent.path("detail").asText())
                .contains("text/plain")
                .contains("from another site: Sec-Fetch-Site cross-site");
        JsonNode crossSiteEvent =
                securityEvent("NOT_PERMITTED", GatewayUnderTest.ADMIN, "console login: POST /api/v1/session");
        assertThat(crossSiteEvent.path("kind").asText()).isEqualTo("LOGIN_REFUSED");
        assertThat(crossSiteEvent.path("detail").asText()).isEqualTo("from another site: Origin https://evil.example");
    }

    @Test
    void cookie_is_samesite_strict() {
        HttpResponse<String> answer = login(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Set-Cookie"))
                .hasValueSatisfying(
                        cookie -> assertThat(cookie).contains("SameSite=Strict").contains("HttpOnly"));
    }

    /** Only a configured proxy (gateway.http.trusted-proxies, empty here) may say the client used HTTPS. */
    @Test
    void forwarded_proto_from_untrusted_address_is_ignored() {
        HttpResponse<String> answer = gateway.send(
                HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"admin\",\"password\":\"admin-demo\"}"))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-Proto", "https"),
                "/api/v1/session");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Set-Cookie"))
                .hasValueSatisfying(cookie -> assertThat(cookie).doesNotContain("Secure"));
    }

    @Test
    void crlf_in_user_name_does_not_forge_a_log_line() {
        String forged =
                "1999-01-01T00:00:00.000Z INFO  [main] OperatorAccess - User admin (admin) logged into the console";
        StringWriter log = new StringWriter();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        // The layout of the gateway's own console appender (log4j2.xml), writing to a string this test reads.
        WriterAppender capture = WriterAppender.createAppender(
                (StringLayout) configuration.getAppender("console").getLayout(),
                null,
                log,
                "login-log-capture",
                false,
                true);
        capture.start();
        configuration.getRootLogger().addAppender(capture, null, null);
        context.updateLoggers();
        try {
            assertThat(login("nobody\r\n" + forged, "wrong").statusCode()).isEqualTo(401);
        } finally {
            configuration.getRootLogger().removeAppender("login-log-capture");
            context.updateLoggers();
            capture.stop();
        }

        List<String> lines = Arrays.asList(log.toString().split("\r?\n"));
        assertThat(lines)
                .anySatisfy(line -> assertThat(line).contains("Failed console login for user 'nobody\\r\\n1999-01-01"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).startsWith("1999-01-01"));
        // The record keeps the name as given, encoded: CR and LF as escapes, never as line ends.
        JsonNode event =
                securityEvent("LOGIN_REQUIRED", "nobody\\u000D\\u000A" + forged, "console login: POST /api/v1/session");
        assertThat(event.path("userName").asText()).doesNotContain("\r").doesNotContain("\n");
    }

    /** The simulator shows the personal data the gateway forwarded: operators only. */
    @Test
    void simulator_records_need_a_login() {
        HttpResponse<String> anonymous = gateway.send(HttpRequest.newBuilder().GET(), "/national-sim/records");
        HttpResponse<String> operator = gateway.get("/national-sim/records");

        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        assertThat(GatewayUnderTest.json(anonymous).path("code").asText()).isEqualTo("LOGIN_REQUIRED");
        assertThat(operator.statusCode()).as(operator.body()).isEqualTo(200);
        assertThat(GatewayUnderTest.json(operator).has("records")).isTrue();
    }

    /** With real national URLs (here the tests' stub) and the simulator left at its default, it does not run at all. */
    @Test
    void simulator_refused_when_a_real_national_url_is_set(@TempDir Path root) {
        try (GatewayUnderTest real = new GatewayUnderTest(root).start()) {
            HttpResponse<String> records = real.get("/national-sim/records");
            HttpResponse<String> forged = real.send(
                    HttpRequest.newBuilder()
                            .header("Idempotency-Key", "forged:1")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")),
                    "/national-sim/aeo");

            assertThat(records.statusCode()).as(records.body()).isEqualTo(404);
            assertThat(forged.statusCode()).as(forged.body()).isEqualTo(404);
            assertThat(real.runtime()
                            .camel()
                            .getRouteController()
                            .getRouteStatus("national-sim-records")
                            .isStarted())
                    .isFalse();
        }
    }

    /**
     * The one security event with this code, user name (null: none) and channel, waited for: events are written by
     * their own thread, so the record may follow the answer by a moment.
     */
    private JsonNode securityEvent(String code, String userName, String channel) {
        return org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(
                        () -> events(code, userName).stream()
                                .filter(e -> e.path("channel").asText().equals(channel))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .map(event -> {
                    assertThat(event.path("address").asText()).isEqualTo("127.0.0.1");
                    assertThat(java.time.Instant.parse(event.path("at").asText()))
                            .isBetween(started, java.time.Instant.now());
                    return event;
                })
                .orElseThrow();
    }

    private List<JsonNode> events(String code, String userName) {
        HttpResponse<String> answer = gateway.get("/api/v1/security-events?limit=1000");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode event : GatewayUnderTest.json(answer).path("events")) {
            boolean sameUser = userName == null
                    ? event.path("userName").isNull()
                    : userName.equals(event.path("userName").asText());
            if (code.equals(event.path("code").asText()) && sameUser) {
                found.add(event);
            }
        }
        return found;
    }

    private HttpResponse<String> login(String name, String password) {
        JsonNode credentials = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("name", name)
                .put("password", password);
        return gateway.send(
                HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.ofString(credentials.toString()))
                        .header("Content-Type", "application/json"),
                "/api/v1/session");
    }

    private static long timed(Runnable call) {
        long started = System.nanoTime();
        call.run();
        return System.nanoTime() - started;
    }

    private static long median(long[] values) {
        List<Long> sorted = new ArrayList<>();
        for (long value : values) {
            sorted.add(value);
        }
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
