package org.cbec.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    private final Map<String, User> users;
    private final boolean demo;
    /**
     * The digest of the password each user last logged in with: HTTP Basic sends the password with every
     * request, and bcrypt is deliberately slow, so a password already checked is recognised by its digest.
     */
    private final Map<String, byte[]> checked = new ConcurrentHashMap<>();

    private OperatorUsers(Map<String, User> users, boolean demo) {
        this.users = users;
        this.demo = demo;
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
                throw invalid(file, where + ".role must be operator or admin");
            }
            String hash = entry.path("passwordHash").asText("");
            if (!BCRYPT.matcher(hash).matches()) {
                throw invalid(file, where + ".passwordHash must be a bcrypt hash ($2y$...); make one with: java -jar cbec-gateway.jar users hash");
            }
            if (users.putIfAbsent(name, new User(new Operator(name, role), hash)) != null) {
                throw invalid(file, where + ".name repeats the user " + name);
            }
        }
        return new OperatorUsers(Map.copyOf(users), root.path("demo").asBoolean(false));
    }

    /** The operator with this name and password, if both are right. */
    public Optional<Operator> authenticate(String name, String password) {
        User user = name == null ? null : users.get(name);
        if (user == null || password == null || password.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(name + '\u0000' + password);
        byte[] known = checked.get(name);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return Optional.of(user.operator());
        }
        if (!OpenBSDBCrypt.checkPassword(user.passwordHash(), password.toCharArray())) {
            return Optional.empty();
        }
        checked.put(name, digest);
        return Optional.of(user.operator());
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

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static GatewayException invalid(Path file, String detail) {
        return new GatewayException(GatewayError.CONFIGURATION_INVALID, file + ": " + detail);
    }
}
