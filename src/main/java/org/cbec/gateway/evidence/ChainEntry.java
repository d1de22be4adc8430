package org.cbec.gateway.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * One link of the evidence hash chain: what was archived about a message, as canonical JSON, and the
 * hash that binds it to the link before. {@code entryHash = SHA-256(previousHash + "\n" + RFC 8785 JSON of entry)}.
 * The same rule is used to build the chain and, offline, to verify an exported bundle.
 */
public record ChainEntry(long chainSeq, String messageId, String previousHash, String entryHash, ObjectNode entry) {
    public static final String GENESIS_HASH = "0".repeat(64);

    public static String hashOf(String previousHash, ObjectNode entry) {
        return sha256Hex((previousHash + "\n" + CanonicalJson.serialize(entry)).getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "SHA-256 is not available", e);
        }
    }

    public static String sha256Hex(String text) {
        return text == null ? null : sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #sha256Hex(String)}, read as a stream: a 10 MB list's records document is 40 MB of text. */
    public static String sha256Hex(Reader text) {
        if (text == null) {
            return null;
        }
        try (Reader reader = text) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            // The writer's encoder keeps a surrogate pair split between two reads whole, as getBytes would.
            try (Writer utf8 = new OutputStreamWriter(
                    new DigestOutputStream(OutputStream.nullOutputStream(), digest), StandardCharsets.UTF_8)) {
                reader.transferTo(utf8);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "SHA-256 is not available", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the text to hash", e);
        }
    }
}
