package org.cbec.gateway.evidence;

/**
 * Gets an RFC 3161 time-stamp token over some bytes (an evidence seal): from the TSA of
 * {@code gateway.evidence.tsa.url}, or the built-in demo TSA. Throws {@link org.cbec.gateway.error.GatewayException}
 * when no token can be had; never returns null.
 */
public interface TimeStamper {
    /** The DER TimeStampToken whose message imprint is the SHA-256 of {@code data}. */
    byte[] stamp(byte[] data);

    /** Who stamps, for the log and the health answer. */
    String describe();
}
