package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile queries of {@code GET /api/v1/security-events}, the operators' input path added with the security events:
 * each is refused 422 SCHEMA_INVALID in problem+json naming the parameter, no query reaches the database with it, and
 * the gateway stays healthy.
 */
class SecurityEventsQueryCatalogueTest {
    @TempDir
    static Path root;

    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = new GatewayUnderTest(root).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "since_not_an_instant | since=yesterday | since and until",
                "until_not_an_instant | until=2026-13-45T99:00:00Z | since and until",
                "kind_unknown | kind=EVERYTHING | kind must be one of",
                "kind_sql_injection | kind=LOGIN_REFUSED%27%20OR%20%271%27%3D%271 | kind must be one of",
                "limit_not_a_number | limit=ten | limit must be a whole number",
                "limit_past_int | limit=99999999999 | limit must be a whole number",
                "limit_sql_injection | limit=1%3B%20DROP%20TABLE%20security_event | limit must be a whole number",
            })
    void a_hostile_query_is_refused_422_naming_the_parameter(String defect, String query, String detail) {
        HttpResponse<String> answer = gateway.get("/api/v1/security-events?" + query);

        assertThat(answer.statusCode()).as(defect + ": " + answer.body()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = GatewayUnderTest.json(answer);
        assertThat(problem.path("code").asText()).isEqualTo("SCHEMA_INVALID");
        assertThat(problem.toString()).contains(detail);
        assertThat(gateway.get("/api/v1/security-events?limit=1").statusCode())
                .as("the table is still there and the gateway answers")
                .isEqualTo(200);
        assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
    }
}
