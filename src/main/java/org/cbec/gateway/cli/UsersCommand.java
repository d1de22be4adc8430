package org.cbec.gateway.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.cbec.gateway.console.OperatorUsers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code users hash}: the bcrypt hash of a password, for the console's users file. */
@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        description = "The console's users file.",
        subcommands = UsersCommand.Hash.class)
final class UsersCommand {

    @Command(
            name = "hash",
            mixinStandardHelpOptions = true,
            description =
                    "Read a password (typed without echo, or one line of standard input) and print its bcrypt hash"
                            + " for the passwordHash of a user in the users file.")
    static final class Hash implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            char[] password;
            if (System.console() != null) {
                password = System.console().readPassword("Password: ");
            } else {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                password = line == null ? new char[0] : line.toCharArray();
            }
            if (password == null || password.length < 8) {
                spec.commandLine().getErr().println("cbec-gateway: a console password needs at least 8 characters");
                return 2;
            }
            spec.commandLine().getOut().println(OperatorUsers.hash(password));
            return 0;
        }
    }
}
