package org.cbec.gateway.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Writes a self-contained evidence bundle for a time range: the chain entries (extended to the first seal
 * that covers the range, so every entry is anchored by a signature), the exact bytes, records, receipts,
 * signed receipts, seals and the gateway's certificates. {@link EvidenceBundleVerifier} checks it offline.
 *
 * <pre>
 * DIR/manifest.json            what the bundle holds
 * DIR/chain.jsonl              one chain entry per line, in chain order
 * DIR/content/ID.bin           the exact bytes received (when kept)
 * DIR/records/ID.json          the canonical records of an accepted message
 * DIR/receipts/ID.json         the receipt JSON; receipts/ID-N.p7m each signed receipt sent
 * DIR/errors/ID.json           the located errors of a SCHEMA_INVALID refusal
 * DIR/seals.jsonl, seals/SEQ.p7m  the seals (CMS signatures over the chain head)
 * DIR/certificates/gateway.pem the gateway's certificate chain
 * </pre>
 */
public final class EvidenceExport {
    public static final String FORMAT = "cbec-evidence-bundle/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EvidenceChain chain;
    private final EvidenceArchive archive;
    private final List<X509Certificate> gatewayCertificates;
    private final Clock clock;

    public EvidenceExport(
            EvidenceChain chain, EvidenceArchive archive, List<X509Certificate> gatewayCertificates, Clock clock) {
        this.chain = chain;
        this.archive = archive;
        this.gatewayCertificates = List.copyOf(gatewayCertificates);
        this.clock = clock;
    }

    /** Exports messages received in [from, to]; returns the number of chain entries written. */
    public int export(Instant from, Instant to, Path directory) {
        chain.seal();
        long last = chain.reads().lastSeqReceivedBy(to);
        EvidenceChain.Seal covering = chain.reads()
                .sealCovering(last)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.INTERNAL_ERROR,
                        "no seal covers chain entry " + last
                                + " yet; the gateway seals at gateway.evidence.seal-interval"));
        List<ChainEntry> entries = chain.reads().entriesForExport(from, to, covering.chainSeq());
        try {
            Files.createDirectories(directory);
            for (String folder : List.of("content", "records", "receipts", "errors", "seals", "certificates")) {
                Files.createDirectories(directory.resolve(folder));
            }
            try (BufferedWriter lines =
                    Files.newBufferedWriter(directory.resolve("chain.jsonl"), StandardCharsets.UTF_8)) {
                for (ChainEntry entry : entries) {
                    // one line per entry: chainSeq, messageId, previousHash, entryHash, entry (its components)
                    lines.write(JSON.writeValueAsString(entry));
                    lines.write('\n');
                    writeFiles(entry.messageId(), directory);
                }
            }
            long firstSeq =
                    entries.isEmpty() ? covering.chainSeq() : entries.get(0).chainSeq();
            List<EvidenceChain.Seal> seals = chain.reads().seals(firstSeq, covering.chainSeq());
            java.util.Set<X509Certificate> tsaCertificates = new java.util.LinkedHashSet<>();
            try (BufferedWriter lines =
                    Files.newBufferedWriter(directory.resolve("seals.jsonl"), StandardCharsets.UTF_8)) {
                for (EvidenceChain.Seal seal : seals) {
                    String file = "seals/" + seal.chainSeq() + ".p7m";
                    Files.write(directory.resolve(file), seal.cms());
                    ObjectNode line = JSON.createObjectNode();
                    line.put("chainSeq", seal.chainSeq());
                    line.put("headHash", seal.headHash());
                    line.put("sealedAt", seal.sealedAt().toString());
                    line.put("file", file);
                    if (seal.timeStampToken() != null) {
                        // The RFC 3161 token over the seal file's bytes: openssl ts -verify -data FILE -in TOKEN
                        // -token_in -CAfile TSA-CA
                        String token = "seals/" + seal.chainSeq() + ".tst";
                        Files.write(directory.resolve(token), seal.timeStampToken());
                        line.put("timeStampToken", token);
                        tsaCertificates.addAll(SealTimeStamps.signerCertificates(seal.timeStampToken()));
                    }
                    lines.write(JSON.writeValueAsString(line));
                    lines.write('\n');
                }
            }
            StringBuilder pem = new StringBuilder();
            for (X509Certificate certificate : gatewayCertificates) {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
            Files.writeString(directory.resolve("certificates/gateway.pem"), pem);
            // The TSA certificates the tokens name, for the offline check; whoever relies on the bundle compares them
            // with
            // the TSA's published certificate (openssl ts -verify -CAfile).
            Files.writeString(directory.resolve("certificates/tsa.pem"), SealTimeStamps.pem(tsaCertificates));
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("format", FORMAT);
            manifest.put("from", from.toString());
            manifest.put("to", to.toString());
            manifest.put("exportedAt", clock.instant().toString());
            manifest.put("firstChainSeq", firstSeq);
            manifest.put("lastChainSeq", covering.chainSeq());
            manifest.put("entries", entries.size());
            manifest.put("seals", seals.size());
            manifest.put(
                    "rule",
                    "entryHash = SHA-256(previousHash + \"\\n\" + RFC 8785 JSON of entry); seals are CMS SignedData over"
                            + " {\"chainSeq\",\"headHash\",\"sealedAt\"} by the gateway key; each seal's RFC 3161 token (seals/N.tst) stamps the"
                            + " SHA-256 of its seal file, by a TSA certificate of certificates/tsa.pem");
            Files.writeString(
                    directory.resolve("manifest.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
            return entries.size();
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR,
                    "cannot write the evidence bundle to " + directory + ": " + e.getMessage(),
                    e);
        }
    }

    private void writeFiles(String messageId, Path directory) throws IOException {
        var content = archive.content(messageId);
        if (content.isPresent()) {
            Files.write(directory.resolve("content/" + messageId + ".bin"), content.get());
        }
        ArchivedMessage message = archive.find(messageId)
                .orElseThrow(() -> new GatewayException(
                        GatewayError.INTERNAL_ERROR, "chained message " + messageId + " is missing from the archive"));
        if (message.recordsJson() != null) {
            Files.writeString(directory.resolve("records/" + messageId + ".json"), message.recordsJson());
        }
        if (message.receiptJson() != null) {
            Files.writeString(directory.resolve("receipts/" + messageId + ".json"), message.receiptJson());
        }
        if (message.errorsJson() != null) {
            Files.writeString(directory.resolve("errors/" + messageId + ".json"), message.errorsJson());
        }
        int n = 0;
        for (byte[] signed : archive.signedReceipts(messageId)) {
            Files.write(directory.resolve("receipts/" + messageId + "-" + (++n) + ".p7m"), signed);
        }
    }
}
