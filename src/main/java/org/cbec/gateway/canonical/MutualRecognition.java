package org.cbec.gateway.canonical;

import java.util.Objects;

/**
 * The gateway's own addition to a shipment: the seller's AEO status as the source partner last reported
 * it ({@code UNKNOWN} when never reported), and whether mutual-recognition benefits apply (only when ACTIVE).
 */
public record MutualRecognition(String sellerAeoStatus, boolean benefit) {

    /** The value of {@code sellerAeoStatus} when the partner never reported the seller. */
    public static final String UNKNOWN = "UNKNOWN";

    public MutualRecognition {
        Objects.requireNonNull(sellerAeoStatus, "sellerAeoStatus");
    }

    /** Benefits follow from the reported status: only an ACTIVE operator has them. */
    public static MutualRecognition of(AeoStatus status) {
        return new MutualRecognition(status.name(), status == AeoStatus.ACTIVE);
    }

    /** The seller was never reported by the source partner. */
    public static MutualRecognition unknown() {
        return new MutualRecognition(UNKNOWN, false);
    }
}
