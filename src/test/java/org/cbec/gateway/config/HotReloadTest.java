package org.cbec.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partner files and route files take effect while the gateway runs; a wrong file is refused and the previous one stays. */
class HotReloadTest {
    @TempDir
    Path root;

    @Test
    void a_partner_file_dropped_in_is_trusted_for_the_next_message_and_a_broken_one_changes_nothing()
            throws IOException {
        TestPki.Credential krCa = TestPki.certificateAuthority("CN=KR-KCS Test CA,O=Korea Customs Service,C=KR");
        TestPki.Credential krSigner = TestPki.signer(krCa, "CN=KR-KCS Signer,O=Korea Customs Service,C=KR");
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)
                .with("gateway.reload.interval", "PT1H")
                .start()) {
            Path partners = root.resolve("partners");
            HttpResponse<String> before = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), krSigner));

            TestPki.writePem(partners.resolve("certs/kr-kcs-ca.pem"), krCa.certificate());
            Files.writeString(partners.resolve("KR-KCS.yaml"), """
                    id: KR-KCS
                    name: Korea Customs Service
                    country: KR
                    trustAnchors: [certs/kr-kcs-ca.pem]
                    revocation: none
                    messageTypes: [ECOM_SHIPMENT]
                    """);
            // The very next message: no reload interval passes (it is an hour); the intake looks itself.
            HttpResponse<String> after = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), krSigner));

            Files.writeString(partners.resolve("KR-KCS.yaml"), "id: KR-KCS\nname: broken\ncountry: KOREA\n");
            gateway.runtime().reloadConfiguration();
            HttpResponse<String> whileBroken = gateway.postCms(
                    TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), krSigner));

            assertThat(before.statusCode()).as(before.body()).isEqualTo(403);
            assertThat(before.body()).contains("UNKNOWN_SIGNER");
            assertThat(after.statusCode()).as(after.body()).isEqualTo(202);
            assertThat(whileBroken.statusCode())
                    .as("the broken file is refused; KR-KCS as it was stays trusted: " + whileBroken.body())
                    .isEqualTo(202);
            String changes = gateway.getJson("/api/v1/overview")
                    .path("configurationChanges")
                    .toString();
            assertThat(changes).contains("added KR-KCS", "REFUSED", "country");
            assertThat(gateway.getJson("/api/v1/partners").path("partners").findValuesAsText("id"))
                    .contains("KR-KCS");
        }
    }

    @Test
    void a_route_file_is_added_changed_refused_when_broken_and_removed_while_the_gateway_runs() throws IOException {
        Path routes = Files.createDirectories(root.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)
                .with("gateway.routes.dir", routes.toString())
                .with("gateway.reload.interval", "PT0.2S")
                .start()) {
            Path greeting = routes.resolve("greeting.camel.yaml");
            Files.writeString(greeting, route("hello"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "hello".equals(gateway.get("/greeting").body()));

            Files.writeString(greeting, route("good day"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "good day".equals(gateway.get("/greeting").body()));

            Files.writeString(greeting, route("broken").replace("steps:", "stepz:"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.getJson("/api/v1/overview")
                            .path("configurationChanges")
                            .toString()
                            .contains("REFUSED"));
            String whileBroken = gateway.get("/greeting").body();

            Files.delete(greeting);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.get("/greeting").statusCode() == 404);

            assertThat(whileBroken).isEqualTo("good day");
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        }
    }

    private static String route(String greeting) {
        return """
                - route:
                    id: greeting
                    from:
                      uri: platform-http:/greeting
                      parameters:
                        httpMethodRestrict: GET
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(greeting);
    }
}
