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

    private static final String CONSOLE_LOGIN = "console login";
    private static final String HTTP_BASIC = "HTTP Basic";

    /** The header the platform-http consumer puts the peer's address in (a Vert.x SocketAddress). */
    static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";
    /** The property a refusal's Retry-After seconds travel in to the answer. */
    private static final String RETRY_AFTER = HttpAnswerWriter.RETRY_AFTER;

    private final OperatorUsers users;
    private final OperatorSessions sessions;
    private final LoginThrottle throttle;
    private final java.util.Set<String> trustedProxies;
    private final SecurityEvents events;

    public OperatorAccess(OperatorUsers users, OperatorSessions sessions) {
        this(
                users,
                sessions,
                new LoginThrottle(
                        new LoginThrottle.Limits(5, 20, java.time.Duration.ofMinutes(5)), java.time.Clock.systemUTC()),
                java.util.Set.of(),
                null);
    }

    /**
     * @param trustedProxies addresses whose X-Forwarded-Proto and X-Forwarded-For are believed
     *                       ({@code gateway.http.trusted-proxies}); from any other address they are ignored
     * @param events         where every refused login and refused action is recorded as evidence (null: nowhere)
     */
    public OperatorAccess(
            OperatorUsers users,
            OperatorSessions sessions,
            LoginThrottle throttle,
            java.util.Set<String> trustedProxies,
            SecurityEvents events) {
        this.users = users;
        this.sessions = sessions;
        this.throttle = throttle;
        this.trustedProxies = java.util.Set.copyOf(trustedProxies);
        this.events = events;
    }

    /** Lets the request through for the right user, or fails with LOGIN_REQUIRED or NOT_PERMITTED. */
    public void require(Exchange exchange) {
        Message message = exchange.getMessage();
        String method = message.getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        boolean reads = "GET".equalsIgnoreCase(method) || "HEAD".equalsIgnoreCase(method);
        Optional<Operator> byBasic = basic(exchange, message.getHeader("Authorization", String.class));
        Optional<Operator> bySession =
                byBasic.isPresent() ? Optional.empty() : sessions.find(cookie(message, SESSION_COOKIE));
        message.removeHeader("Authorization");
        message.removeHeader("Cookie");
        message.removeHeader(OPERATOR);
        message.removeHeader(OPERATOR_ROLE);
        Operator operator = byBasic.or(() -> bySession)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.LOGIN_REQUIRED,
                        "log in to the console, or send HTTP Basic credentials of a user in the users file"));
        if (operator.role() == Operator.Role.NATIONAL) {
            accessRefused(exchange, operator.name(), "a national system's account used the operators' API");
            throw new GatewayException(
                    GatewayError.NOT_PERMITTED,
                    "user " + operator.name() + " is a national system's account, which "
                            + "may only send data to partners (POST /api/v1/outbound/{partnerId})");
        }
        if (!reads && !operator.role().mayAct()) {
            LOG.warn(
                    "User {} ({}) may not {} {}",
                    operator.name(),
                    operator.role().id(),
                    method,
                    message.getHeader(Exchange.HTTP_PATH));
            accessRefused(exchange, operator.name(), "role " + operator.role().id() + " may read but not act");
            throw new GatewayException(
                    GatewayError.NOT_PERMITTED,
                    "user " + operator.name() + " has the role "
                            + operator.role().id() + ", which may read but not act; an admin may");
        }
        if (!reads && bySession.isPresent() && message.getHeader(HttpAnswerWriter.CONSOLE_HEADER) == null) {
            accessRefused(
                    exchange,
                    operator.name(),
                    "a console session acted without the header " + HttpAnswerWriter.CONSOLE_HEADER);
            throw new GatewayException(
                    GatewayError.NOT_PERMITTED,
                    "a console session acts only from the console (header " + HttpAnswerWriter.CONSOLE_HEADER
                            + " missing)");
        }
        message.setHeader(OPERATOR, operator.name());
        message.setHeader(OPERATOR_ROLE, operator.role().id());
    }

    /**
     * Lets a national system's request through ({@code POST /api/v1/outbound/{partnerId}}): HTTP Basic credentials of a
     * user with the role {@code national}, or fails with LOGIN_REQUIRED or NOT_PERMITTED. No console session counts.
     */
    public void requireNational(Exchange exchange) {
        Message message = exchange.getMessage();
        Optional<Operator> byBasic = basic(exchange, message.getHeader("Authorization", String.class));
        message.removeHeader("Authorization");
        message.removeHeader("Cookie");
        message.removeHeader(OPERATOR);
        message.removeHeader(OPERATOR_ROLE);
        Operator caller = byBasic.orElseThrow(() -> new GatewayException(
                GatewayError.LOGIN_REQUIRED, "send HTTP Basic credentials of a user with the role national"));
        if (caller.role() != Operator.Role.NATIONAL) {
            accessRefused(exchange, caller.name(), "role " + caller.role().id() + " is not a national system's");
            throw new GatewayException(
                    GatewayError.NOT_PERMITTED,
                    "user " + caller.name() + " has the role " + caller.role().id()
                            + "; only a national system's account (role national) sends data to partners");
        }
        message.setHeader(OPERATOR, caller.name());
        message.setHeader(OPERATOR_ROLE, caller.role().id());
    }

    /**
     * {@code POST /api/v1/session} with {@code {"name":..,"password":..}} as {@code application/json}, from a page of
     * this gateway only: opens a console session. A form or text/plain POST (what another site's page can send without
     * asking) and a request whose Origin or Sec-Fetch-Site says it comes from another site are refused (login CSRF).
     */
    public HttpAnswer login(Exchange exchange) {
        Message message = exchange.getMessage();
        String contentType = message.getHeader("Content-Type", String.class);
        if (contentType == null || !contentType.split(";", 2)[0].trim().equalsIgnoreCase("application/json")) {
            loginRefused(
                    exchange,
                    GatewayError.UNSUPPORTED_FORMAT,
                    null,
                    CONSOLE_LOGIN,
                    "Content-Type " + contentType + crossSiteNote(exchange));
            return HttpAnswer.problem(
                    GatewayError.UNSUPPORTED_FORMAT,
                    "send {\"name\": ..., \"password\": ...} as application/json",
                    null,
                    null);
        }
        JsonNode credentials;
        try {
            byte[] body = message.getBody(byte[].class);
            credentials = JSON.readTree(body == null ? new byte[0] : body);
        } catch (IOException e) {
            credentials = null;
        }
        String crossSite = crossSite(exchange);
        if (crossSite != null) {
            LOG.warn("Refused a console login from another site ({}) from {}", crossSite, clientAddress(exchange));
            loginRefused(
                    exchange,
                    GatewayError.NOT_PERMITTED,
                    credentials != null && credentials.isObject()
                            ? credentials.path("name").asText(null)
                            : null,
                    CONSOLE_LOGIN,
                    "from another site: " + crossSite);
            return HttpAnswer.problem(
                    GatewayError.NOT_PERMITTED, "a console login comes from the console's own page only", null, null);
        }
        if (credentials == null || !credentials.isObject()) {
            loginRefused(exchange, GatewayError.LOGIN_REQUIRED, null, CONSOLE_LOGIN, "the body is no JSON object");
            return HttpAnswer.problem(
                    GatewayError.LOGIN_REQUIRED, "send {\"name\": ..., \"password\": ...} as JSON", null, null);
        }
        String name = credentials.path("name").asText(null);
        Optional<Operator> operator =
                authenticate(exchange, name, credentials.path("password").asText(null), CONSOLE_LOGIN);
        if (operator.isEmpty()) {
            LOG.warn("Failed console login for user '{}' from {}", name, clientAddress(exchange));
            loginRefused(exchange, GatewayError.LOGIN_REQUIRED, name, CONSOLE_LOGIN, "wrong name or password");
            return HttpAnswer.problem(GatewayError.LOGIN_REQUIRED, "wrong name or password", null, null);
        }
        LOG.info(
                "User {} ({}) logged into the console",
                operator.get().name(),
                operator.get().role().id());
        String token = sessions.open(operator.get());
        return whoIs(operator.get())
                .withHeader(
                        "Set-Cookie",
                        SESSION_COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                                + sessions.idleTimeout().toSeconds() + (secure(exchange) ? "; Secure" : ""));
    }

    /**
     * Checks a name and password unless the name or the client's address is locked out by too many failures
     * (then TOO_MANY_LOGIN_ATTEMPTS, with the seconds to wait in {@link #RETRY_AFTER}), and counts a failure.
     */
    private Optional<Operator> authenticate(Exchange exchange, String name, String password, String channel) {
        String address = clientAddress(exchange);
        Optional<java.time.Duration> locked = throttle.lockedFor(name, address);
        if (locked.isPresent()) {
            long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
            exchange.setProperty(RETRY_AFTER, String.valueOf(seconds));
            LOG.warn("Refused a login for user '{}' from {}: too many failed logins", name, address);
            loginRefused(
                    exchange,
                    GatewayError.TOO_MANY_LOGIN_ATTEMPTS,
                    name,
                    channel,
                    "too many failed logins for this user or from this address; locked for " + seconds + " s");
            throw new GatewayException(
                    GatewayError.TOO_MANY_LOGIN_ATTEMPTS,
                    "too many failed logins for this user or from this address; retry in " + seconds + " s");
        }
        Optional<Operator> operator = users.authenticate(name, password);
        if (operator.isPresent()) {
            throttle.succeeded(name);
        } else {
            throttle.failed(name, address);
        }
        return operator;
    }

    private void loginRefused(Exchange exchange, GatewayError code, String name, String channel, String detail) {
        if (events != null) {
            events.loginRefused(code, name, clientAddress(exchange), channel + ": " + request(exchange), detail);
        }
    }

    private void accessRefused(Exchange exchange, String name, String detail) {
        if (events != null) {
            events.accessRefused(GatewayError.NOT_PERMITTED, name, clientAddress(exchange), request(exchange), detail);
        }
    }

    /** The request's method and path, as the record of a refusal names it. */
    private static String request(Exchange exchange) {
        Message message = exchange.getMessage();
        Object path = message.getHeader(Exchange.HTTP_URI);
        if (path == null) {
            path = message.getHeader(Exchange.HTTP_PATH);
        }
        return message.getHeader(Exchange.HTTP_METHOD, "GET", String.class) + " " + path;
    }

    /** A text/plain or form login that also says it comes from another site: the cross-site attempt it is. */
    private String crossSiteNote(Exchange exchange) {
        String crossSite = crossSite(exchange);
        return crossSite == null ? "" : ", from another site: " + crossSite;
    }

    /** Why the request comes from another site (its Origin or Sec-Fetch-Site), or null when it does not. */
    private String crossSite(Exchange exchange) {
        Message message = exchange.getMessage();
        String fetchSite = message.getHeader("Sec-Fetch-Site", String.class);
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin") && !fetchSite.equalsIgnoreCase("none")) {
            return "Sec-Fetch-Site " + fetchSite;
        }
        String origin = message.getHeader("Origin", String.class);
        if (origin == null) {
            return null; // not sent by a browser that would send another site's POST: curl, scripts
        }
        String host = message.getHeader("Host", String.class);
        String own = (secure(exchange) ? "https://" : "http://") + host;
        return host != null && origin.trim().equalsIgnoreCase(own) ? null : "Origin " + origin;
    }

    /** {@code DELETE /api/v1/session}: ends the console session. */
    public HttpAnswer logout(Exchange exchange) {
        sessions.close(cookie(exchange.getMessage(), SESSION_COOKIE));
        return HttpAnswer.json(200, Map.of("loggedOut", true))
                .withHeader("Set-Cookie", SESSION_COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    /** {@code GET /api/v1/session}: the user the request came from (after {@link #require}). */
    public HttpAnswer current(Exchange exchange) {
        return HttpAnswer.json(
                200,
                Map.of(
                        "name",
                        exchange.getMessage().getHeader(OPERATOR, String.class),
                        "role",
                        exchange.getMessage().getHeader(OPERATOR_ROLE, String.class)));
    }

    private HttpAnswer whoIs(Operator operator) {
        return HttpAnswer.json(
                200, Map.of("name", operator.name(), "role", operator.role().id()));
    }

    private Optional<Operator> basic(Exchange exchange, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            loginRefused(exchange, GatewayError.LOGIN_REQUIRED, null, HTTP_BASIC, "credentials are not base64");
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            loginRefused(exchange, GatewayError.LOGIN_REQUIRED, decoded, HTTP_BASIC, "credentials have no ':'");
            return Optional.empty();
        }
        Optional<Operator> operator =
                authenticate(exchange, decoded.substring(0, colon), decoded.substring(colon + 1), HTTP_BASIC);
        if (operator.isEmpty()) {
            LOG.warn(
                    "Wrong HTTP Basic credentials for user '{}' from {}",
                    decoded.substring(0, colon),
                    clientAddress(exchange));
            loginRefused(
                    exchange,
                    GatewayError.LOGIN_REQUIRED,
                    decoded.substring(0, colon),
                    HTTP_BASIC,
                    "wrong name or password");
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

    /** HTTPS as the client sees it: only a trusted proxy's X-Forwarded-Proto says so (this server itself speaks plain HTTP). */
    private boolean secure(Exchange exchange) {
        return fromTrustedProxy(exchange)
                && "https".equalsIgnoreCase(exchange.getMessage().getHeader("X-Forwarded-Proto", String.class));
    }

    /** The client's address: the peer's, or the last X-Forwarded-For entry when the peer is a trusted proxy. */
    String clientAddress(Exchange exchange) {
        String peer = peerAddress(exchange);
        if (fromTrustedProxy(exchange)) {
            String forwarded = exchange.getMessage().getHeader("X-Forwarded-For", String.class);
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                return hops[hops.length - 1].trim();
            }
        }
        return peer;
    }

    private boolean fromTrustedProxy(Exchange exchange) {
        String peer = peerAddress(exchange);
        return peer != null && trustedProxies.contains(peer);
    }

    private static String peerAddress(Exchange exchange) {
        Object address = exchange.getMessage().getHeader(REMOTE_ADDRESS);
        if (address instanceof io.vertx.core.net.SocketAddress socket) {
            return socket.hostAddress();
        }
        return address == null ? null : address.toString();
    }
}
