package org.cbec.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.http.HttpAnswerWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the operators' API and console. Every route of the {@code operator-api} route configuration
 * passes through {@link #require}: reading (GET) takes any user, acting (POST, DELETE) takes an admin.
 * A user is known by HTTP Basic (scripts, curl) or by the console's session cookie; a request that acts
 * by cookie must also carry the console's header, which a page of another site cannot send (CSRF).
 */
public final class OperatorAccess {
    /** The header the routes read the acting user's name from (set here, never taken from the request). */
    public static final String OPERATOR = "GatewayOperator";
    /** The header the routes read the acting user's role from (set here, never taken from the request). */
    public static final String OPERATOR_ROLE = "GatewayOperatorRole";
    static final String SESSION_COOKIE = "cbec_session";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(OperatorAccess.class);

    private final OperatorUsers users;
    private final OperatorSessions sessions;

    public OperatorAccess(OperatorUsers users, OperatorSessions sessions) {
        this.users = users;
        this.sessions = sessions;
    }

    /** Lets the request through for the right user, or fails with LOGIN_REQUIRED or NOT_PERMITTED. */
    public void require(Exchange exchange) {
        Message message = exchange.getMessage();
        String method = message.getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        boolean reads = "GET".equalsIgnoreCase(method) || "HEAD".equalsIgnoreCase(method);
        Optional<Operator> byBasic = basic(message.getHeader("Authorization", String.class));
        Optional<Operator> bySession = byBasic.isPresent() ? Optional.empty() : sessions.find(cookie(message, SESSION_COOKIE));
        message.removeHeader("Authorization");
        message.removeHeader("Cookie");
        message.removeHeader(OPERATOR);
        message.removeHeader(OPERATOR_ROLE);
        Operator operator = byBasic.or(() -> bySession).orElseThrow(() ->
                new GatewayException(GatewayError.LOGIN_REQUIRED, "log in to the console, or send HTTP Basic credentials of a user in the users file"));
        if (!reads && !operator.role().mayAct()) {
            LOG.warn("User {} ({}) may not {} {}", operator.name(), operator.role().id(), method, message.getHeader(Exchange.HTTP_PATH));
            throw new GatewayException(GatewayError.NOT_PERMITTED, "user " + operator.name() + " has the role "
                    + operator.role().id() + ", which may read but not act; an admin may");
        }
        if (!reads && bySession.isPresent() && message.getHeader(HttpAnswerWriter.CONSOLE_HEADER) == null) {
            throw new GatewayException(GatewayError.NOT_PERMITTED, "a console session acts only from the console (header "
                    + HttpAnswerWriter.CONSOLE_HEADER + " missing)");
        }
        message.setHeader(OPERATOR, operator.name());
        message.setHeader(OPERATOR_ROLE, operator.role().id());
    }

    /** {@code POST /api/v1/session} with {@code {"name":..,"password":..}}: opens a console session. */
    public HttpAnswer login(Exchange exchange) {
        JsonNode credentials;
        try {
            byte[] body = exchange.getMessage().getBody(byte[].class);
            credentials = JSON.readTree(body == null ? new byte[0] : body);
        } catch (IOException e) {
            credentials = null;
        }
        if (credentials == null || !credentials.isObject()) {
            return HttpAnswer.problem(GatewayError.LOGIN_REQUIRED, "send {\"name\": ..., \"password\": ...} as JSON", null, null);
        }
        String name = credentials.path("name").asText(null);
        Optional<Operator> operator = users.authenticate(name, credentials.path("password").asText(null));
        if (operator.isEmpty()) {
            LOG.warn("Failed console login for user '{}'", name);
            return HttpAnswer.problem(GatewayError.LOGIN_REQUIRED, "wrong name or password", null, null);
        }
        LOG.info("User {} ({}) logged into the console", operator.get().name(), operator.get().role().id());
        String token = sessions.open(operator.get());
        return whoIs(operator.get()).withHeader("Set-Cookie", SESSION_COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + sessions.idleTimeout().toSeconds() + (secure(exchange) ? "; Secure" : ""));
    }

    /** {@code DELETE /api/v1/session}: ends the console session. */
    public HttpAnswer logout(Exchange exchange) {
        sessions.close(cookie(exchange.getMessage(), SESSION_COOKIE));
        return HttpAnswer.json(200, Map.of("loggedOut", true))
                .withHeader("Set-Cookie", SESSION_COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    /** {@code GET /api/v1/session}: the user the request came from (after {@link #require}). */
    public HttpAnswer current(Exchange exchange) {
        return HttpAnswer.json(200, Map.of("name", exchange.getMessage().getHeader(OPERATOR, String.class),
                "role", exchange.getMessage().getHeader(OPERATOR_ROLE, String.class)));
    }

    private HttpAnswer whoIs(Operator operator) {
        return HttpAnswer.json(200, Map.of("name", operator.name(), "role", operator.role().id()));
    }

    private Optional<Operator> basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Optional<Operator> operator = users.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
        if (operator.isEmpty()) {
            LOG.warn("Wrong HTTP Basic credentials for user '{}'", decoded.substring(0, colon));
        }
        return operator;
    }

    static String cookie(Message message, String name) {
        String header = message.getHeader("Cookie", String.class);
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String trimmed = part.trim();
            if (trimmed.startsWith(name + "=")) {
                return trimmed.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static boolean secure(Exchange exchange) {
        return "https".equalsIgnoreCase(exchange.getMessage().getHeader("X-Forwarded-Proto", String.class));
    }
}
