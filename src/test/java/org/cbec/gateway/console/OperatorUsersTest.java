package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbec.gateway.cli.GatewayCli;
import org.cbec.gateway.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users file: bcrypt hashes, two roles, and a clear refusal naming the entry and field of a mistake. */
class OperatorUsersTest {
    @TempDir
    Path root;

    @Test
    void the_shipped_demo_users_log_in_with_their_published_passwords_only() {
        OperatorUsers users = OperatorUsers.load(Path.of("config/users.yaml"));

        assertThat(users.demo()).isTrue();
        assertThat(users.authenticate("admin", "admin-demo")).hasValue(new Operator("admin", Operator.Role.ADMIN));
        assertThat(users.authenticate("operator", "operator-demo"))
                .hasValue(new Operator("operator", Operator.Role.OPERATOR));
        assertThat(users.authenticate("operator", "admin-demo")).isEmpty();
        assertThat(users.authenticate("nobody", "admin-demo")).isEmpty();
        assertThat(users.authenticate("admin", "")).isEmpty();
    }

    @Test
    void a_hash_made_by_the_users_hash_command_logs_in() throws IOException {
        String hash = OperatorUsers.hash("correct horse".toCharArray());
        Files.writeString(
                root.resolve("users.yaml"),
                "users:\n  - name: alice\n    role: admin\n    passwordHash: \"" + hash + "\"\n");

        OperatorUsers users = OperatorUsers.load(root.resolve("users.yaml"));

        assertThat(users.demo()).isFalse();
        assertThat(users.authenticate("alice", "correct horse")).isPresent();
        assertThat(users.authenticate("alice", "correct horse ")).isEmpty();
    }

    @Test
    void users_file_with_unknown_role_is_refused_naming_the_field() throws IOException {
        assertRefused(
                "users:\n  - name: bob\n    role: root\n    passwordHash: \""
                        + OperatorUsers.hash("password1".toCharArray()) + "\"\n",
                "users[0].role");
    }

    @Test
    void users_file_with_plain_text_password_is_refused() throws IOException {
        assertRefused("users:\n  - name: bob\n    role: admin\n    passwordHash: hunter22\n", "users[0].passwordHash");
    }

    @Test
    void users_file_with_repeated_name_is_refused() throws IOException {
        String hash = OperatorUsers.hash("password1".toCharArray());
        assertRefused(
                "users:\n  - {name: bob, role: admin, passwordHash: \"" + hash
                        + "\"}\n  - {name: bob, role: operator, passwordHash: \"" + hash + "\"}\n",
                "users[1].name repeats");
    }

    @Test
    void users_file_that_is_missing_is_refused_with_its_setting() {
        assertThatThrownBy(() -> OperatorUsers.load(root.resolve("none.yaml")))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("gateway.console.users-file");
    }

    @Test
    void the_users_hash_command_prints_a_bcrypt_hash_of_standard_input() {
        var out = new java.io.ByteArrayOutputStream();
        var in = System.in;
        var stdout = System.out;
        try {
            System.setIn(new java.io.ByteArrayInputStream("a long password\n".getBytes()));
            System.setOut(new java.io.PrintStream(out, true));
            assertThat(GatewayCli.execute("users", "hash")).isZero();
        } finally {
            System.setIn(in);
            System.setOut(stdout);
        }
        assertThat(out.toString().trim()).matches("\\$2y\\$12\\$[./A-Za-z0-9]{53}");
    }

    private void assertRefused(String yaml, String named) throws IOException {
        Path file = Files.writeString(root.resolve("users.yaml"), yaml);
        assertThatThrownBy(() -> OperatorUsers.load(file))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining(named);
    }
}
