package org.cbec.gateway.canonical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code recordVersion} of a canonical record: the first 16 lowercase hex digits of the SHA-256 of its
 * business fields in RFC 8785 canonical JSON. Same business content, same version, whatever message or
 * format carried it.
 */
public final class RecordVersion {

    /** Fields that say how a record travelled or what the gateway added, not what it states. */
    public static final List<String> NON_BUSINESS_FIELDS =
            List.of("recordVersion", "sourceMessageId", "sourceFormat", "mutualRecognition");

    private static final HexFormat HEX = HexFormat.of();

    private RecordVersion() {}

    /** The version of the record's business content; its own {@code recordVersion} is ignored. */
    public static String of(CanonicalRecord record) {
        ObjectNode tree = CanonicalJson.mapper().valueToTree(record);
        tree.remove(NON_BUSINESS_FIELDS);
        byte[] canonical = CanonicalJson.serialize(tree).getBytes(StandardCharsets.UTF_8);
        return HEX.formatHex(sha256(canonical), 0, 8);
    }

    /**
     * A record built with its version: {@code build} makes it from a version, and is called once without one (the
     * version ignores its own field) and once with the version of that, so each record type states its fields once.
     */
    static <R extends CanonicalRecord> R versioned(java.util.function.Function<String, R> build) {
        return build.apply(of(build.apply(null)));
    }

    private static byte[] sha256(byte[] data) {
        try {
            // a MessageDigest is not thread-safe; getInstance is cheap next to the serialisation
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256 (MessageDigest javadoc)
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
