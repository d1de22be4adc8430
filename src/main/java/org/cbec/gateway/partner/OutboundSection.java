package org.cbec.gateway.partner;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.DocumentWriter;

/** Reads a partner file's {@code outbound} section (CONTRACT.md §8); every problem names the file and the field. */
final class OutboundSection {
    private static final Set<String> FIELDS = Set.of("transport", "url", "format", "encryptCert", "receiptAnchors");

    private OutboundSection() {}

    /** The section, or null when the file has none (nothing is sent to the partner). */
    static PartnerOutbound parse(Path file, JsonNode node, List<X509Certificate> trustAnchors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw PartnerFileParser.problem(
                    file, "outbound", "must be a mapping of transport, url, format, encryptCert, receiptAnchors");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw PartnerFileParser.problem(
                        file,
                        "outbound." + name,
                        "is not an outbound field (known: " + String.join(", ", FIELDS) + ")");
            }
        }
        String transport = text(file, node, "transport");
        if (!PartnerOutbound.AS4.equals(transport) && !PartnerOutbound.CMS_HTTPS.equals(transport)) {
            throw PartnerFileParser.problem(
                    file, "outbound.transport", "must be as4 or cms-https, not '" + transport + "'");
        }
        String urlText = text(file, node, "url");
        URI url;
        try {
            url = new URI(urlText);
        } catch (URISyntaxException e) {
            throw PartnerFileParser.problem(file, "outbound.url", "is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())
                || url.getHost() == null) {
            throw PartnerFileParser.problem(
                    file, "outbound.url", "must be an https:// (or, for tests, http://) URL, not '" + urlText + "'");
        }
        String format = text(file, node, "format");
        if (DocumentFormat.byId(format)
                .filter(DocumentWriter.standard()::containsKey)
                .isEmpty()) {
            throw PartnerFileParser.problem(
                    file,
                    "outbound.format",
                    "must be a format the gateway writes ("
                            + String.join(
                                    ", ",
                                    DocumentWriter.standard().keySet().stream()
                                            .map(DocumentFormat::id)
                                            .sorted()
                                            .toList())
                            + "), not '" + format + "'");
        }
        X509Certificate encryptCert = null;
        if (node.hasNonNull("encryptCert")) {
            encryptCert = PartnerFileParser.certificatesAt(
                            file, "outbound.encryptCert", file.resolveSibling(text(file, node, "encryptCert")))
                    .get(0);
        }
        List<X509Certificate> receiptAnchors = new ArrayList<>();
        JsonNode anchors = node.get("receiptAnchors");
        if (anchors != null && !anchors.isNull()) {
            if (!anchors.isArray()) {
                throw PartnerFileParser.problem(file, "outbound.receiptAnchors", "must be a list of PEM files");
            }
            for (JsonNode anchor : anchors) {
                if (!anchor.isTextual() || anchor.asText().isBlank()) {
                    throw PartnerFileParser.problem(file, "outbound.receiptAnchors", "must list non-empty paths");
                }
                receiptAnchors.addAll(PartnerFileParser.certificatesAt(
                        file,
                        "outbound.receiptAnchors",
                        file.resolveSibling(anchor.asText().trim())));
            }
        }
        return new PartnerOutbound(
                transport, url, format, encryptCert, receiptAnchors.isEmpty() ? trustAnchors : receiptAnchors);
    }

    private static String text(Path file, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw PartnerFileParser.problem(file, "outbound." + field, "is required and must be a non-empty text");
        }
        return value.asText().trim();
    }
}
