package org.cbec.gateway.signature.as4;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.cbec.gateway.error.GatewayError;

/**
 * The payloads of a verified AS4 request as the partner sent them: each PartInfo matched to exactly one attachment,
 * in clear after WSS4J's decryption, decompressed as its part properties say (gzip only, within the size limit).
 */
final class As4Payloads {
    private As4Payloads() {}

    /** Each PartInfo's attachment in clear: decrypted by WSS4J, then decompressed as its part properties say. */
    static List<As4SecurityVerifier.Payload> inClear(
            As4Request request, WssAttachments attachments, long maxPayloadBytes) {
        List<As4Request.PartInfo> parts = request.userMessage().parts();
        Set<String> named = new HashSet<>();
        List<As4SecurityVerifier.Payload> payloads = new ArrayList<>();
        for (As4Request.PartInfo part : parts) {
            String contentId = part.contentId();
            if (!named.add(contentId)) {
                throw As4Failure.malformed(As4Failure.EBMS_VALUE_INCONSISTENT, "two PartInfo name cid:" + contentId);
            }
            byte[] content = attachments.current(contentId);
            if (content == null) {
                throw As4Failure.malformed(
                        As4Failure.EBMS_MIME_INCONSISTENCY,
                        "PartInfo names cid:" + contentId + ", which the message does not carry");
            }
            String compression = part.properties().get("CompressionType");
            String mimeType = part.properties().get("MimeType");
            if (compression != null) {
                if (mimeType == null || mimeType.isBlank()) {
                    throw As4Failure.malformed(
                            As4Failure.EBMS_VALUE_INCONSISTENT,
                            "PartProperties of cid:" + contentId + " has a CompressionType but no MimeType");
                }
                if (!"application/gzip".equals(compression)) {
                    throw As4Failure.malformed(
                            As4Failure.EBMS_FEATURE_NOT_SUPPORTED,
                            "CompressionType " + compression + " is not taken; application/gzip is");
                }
                content = gunzip(content, contentId, maxPayloadBytes);
            }
            payloads.add(new As4SecurityVerifier.Payload(
                    contentId, mimeType == null ? attachments.mimeType(contentId) : mimeType, content, part));
        }
        for (String contentId : request.attachments().keySet()) {
            if (!named.contains(contentId)) {
                throw As4Failure.malformed(
                        As4Failure.EBMS_MIME_INCONSISTENCY,
                        "the attachment cid:" + contentId + " is named by no PartInfo");
            }
        }
        return payloads;
    }

    private static byte[] gunzip(byte[] compressed, String contentId, long maxPayloadBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                out.write(buffer, 0, read);
                if (out.size() > maxPayloadBytes) {
                    throw As4Failure.of(
                            GatewayError.PAYLOAD_TOO_LARGE,
                            As4Failure.EBMS_DECOMPRESSION_FAILURE,
                            "cid:" + contentId + " decompresses to more than " + maxPayloadBytes + " bytes");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw As4Failure.malformed(
                    As4Failure.EBMS_DECOMPRESSION_FAILURE,
                    "cid:" + contentId + " is not gzip as its CompressionType says",
                    e);
        }
    }
}
