package org.cbec.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The console's users, from a YAML file with bcrypt password hashes:
 * <pre>
 * users:
 *   - name: alice
 *     role: admin            # operator (read-only) or admin
 *     passwordHash: "$2y$12$..."
 * </pre>
 * A hash is made with {@code java -jar cbec-gateway.jar users hash}. A file marked {@code demo: true} holds
 * published demo passwords, and the gateway says so at start-up.
 */
public final class OperatorUsers {
    static final int BCRYPT_COST = 12;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private record User(Operator operator, String passwordHash) {}

    /** A password check found right, recognised for a while by its keyed digest. */
    private record Checked(byte[] mac, long expiresAtNanos) {}

    /** How long a password once checked is taken without bcrypt (HTTP Basic sends it with every request). */
    private static final long CHECKED_FOR_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    private final Map<String, User> users;
    private final boolean demo;
    /**
     * The keyed digest (HMAC under a secret of this process, never stored) of the password each user last logged in
     * with: bcrypt is deliberately slow, so a password already checked is recognised by its digest until it expires.
     * An unsalted digest would be a fast hash of the password for anyone who reads the memory.
     */
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    private final byte[] macKey = new byte[32];
    /** Checked against when the name is unknown, so that an unknown name takes as long as a known one. */
    private final String dummyHash;
    /** bcrypt runs here, not on the HTTP workers the partners' intake needs; a full queue is refused at once. */
    private volatile java.util.concurrent.ThreadPoolExecutor hashing;

    private OperatorUsers(Map<String, User> users, boolean demo) {
        this.users = users;
        this.demo = demo;
        new SecureRandom().nextBytes(macKey);
        this.dummyHash = hash(
                new java.math.BigInteger(128, new SecureRandom()).toString(36).toCharArray());
        useHashingThreads(1, 8);
    }

    /** Runs password checks on {@code threads} threads with at most {@code queue} waiting; more are refused with OVERLOADED. */
    public void useHashingThreads(int threads, int queue) {
        if (threads < 1 || queue < 0) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "gateway.console.login.hash-threads must be at least 1 and gateway.console.login.hash-queue at least 0");
        }
        java.util.concurrent.ThreadPoolExecutor executor = new java.util.concurrent.ThreadPoolExecutor(
                threads,
                threads,
                0,
                java.util.concurrent.TimeUnit.MILLISECONDS,
                queue == 0
                        ? new java.util.concurrent.SynchronousQueue<>()
                        : new java.util.concurrent.ArrayBlockingQueue<>(queue),
                runnable -> {
                    Thread thread = new Thread(runnable, "password-check");
                    thread.setDaemon(true);
                    return thread;
                },
                new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
        java.util.concurrent.ThreadPoolExecutor old = hashing;
        hashing = executor;
        if (old != null) {
            old.shutdown();
        }
    }

    /** Reads the users file; an invalid file is refused naming the entry and field. */
    public static OperatorUsers load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw invalid(file, "the users file does not exist (setting gateway.console.users-file)");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw invalid(file, "cannot be read as YAML: " + e.getMessage());
        }
        if (root == null || !root.path("users").isArray() || root.path("users").isEmpty()) {
            throw invalid(file, "'users' must be a non-empty list");
        }
        Map<String, User> users = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : root.path("users")) {
            String where = "users[" + index++ + "]";
            String name = entry.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw invalid(file, where + ".name must be 1-64 letters, digits, '.', '_' or '-'");
            }
            Operator.Role role;
            try {
                role = Operator.Role.valueOf(entry.path("role").asText("").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(file, where + ".role must be operator, admin or national");
            }
            String hash = entry.path("passwordHash").asText("");
            if (!BCRYPT.matcher(hash).matches()) {
                throw invalid(
                        file,
                        where
                                + ".passwordHash must be a bcrypt hash ($2y$...); make one with: java -jar cbec-gateway.jar users hash");
            }
            if (users.putIfAbsent(name, new User(new Operator(name, role), hash)) != null) {
                throw invalid(file, where + ".name repeats the user " + name);
            }
        }
        return new OperatorUsers(Map.copyOf(users), root.path("demo").asBoolean(false));
    }

    /**
     * The operator with this name and password, if both are right. An unknown name is checked against a dummy hash,
     * so that it takes as long as a known one; the check runs on the password-check threads.
     */
    public Optional<Operator> authenticate(String name, String password) {
        User user = name == null ? null : users.get(name);
        String candidate = password == null ? "" : password;
        byte[] mac = mac(name, candidate);
        if (user != null && !candidate.isEmpty()) {
            Checked known = checked.get(name);
            if (known != null
                    && System.nanoTime() - known.expiresAtNanos() < 0
                    && MessageDigest.isEqual(known.mac(), mac)) {
                return Optional.of(user.operator());
            }
        }
        String hash = user == null ? dummyHash : user.passwordHash();
        boolean right = bcrypt(hash, candidate) && user != null && !candidate.isEmpty();
        if (!right) {
            return Optional.empty();
        }
        checked.put(name, new Checked(mac, System.nanoTime() + CHECKED_FOR_NANOS));
        return Optional.of(user.operator());
    }

    private boolean bcrypt(String hash, String password) {
        java.util.concurrent.Future<Boolean> check;
        try {
            check = hashing.submit(() -> OpenBSDBCrypt.checkPassword(hash, password.toCharArray()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new GatewayException(
                    GatewayError.OVERLOADED, "too many logins are being checked at once; retry later");
        }
        try {
            return check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            check.cancel(true);
            throw new GatewayException(GatewayError.OVERLOADED, "the login check was interrupted; retry later");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the password check failed", e.getCause());
        }
    }

    /** True when the file says its passwords are the published demo ones. */
    public boolean demo() {
        return demo;
    }

    public int size() {
        return users.size();
    }

    /** A bcrypt hash of the password, for the users file. */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password, salt, BCRYPT_COST);
    }

    private byte[] mac(String name, String password) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal((name + '\u0000' + password).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }

    private static GatewayException invalid(Path file, String detail) {
        return new GatewayException(GatewayError.CONFIGURATION_INVALID, file + ": " + detail);
    }
}
