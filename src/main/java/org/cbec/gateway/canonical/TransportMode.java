package org.cbec.gateway.canonical;

import java.util.Optional;

/** The mode of transport at the border, from a UN/ECE Recommendation 19 code (1 to 5). */
public enum TransportMode {
    SEA("1"),
    RAIL("2"),
    ROAD("3"),
    AIR("4"),
    POST("5");

    private final String rec19Code;

    TransportMode(String rec19Code) {
        this.rec19Code = rec19Code;
    }

    /** The UN/ECE Recommendation 19 code, e.g. {@code "4"} for {@link #AIR}. */
    public String rec19Code() {
        return rec19Code;
    }

    /** The mode for a Recommendation 19 code; empty for any code other than 1 to 5 (6 to 9 are not exchanged). */
    public static Optional<TransportMode> ofRec19Code(String code) {
        for (TransportMode mode : values()) {
            if (mode.rec19Code.equals(code)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
