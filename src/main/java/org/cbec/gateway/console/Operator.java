package org.cbec.gateway.console;

/** A person who logs into the console or calls the operators' API, with the role the users file gives them. */
public record Operator(String name, Role role) {

    /**
     * What an operator may do: {@code operator} reads, {@code admin} also acts (replay, discard); {@code national} is a
     * national system's account, which only sends data to partners (POST /api/v1/outbound/{partnerId}).
     */
    public enum Role {
        OPERATOR,
        ADMIN,
        NATIONAL;

        public boolean mayAct() {
            return this == ADMIN;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
