package org.cbec.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.cbec.gateway.config.GatewayRuntime;
import org.cbec.gateway.config.GatewaySettings;

/**
 * The real gateway on the real {@code routes/} and {@code config/application.properties}, started in
 * this JVM on a free port with its own data directory, partners made from a {@link TestPki}, and the
 * national systems pointed at a {@link NationalSystemStub}.
 */
public final class GatewayUnderTest implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String CN_CA_SUBJECT = "CN=CN-GACC Test CA,O=General Administration of Customs,C=CN";

    public final TestPki.Credential cnCa = TestPki.certificateAuthority(CN_CA_SUBJECT);
    public final TestPki.Credential cnSigner =
            TestPki.signer(cnCa, "CN=CN-GACC Signer,O=General Administration of Customs,C=CN");
    public final TestPki.Credential sgCa =
            TestPki.certificateAuthority("CN=SG-CUSTOMS Test CA,O=Singapore Customs,C=SG");
    public final TestPki.Credential sgSigner = TestPki.signer(sgCa, "CN=SG-CUSTOMS Signer,O=Singapore Customs,C=SG");
    public final TestPki.Credential gatewayCa =
            TestPki.certificateAuthority("CN=Gateway Test CA,O=National Customs,C=DE");
    public final TestPki.Credential gatewayKey =
            TestPki.signer(gatewayCa, "CN=Gateway Receipts,O=National Customs,C=DE");

    private final Path root;
    private final NationalSystemStub national;
    private final Map<String, String> overrides = new HashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private GatewayRuntime runtime;
    private org.cbec.gateway.translate.Translators translators;
    private int port;

    public GatewayUnderTest(Path root) {
        this.root = root;
        this.national = new NationalSystemStub();
        writePartners();
    }

    private void writePartners() {
        Path partners = root.resolve("partners");
        TestPki.writePem(partners.resolve("certs/cn-gacc-ca.pem"), cnCa.certificate());
        TestPki.writePem(partners.resolve("certs/sg-customs-ca.pem"), sgCa.certificate());
        write(partners.resolve("CN-GACC.yaml"), """
                id: CN-GACC
                name: General Administration of Customs of China
                country: CN
                trustAnchors:
                  - certs/cn-gacc-ca.pem
                signerSubjects: []
                revocation: none
                messageTypes: [AEO_STATUS, ECOM_SHIPMENT]
                enabled: true
                """);
        // Singapore may send AEO status lists only: shipments from it are MESSAGE_TYPE_NOT_ALLOWED.
        write(partners.resolve("SG-CUSTOMS.yaml"), """
                id: SG-CUSTOMS
                name: Singapore Customs
                country: SG
                trustAnchors:
                  - certs/sg-customs-ca.pem
                revocation: none
                messageTypes: [AEO_STATUS]
                """);
    }

    /** Sets a gateway setting for the next {@link #start()}. */
    public GatewayUnderTest with(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /** The national stub takes batches, as the built-in simulator does (gateway.national.*.batch-url). */
    public GatewayUnderTest withNationalBatches() {
        return with("gateway.national.aeo.batch-url", national.url("/aeo/batch"))
                .with("gateway.national.shipment.batch-url", national.url("/shipments/batch"));
    }

    /** Starts with other translators (a mapping before its fix, say). */
    public GatewayUnderTest start(org.cbec.gateway.translate.Translators translators) {
        this.translators = translators;
        try {
            return start();
        } finally {
            this.translators = null;
        }
    }

    public GatewayUnderTest start() {
        GatewaySettings loaded = GatewaySettings.load(prepareConfig(), Map.of(), Map.of());
        runtime = translators == null ? GatewayRuntime.start(loaded) : GatewayRuntime.start(loaded, translators);
        return this;
    }

    /** Writes this gateway's configuration directory (port, data, partners, national URLs) without starting it: for a gateway in another JVM. */
    public Path prepareConfig() {
        if (port == 0) {
            port = freePort();
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.http.port", String.valueOf(port));
        settings.put("gateway.data.dir", root.resolve("data").toString());
        settings.put("gateway.partners.dir", root.resolve("partners").toString());
        settings.put("gateway.routes.dir", Path.of("routes").toAbsolutePath().toString());
        settings.put("gateway.national.aeo.url", national.url("/aeo"));
        settings.put("gateway.national.shipment.url", national.url("/shipments"));
        settings.put("gateway.forward.initial-delay", "PT0.05S");
        settings.put("gateway.forward.max-delay", "PT0.2S");
        settings.put(
                "gateway.keystore.path",
                TestPki.writePkcs12(root.resolve("gateway.p12"), gatewayKey).toString());
        if (Boolean.getBoolean("cbec.test.external-database")) {
            // The hostile-input catalogues again on PostgreSQL (mvn -B verify -Pexternal-engines): GATEWAY_DB_* as .ci
            // sets them.
            settings.put("gateway.db.url", System.getenv("GATEWAY_DB_URL"));
            settings.put("gateway.db.user", System.getenv("GATEWAY_DB_USER"));
            settings.put("gateway.db.password", System.getenv("GATEWAY_DB_PASSWORD"));
        }
        settings.putAll(overrides);
        return writeConfig(settings);
    }

    public int port() {
        return port;
    }

    /** The shipped application.properties with this test's settings, as a configuration directory the CLI can read too. */
    private Path writeConfig(Map<String, String> settings) {
        try {
            Path config = root.resolve("config");
            Files.createDirectories(config);
            StringBuilder properties = new StringBuilder(Files.readString(Path.of("config/application.properties")));
            properties.append("\n# test settings\n");
            settings.forEach((key, value) -> properties
                    .append(key)
                    .append('=')
                    .append(value.replace("\\", "\\\\"))
                    .append('\n'));
            Files.writeString(config.resolve("application.properties"), properties);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path configDir() {
        return root.resolve("config");
    }

    public void stop() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    public GatewayRuntime runtime() {
        return runtime;
    }

    /** The connection factory of the gateway's broker, as its JMS routes use it. */
    public jakarta.jms.ConnectionFactory brokerConnectionFactory() {
        return runtime.camel()
                .getComponent("jms", org.apache.camel.component.jms.JmsComponent.class)
                .getConfiguration()
                .getOrCreateConnectionFactory();
    }

    /** How many messages wait on a queue of the gateway's broker (those in a consumer's hands not counted). */
    public int queueDepth(String queue) throws jakarta.jms.JMSException {
        try (jakarta.jms.Connection connection = brokerConnectionFactory().createConnection()) {
            connection.start();
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            try (jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                return java.util.Collections.list(browser.getEnumeration()).size();
            }
        }
    }

    public NationalSystemStub national() {
        return national;
    }

    public Path root() {
        return root;
    }

    /** The demo users of config/users.yaml, which the tests' gateways use. */
    public static final String ADMIN = "admin";

    public static final String ADMIN_PASSWORD = "admin-demo";
    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-demo";

    /** HTTP Basic credentials of a user, as the operators' API takes them. */
    public static String basic(String user, String password) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** POSTs as the demo admin (the inbound endpoint ignores credentials: partners authenticate by signature). */
    public HttpResponse<String> post(String path, byte[] body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(ADMIN, ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    public HttpResponse<String> postCms(byte[] signed) {
        return post("/api/v1/inbound", signed, "application/pkcs7-mime");
    }

    /** POSTs CMS asking for a signed receipt; the answer body is bytes. */
    public HttpResponse<byte[]> postCmsForSignedReceipt(byte[] signed) {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/inbound"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/pkcs7-mime")
                .header("Accept", "application/pkcs7-mime")
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GETs as the demo admin. */
    public HttpResponse<String> get(String path) {
        return getAs(path, ADMIN, ADMIN_PASSWORD);
    }

    public HttpResponse<String> getAs(String path, String user, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (user != null) {
            request.header("Authorization", basic(user, password));
        }
        return send(request.build());
    }

    /** Any request, as it is: for tests of who may do what. */
    public HttpResponse<String> send(HttpRequest.Builder request, String path) {
        return send(request.uri(uri(path)).timeout(Duration.ofSeconds(30)).build());
    }

    public JsonNode getJson(String path) {
        return json(get(path));
    }

    /**
     * The hostile-input catalogues' check of a refusal: the status, the problem's code, and the refusal archived under
     * the problem's messageId with that code. Returns the problem.
     */
    public JsonNode refusedAndArchived(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode problem = json(response);
        assertThat(problem.path("code").asText()).isEqualTo(code);
        assertThat(getJson("/api/v1/messages/" + problem.path("messageId").asText())
                        .path("refusal")
                        .path("code")
                        .asText())
                .as("the refusal is archived")
                .isEqualTo(code);
        return problem;
    }

    /** The same for a SOAP fault (HTTP 500, the code in ex:Code, the message id in ex:MessageId); returns the archived message. */
    public JsonNode soapFaultArchived(HttpResponse<String> response, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
        assertThat(response.body()).contains("<soap:Fault>").contains("ex:" + code);
        JsonNode archived = getJson("/api/v1/messages/"
                + response.body().replaceAll("(?s).*<ex:MessageId>([0-9A-Z]+)</ex:MessageId>.*", "$1"));
        assertThat(archived.path("refusal").path("code").asText())
                .as("the refusal is archived")
                .isEqualTo(code);
        return archived;
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a text file, making its directory first (partner files, properties). */
    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        national.close();
    }
}
