package org.cbec.gateway.evidence;

import java.security.SecureRandom;
import java.time.Clock;

/** Message ids as ULIDs: 26 Crockford base-32 characters, sortable by time of receipt. */
public final class MessageIds {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public MessageIds(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        long millis = clock.millis();
        byte[] entropy = new byte[10];
        random.nextBytes(entropy);
        char[] id = new char[26];
        for (int i = 9; i >= 0; i--) {
            id[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 bits of randomness as 16 base-32 characters.
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (entropy[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (entropy[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            id[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            id[i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return new String(id);
    }

    /** The time of receipt a message id carries (to the millisecond), or null when the id is no ULID. */
    public static java.time.Instant timeOf(String id) {
        if (!looksValid(id)) {
            return null;
        }
        long millis = 0;
        for (int i = 0; i < 10; i++) {
            millis = (millis << 5) | java.util.Arrays.binarySearch(ALPHABET, id.charAt(i));
        }
        return java.time.Instant.ofEpochMilli(millis);
    }

    public static boolean looksValid(String id) {
        if (id == null || id.length() != 26) {
            return false;
        }
        for (char c : id.toCharArray()) {
            if (java.util.Arrays.binarySearch(ALPHABET, c) < 0) {
                return false;
            }
        }
        return true;
    }
}
