package org.cbec.gateway.console;

/** A person who logs into the console or calls the operators' API, with the role the users file gives them. */
public record Operator(String name, Role role) {

    /** What an operator may do: {@code operator} reads, {@code admin} also acts (replay, discard). */
    public enum Role {
        OPERATOR, ADMIN;

        public boolean mayAct() {
            return this == ADMIN;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
