package org.cbec.gateway.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Checks an evidence bundle offline, with no database: every entry's hash, the links between entries,
 * the archived files against the digests the chain holds, and the gateway's seals. Each problem names
 * the chain position and message it concerns.
 */
public final class EvidenceBundleVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the verification found; {@code problems} empty means the bundle is intact. */
    public record Report(int entries, int seals, List<String> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private final List<X509Certificate> tsaAnchors;

    /** A verifier that takes the TSA certificates of the bundle's certificates/tsa.pem as they are. */
    public EvidenceBundleVerifier() {
        this(List.of());
    }

    /**
     * @param tsaAnchors the CA certificates of the TSA the verifier relies on (its published root): every certificate of
     *                   the bundle's certificates/tsa.pem must chain to one, so a bundle cannot bring a TSA of its own; empty:
     *                   tsa.pem is taken as it is
     */
    public EvidenceBundleVerifier(List<X509Certificate> tsaAnchors) {
        this.tsaAnchors = List.copyOf(tsaAnchors);
    }

    public Report verify(Path bundle) {
        List<String> problems = new ArrayList<>();
        Path manifestFile = bundle.resolve("manifest.json");
        JsonNode manifest = readJson(manifestFile, problems);
        if (manifest == null) {
            return new Report(0, 0, problems);
        }
        if (!EvidenceExport.FORMAT.equals(manifest.path("format").asText())) {
            problems.add("manifest.json: not a " + EvidenceExport.FORMAT + " bundle");
            return new Report(0, 0, problems);
        }
        Map<Long, String> hashBySeq = new HashMap<>();
        int entries = verifyChain(bundle, manifest, hashBySeq, problems);
        int seals = verifySeals(bundle, manifest, hashBySeq, problems);
        if (entries != manifest.path("entries").asInt()) {
            problems.add(
                    "manifest.json says " + manifest.path("entries").asInt() + " entries; chain.jsonl has " + entries);
        }
        return new Report(entries, seals, problems);
    }

    private static int verifyChain(Path bundle, JsonNode manifest, Map<Long, String> hashBySeq, List<String> problems) {
        List<String> lines = lines(bundle, "chain.jsonl", problems);
        if (lines == null) {
            return 0;
        }
        long expectedSeq = manifest.path("firstChainSeq").asLong();
        String previousHash = null;
        String previousMessage = null;
        int count = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode line;
            try {
                line = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                problems.add("chain.jsonl line " + (i + 1) + " is not JSON");
                continue;
            }
            count++;
            long seq = line.path("chainSeq").asLong();
            String messageId = line.path("messageId").asText();
            String where = "entry " + seq + " (message " + messageId + ")";
            if (seq < expectedSeq) {
                problems.add(where + " is out of order: it stands after entry " + (expectedSeq - 1)
                        + (previousMessage == null ? "" : " (message " + previousMessage + ")"));
            } else if (seq > expectedSeq) {
                problems.add("entries " + expectedSeq + (seq - 1 > expectedSeq ? " to " + (seq - 1) : "")
                        + " are missing before " + where);
            }
            JsonNode entry = line.path("entry");
            if (!entry.isObject()
                    || entry.path("chainSeq").asLong() != seq
                    || !messageId.equals(entry.path("messageId").asText())) {
                problems.add(where + " was altered: its entry does not name the same position and message");
            }
            String claimedPrevious = line.path("previousHash").asText();
            if (previousHash != null && seq == expectedSeq && !claimedPrevious.equals(previousHash)) {
                problems.add(where + " does not link to the entry before it (previousHash differs)");
            }
            if (entry.isObject()
                    && !ChainEntry.hashOf(claimedPrevious, (ObjectNode) entry)
                            .equals(line.path("entryHash").asText())) {
                problems.add(where + " was altered: its hash does not match its content");
            }
            verifyFiles(bundle, entry, where, messageId, problems);
            hashBySeq.put(seq, line.path("entryHash").asText());
            previousHash = line.path("entryHash").asText();
            previousMessage = messageId;
            expectedSeq = Math.max(expectedSeq, seq) + 1;
        }
        long lastSeq = manifest.path("lastChainSeq").asLong();
        if (count > 0 && expectedSeq - 1 < lastSeq) {
            problems.add("entries " + expectedSeq + " to " + lastSeq + " are missing at the end of the chain");
        }
        return count;
    }

    private static void verifyFiles(
            Path bundle, JsonNode entry, String where, String messageId, List<String> problems) {
        checkFile(
                bundle.resolve("content/" + messageId + ".bin"),
                entry.path("contentSha256"),
                "exact bytes",
                where,
                problems);
        checkFile(
                bundle.resolve("records/" + messageId + ".json"),
                entry.path("recordsSha256"),
                "records",
                where,
                problems);
        checkFile(
                bundle.resolve("receipts/" + messageId + ".json"),
                entry.path("receiptSha256"),
                "receipt",
                where,
                problems);
        checkFile(
                bundle.resolve("errors/" + messageId + ".json"), entry.path("errorsSha256"), "errors", where, problems);
    }

    private static void checkFile(Path file, JsonNode expected, String what, String where, List<String> problems) {
        if (expected.isMissingNode() || expected.isNull()) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            problems.add(where + ": its " + what + " (" + file.getFileName() + ") were removed");
            return;
        }
        try {
            if (!ChainEntry.sha256Hex(Files.readAllBytes(file)).equals(expected.asText())) {
                problems.add(where + ": its " + what + " (" + file.getFileName() + ") were altered");
            }
        } catch (IOException e) {
            problems.add(where + ": its " + what + " cannot be read: " + e.getMessage());
        }
    }

    private int verifySeals(Path bundle, JsonNode manifest, Map<Long, String> hashBySeq, List<String> problems) {
        List<X509Certificate> gatewayCertificates = certificates(bundle.resolve("certificates/gateway.pem"), problems);
        // A bundle from before trusted time has no tsa.pem; then every seal's missing token is reported below.
        List<X509Certificate> tsaCertificates = Files.exists(bundle.resolve("certificates/tsa.pem"))
                ? certificates(bundle.resolve("certificates/tsa.pem"), problems)
                : List.of();
        if (!tsaAnchors.isEmpty()) {
            List<X509Certificate> anchored = new ArrayList<>();
            for (X509Certificate certificate : tsaCertificates) {
                String problem = chainProblem(certificate, tsaAnchors);
                if (problem == null) {
                    anchored.add(certificate);
                } else {
                    problems.add("certificates/tsa.pem: "
                            + certificate.getSubjectX500Principal().getName() + " does not chain to the given TSA CA: "
                            + problem);
                }
            }
            tsaCertificates = anchored;
        }
        List<String> lines = lines(bundle, "seals.jsonl", problems);
        if (lines == null) {
            return 0;
        }
        int count = 0;
        boolean lastSealed = false;
        for (String text : lines) {
            if (text.isBlank()) {
                continue;
            }
            count++;
            JsonNode line;
            try {
                line = JSON.readTree(text);
            } catch (IOException e) {
                problems.add("seals.jsonl has a line that is not JSON");
                continue;
            }
            long seq = line.path("chainSeq").asLong();
            String where = "seal at entry " + seq;
            JsonNode signedContent = verifiedSealContent(
                    bundle.resolve(line.path("file").asText()), gatewayCertificates, where, problems);
            if (signedContent == null) {
                continue;
            }
            if (signedContent.path("chainSeq").asLong() != seq
                    || !signedContent
                            .path("headHash")
                            .asText()
                            .equals(line.path("headHash").asText())) {
                problems.add(where + ": seals.jsonl does not say what the signed seal says");
            }
            timeStampProblem(bundle, line, tsaCertificates).ifPresent(problem -> problems.add(where + ": " + problem));
            String entryHash = hashBySeq.get(seq);
            if (entryHash != null
                    && !entryHash.equals(signedContent.path("headHash").asText())) {
                problems.add(where + ": the sealed head hash does not match entry " + seq + " of the chain");
            }
            if (seq == manifest.path("lastChainSeq").asLong() && entryHash != null) {
                lastSealed = true;
            }
        }
        if (!lastSealed) {
            problems.add("no valid seal covers the last entry "
                    + manifest.path("lastChainSeq").asLong() + " of the bundle");
        }
        return count;
    }

    /** What is wrong with a seal's RFC 3161 token (CONTRACT.md §10: every seal carries one), if anything. */
    private static java.util.Optional<String> timeStampProblem(
            Path bundle, JsonNode line, List<X509Certificate> tsaCertificates) {
        if (!line.hasNonNull("timeStampToken")) {
            return java.util.Optional.of(
                    "the seal carries no time-stamp token (the TSA was not reachable when it was exported)");
        }
        try {
            byte[] token = Files.readAllBytes(
                    bundle.resolve(line.path("timeStampToken").asText()));
            byte[] seal = Files.readAllBytes(bundle.resolve(line.path("file").asText()));
            java.time.Instant sealedAt = line.hasNonNull("sealedAt")
                    ? java.time.Instant.parse(line.path("sealedAt").asText())
                    : null;
            return java.util.Optional.ofNullable(SealTimeStamps.problem(token, seal, sealedAt, tsaCertificates));
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return java.util.Optional.of("its time-stamp token cannot be read: " + e.getMessage());
        }
    }

    private static JsonNode verifiedSealContent(
            Path file, List<X509Certificate> gatewayCertificates, String where, List<String> problems) {
        try {
            CMSSignedData signed = new CMSSignedData(Files.readAllBytes(file));
            Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                problems.add(where + ": the seal has " + signers.size() + " signers");
                return null;
            }
            SignerInformation signer = signers.iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
            if (matches.isEmpty()) {
                problems.add(where + ": the seal does not carry its signer's certificate");
                return null;
            }
            X509CertificateHolder certificate = matches.iterator().next();
            boolean fromGateway = gatewayCertificates.stream().anyMatch(c -> {
                try {
                    return java.util.Arrays.equals(c.getEncoded(), certificate.getEncoded());
                } catch (IOException | java.security.cert.CertificateEncodingException e) {
                    return false;
                }
            });
            if (!fromGateway) {
                problems.add(where + ": the seal is not signed by the gateway certificate in certificates/gateway.pem");
                return null;
            }
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
                problems.add(where + ": the seal's signature does not verify");
                return null;
            }
            return JSON.readTree((byte[]) signed.getSignedContent().getContent());
        } catch (IOException | CMSException | OperatorCreationException | CertificateException | RuntimeException e) {
            problems.add(where + ": the seal cannot be verified: " + e.getMessage());
            return null;
        }
    }

    /** Null when {@code certificate} chains to one of {@code anchors} (PKIX, no revocation: the bundle is checked offline). */
    private static String chainProblem(X509Certificate certificate, List<X509Certificate> anchors) {
        try {
            java.util.Set<java.security.cert.TrustAnchor> trust = new java.util.HashSet<>();
            anchors.forEach(anchor -> trust.add(new java.security.cert.TrustAnchor(anchor, null)));
            java.security.cert.PKIXParameters parameters = new java.security.cert.PKIXParameters(trust);
            parameters.setRevocationEnabled(false);
            java.security.cert.CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
            return null;
        } catch (java.security.GeneralSecurityException e) {
            return e.getMessage();
        }
    }

    /** The PEM certificates of a file, for {@code evidence verify --tsa-ca}. */
    public static List<X509Certificate> readCertificates(Path pem) {
        List<String> problems = new ArrayList<>();
        List<X509Certificate> read = certificates(pem, problems);
        if (!problems.isEmpty() || read.isEmpty()) {
            throw new org.cbec.gateway.error.GatewayException(
                    org.cbec.gateway.error.GatewayError.CONFIGURATION_INVALID,
                    pem + " holds no readable PEM certificate" + (problems.isEmpty() ? "" : ": " + problems.get(0)));
        }
        return read;
    }

    private static List<X509Certificate> certificates(Path pem, List<String> problems) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            return certificates;
        } catch (IOException | CertificateException e) {
            problems.add("certificates/gateway.pem cannot be read: " + e.getMessage());
            return List.of();
        }
    }

    private static JsonNode readJson(Path file, List<String> problems) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            problems.add(file.getFileName() + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    /** The lines of a file of the bundle; null, with the problem, when it cannot be read. */
    private static List<String> lines(Path bundle, String file, List<String> problems) {
        try {
            return Files.readAllLines(bundle.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(file + " cannot be read: " + e.getMessage());
            return null;
        }
    }
}
