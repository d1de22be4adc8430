package org.cbec.gateway.evidence;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * One accepted message as the accept log holds it: what the 202 promises, in one append. The exact received
 * bytes, the verdict's facts and the canonical records; the message index, the delivery ledger and the evidence
 * chain are built from it afterwards (the projection), and rebuilt from it after a crash.
 *
 * <p>Encoding: the magic {@code CBECLOG2}, then each text field as a length (-1 for null) and UTF-8 bytes, the
 * times as epoch milliseconds (-1 for none), the body's length and bytes, and the records document's length and
 * UTF-8 bytes.
 */
public record LogEntry(
        String messageId,
        Instant receivedAt,
        String sha256,
        String contentSha256,
        String contentType,
        String partnerId,
        String signerSubject,
        Instant signingTime,
        String documentFormat,
        int recordCount,
        String receiptJson,
        byte[] body,
        String recordsJson) {

    private static final long MAGIC = 0x4342_4543_4c4f_4732L; // "CBECLOG2"

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + recordsJson.length() + 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            writeText(out, messageId);
            out.writeLong(receivedAt.toEpochMilli());
            writeText(out, sha256);
            writeText(out, contentSha256);
            writeText(out, contentType);
            writeText(out, partnerId);
            writeText(out, signerSubject);
            out.writeLong(signingTime == null ? -1 : signingTime.toEpochMilli());
            writeText(out, documentFormat);
            out.writeInt(recordCount);
            writeText(out, receiptJson);
            out.writeInt(body.length);
            out.write(body);
            writeText(out, recordsJson);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot encode the log entry of " + messageId, e);
        }
        return bytes.toByteArray();
    }

    public static LogEntry decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded))) {
            if (in.readLong() != MAGIC) {
                throw new IOException("not an accept-log entry");
            }
            String messageId = readText(in);
            Instant receivedAt = Instant.ofEpochMilli(in.readLong());
            String sha256 = readText(in);
            String contentSha256 = readText(in);
            String contentType = readText(in);
            String partnerId = readText(in);
            String signerSubject = readText(in);
            long signing = in.readLong();
            String documentFormat = readText(in);
            int recordCount = in.readInt();
            String receiptJson = readText(in);
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            String recordsJson = readText(in);
            return new LogEntry(
                    messageId,
                    receivedAt,
                    sha256,
                    contentSha256,
                    contentType,
                    partnerId,
                    signerSubject,
                    signing < 0 ? null : Instant.ofEpochMilli(signing),
                    documentFormat,
                    recordCount,
                    receiptJson,
                    body,
                    recordsJson);
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "an accept-log entry cannot be read: " + e.getMessage(), e);
        }
    }

    /** The evidence of the accepted message, as the archive keeps it. */
    public InboundEvidence evidence() {
        return new InboundEvidence(
                messageId,
                receivedAt,
                sha256,
                body.length,
                contentType,
                ReceivedBody.of(body),
                partnerId,
                signerSubject,
                signingTime,
                documentFormat,
                List.of(),
                InboundEvidence.Decision.accepted(
                        recordCount,
                        org.cbec.gateway.canonical.RecordsDocument.ofText(recordsJson, recordCount),
                        receiptJson));
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readText(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
