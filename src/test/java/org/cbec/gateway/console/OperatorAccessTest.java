package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may use the operators' API: any user reads, an admin acts, nobody else gets in; partners' intake stays open. */
class OperatorAccessTest {
    @TempDir
    static Path root;

    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = new GatewayUnderTest(root).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void every_operator_route_asks_for_a_login_and_the_answer_invites_basic_credentials() {
        // every path the HTTP server serves (routes of platform-http and of the REST DSL's gateway-rest component)
        List<String> paths = gateway.runtime().camel().getComponentNames().stream()
                .map(gateway.runtime().camel()::getComponent)
                .filter(PlatformHttpComponent.class::isInstance)
                .map(PlatformHttpComponent.class::cast)
                .flatMap(http -> http.getHttpEndpoints().stream())
                .map(HttpEndpointModel::getUri)
                .filter(uri -> uri.startsWith("/api/v1/"))
                .map(uri -> uri.replaceAll("\\{[^}]+}", "01NOSUCHMESSAGE-0"))
                // open by design: the partners' inbound, the login, and the published contract (OpenAPI document,
                // schemas)
                .filter(path -> !path.equals("/api/v1/inbound")
                        && !path.equals("/api/v1/session")
                        && !path.equals("/api/v1/openapi.json")
                        && !path.startsWith("/api/v1/schemas"))
                .distinct()
                .toList();

        assertThat(paths)
                .contains(
                        "/api/v1/messages",
                        "/api/v1/dead-letters",
                        "/api/v1/partners",
                        "/api/v1/routes",
                        "/api/v1/overview");
        java.util.Set<String> asked = new java.util.TreeSet<>();
        for (String path : paths) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                HttpResponse<String> answer = gateway.send(
                        HttpRequest.newBuilder().method(method, HttpRequest.BodyPublishers.noBody()), path);
                if (answer.statusCode() == 405
                        || answer.statusCode() == 404 && !answer.body().contains("LOGIN_REQUIRED")) {
                    continue; // that method is not served on that path
                }
                assertThat(answer.statusCode())
                        .as(method + " " + path + ": " + answer.body())
                        .isEqualTo(401);
                assertThat(answer.body()).contains("LOGIN_REQUIRED");
                assertThat(answer.headers().firstValue("WWW-Authenticate"))
                        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
                asked.add(path);
            }
        }
        // Every path is served by some method: a path skipped for all three (404/405) would make the loop check
        // nothing.
        assertThat(asked).as("paths that asked for a login").containsExactlyInAnyOrderElementsOf(paths);
    }

    @Test
    void a_wrong_password_is_refused_like_no_password() {
        HttpResponse<String> answer = gateway.getAs("/api/v1/messages", GatewayUnderTest.OPERATOR, "not-the-password");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("LOGIN_REQUIRED");
    }

    @Test
    void an_operator_reads_but_may_not_act() {
        HttpResponse<String> read =
                gateway.getAs("/api/v1/messages", GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD);
        HttpResponse<String> act = gateway.send(
                HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .header(
                                "Authorization",
                                GatewayUnderTest.basic(GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD)),
                "/api/v1/dead-letters/01NOSUCHMESSAGE-0/replay");

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(act.statusCode()).as(act.body()).isEqualTo(403);
        assertThat(act.body()).contains("NOT_PERMITTED");
    }

    @Test
    void an_admin_acts() {
        HttpResponse<String> act = gateway.post("/api/v1/dead-letters/01NOSUCHMESSAGE-0/replay", new byte[0], null);

        assertThat(act.statusCode())
                .as("past the login, to the dead letter that does not exist")
                .isEqualTo(404);
    }

    @Test
    void a_console_session_reads_by_cookie_and_acts_only_with_the_console_header() {
        HttpResponse<String> login = gateway.send(
                HttpRequest.newBuilder()
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"admin\",\"password\":\"admin-demo\"}")),
                "/api/v1/session");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

        HttpResponse<String> me =
                gateway.send(HttpRequest.newBuilder().header("Cookie", cookie).GET(), "/api/v1/session");
        HttpResponse<String> forged = gateway.send(
                HttpRequest.newBuilder().header("Cookie", cookie).POST(HttpRequest.BodyPublishers.noBody()),
                "/api/v1/dead-letters/01NOSUCHMESSAGE-0/replay");
        HttpResponse<String> fromConsole = gateway.send(
                HttpRequest.newBuilder()
                        .header("Cookie", cookie)
                        .header("X-CBEC-Console", "1")
                        .POST(HttpRequest.BodyPublishers.noBody()),
                "/api/v1/dead-letters/01NOSUCHMESSAGE-0/replay");
        gateway.send(HttpRequest.newBuilder().header("Cookie", cookie).DELETE(), "/api/v1/session");
        HttpResponse<String> afterLogout =
                gateway.send(HttpRequest.newBuilder().header("Cookie", cookie).GET(), "/api/v1/session");

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly", "SameSite=Strict");
        assertThat(me.body()).contains("\"name\":\"admin\"", "\"role\":\"admin\"");
        assertThat(forged.statusCode())
                .as("a cookie alone does not act: another site's page could send it")
                .isEqualTo(403);
        assertThat(fromConsole.statusCode()).isEqualTo(404);
        assertThat(afterLogout.statusCode()).isEqualTo(401);
    }

    @Test
    void a_wrong_login_opens_no_session() {
        HttpResponse<String> login = gateway.send(
                HttpRequest.newBuilder()
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"admin\",\"password\":\"guess\"}")),
                "/api/v1/session");

        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(login.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void partners_send_and_monitors_probe_without_a_login() {
        assertThat(gateway.getAs("/health", null, null).statusCode()).isEqualTo(200);
        assertThat(gateway.send(
                                HttpRequest.newBuilder()
                                        .header("Content-Type", "application/pkcs7-mime")
                                        .POST(HttpRequest.BodyPublishers.ofString("x")),
                                "/api/v1/inbound")
                        .statusCode())
                .isEqualTo(400);
        assertThat(gateway.getAs("/console/", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void the_console_views_answer_a_logged_in_operator() {
        for (String view : List.of("/api/v1/partners", "/api/v1/routes", "/api/v1/overview")) {
            HttpResponse<String> answer =
                    gateway.getAs(view, GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD);
            assertThat(answer.statusCode()).as(view + ": " + answer.body()).isEqualTo(200);
        }
        assertThat(gateway.getJson("/api/v1/routes").path("routes").findValuesAsText("id"))
                .contains("inbound-http", "forward-aeo-status");
        assertThat(gateway.getJson("/api/v1/partners").path("partners").findValuesAsText("id"))
                .contains("CN-GACC", "SG-CUSTOMS");
    }
}
