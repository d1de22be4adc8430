package org.cbec.gateway.partner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/** Reads one partner file; every problem names the file and the field. */
final class PartnerFileParser {
    private static final Set<String> KNOWN_FIELDS = Set.of(
            "id",
            "name",
            "country",
            "trustAnchors",
            "signerSubjects",
            "revocation",
            "crls",
            "messageTypes",
            "enabled",
            "algorithms",
            "expectedInterval",
            "signerExtendedKeyUsages",
            "agreement",
            "outbound",
            "as4");
    private static final java.util.regex.Pattern OID = java.util.regex.Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    private static final Set<String> ALGORITHM_FIELDS = Set.of("digests", "schemes", "minRsaBits", "ecCurves");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PartnerFileParser() {}

    static Partner parse(Path file) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = YAML.readTree(in);
        } catch (IOException e) {
            throw problem(file, "(file)", "is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw problem(file, "(file)", "must be a YAML mapping with the partner's fields");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN_FIELDS.contains(name)) {
                throw problem(file, name, "is not a partner field (known: " + String.join(", ", KNOWN_FIELDS) + ")");
            }
        }
        String id = text(file, root, "id", true);
        if (!Partner.ID.matcher(id).matches()) {
            throw problem(file, "id", "must match [A-Z0-9-]{2,32}, not '" + id + "'");
        }
        String name = text(file, root, "name", true);
        String country = text(file, root, "country", true);
        if (!COUNTRIES.contains(country)) {
            throw problem(file, "country", "must be an ISO 3166-1 alpha-2 code, not '" + country + "'");
        }
        List<X509Certificate> anchors = new ArrayList<>();
        for (String path : textList(file, root, "trustAnchors")) {
            anchors.addAll(readCertificates(file, "trustAnchors", file.resolveSibling(path)));
        }
        if (anchors.isEmpty()) {
            throw problem(file, "trustAnchors", "must name at least one PEM CA certificate");
        }
        Set<X500Principal> subjects = new LinkedHashSet<>();
        for (String subject : textList(file, root, "signerSubjects")) {
            try {
                subjects.add(new X500Principal(subject));
            } catch (IllegalArgumentException e) {
                throw problem(file, "signerSubjects", "'" + subject + "' is not an RFC 4514 distinguished name");
            }
        }
        String revocationText = root.has("revocation") ? text(file, root, "revocation", true) : "none";
        RevocationPolicy revocation = RevocationPolicy.of(revocationText)
                .orElseThrow(() -> problem(
                        file, "revocation", "must be none, crl, ocsp or ocsp-then-crl, not '" + revocationText + "'"));
        List<Path> crls = new ArrayList<>();
        for (String path : textList(file, root, "crls")) {
            Path crl = file.resolveSibling(path);
            if (!Files.isReadable(crl)) {
                throw problem(file, "crls", "cannot read " + crl);
            }
            crls.add(crl);
        }
        Set<RecordType> types = new LinkedHashSet<>();
        for (String type : textList(file, root, "messageTypes")) {
            try {
                types.add(RecordType.valueOf(type));
            } catch (IllegalArgumentException e) {
                throw problem(file, "messageTypes", "'" + type + "' is not a message type (AEO_STATUS, ECOM_SHIPMENT)");
            }
        }
        if (types.isEmpty()) {
            throw problem(file, "messageTypes", "must list at least one of AEO_STATUS, ECOM_SHIPMENT");
        }
        boolean enabled = true;
        if (root.has("enabled")) {
            JsonNode node = root.get("enabled");
            if (!node.isBoolean()) {
                throw problem(file, "enabled", "must be true or false");
            }
            enabled = node.booleanValue();
        }
        return new Partner(
                id,
                name,
                country,
                anchors,
                subjects,
                revocation,
                crls,
                types,
                enabled,
                algorithms(file, root),
                file,
                expectedInterval(file, root),
                signerExtendedKeyUsages(file, root),
                AgreementSection.parse(file, root.get("agreement"), types),
                OutboundSection.parse(file, root.get("outbound"), anchors),
                as4(file, root, id));
    }

    /** The partner's AS4 party: {@code as4: {partyId, partyIdType}}; absent, its id of the unregistered type. */
    private static Partner.As4Party as4(Path file, JsonNode root, String id) {
        JsonNode as4 = root.get("as4");
        if (as4 == null || as4.isNull()) {
            return new Partner.As4Party(id, Partner.As4Party.UNREGISTERED);
        }
        if (!as4.isObject()) {
            throw problem(file, "as4", "must be a mapping with partyId and optionally partyIdType");
        }
        for (Iterator<String> names = as4.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("partyId") && !name.equals("partyIdType")) {
                throw problem(file, "as4." + name, "is not an as4 field (known: partyId, partyIdType)");
            }
        }
        JsonNode partyId = as4.get("partyId");
        if (partyId == null || !partyId.isTextual() || partyId.asText().isBlank()) {
            throw problem(file, "as4.partyId", "must be the partner's AS4 PartyId (text)");
        }
        JsonNode type = as4.get("partyIdType");
        if (type != null && !type.isTextual()) {
            throw problem(
                    file, "as4.partyIdType", "must be text (a URN such as " + Partner.As4Party.UNREGISTERED + ")");
        }
        return new Partner.As4Party(
                partyId.asText().strip(),
                type == null || type.asText().isBlank()
                        ? Partner.As4Party.UNREGISTERED
                        : type.asText().strip());
    }

    /** How long the partner may stay silent before an alert: an ISO-8601 duration (PT1H, P1D), or absent for never. */
    private static Duration expectedInterval(Path file, JsonNode root) {
        String value = text(file, root, "expectedInterval", false);
        if (value == null) {
            return null;
        }
        Duration interval;
        try {
            interval = Duration.parse(value);
        } catch (DateTimeParseException notADuration) {
            try {
                Period period = Period.parse(value);
                if (period.getYears() != 0 || period.getMonths() != 0) {
                    throw problem(file, "expectedInterval", "must be in days or smaller units, not '" + value + "'");
                }
                interval = Duration.ofDays(period.getDays());
            } catch (DateTimeParseException e) {
                throw problem(
                        file,
                        "expectedInterval",
                        "must be an ISO-8601 duration such as PT1H or P1D, not '" + value + "'");
            }
        }
        if (interval.isNegative() || interval.isZero()) {
            throw problem(file, "expectedInterval", "must be longer than zero, not '" + value + "'");
        }
        return interval;
    }

    /** The extendedKeyUsage OIDs a signer may have; absent means {@link Partner#DEFAULT_SIGNER_EXTENDED_KEY_USAGES}. */
    private static Set<String> signerExtendedKeyUsages(Path file, JsonNode root) {
        if (!root.has("signerExtendedKeyUsages")
                || root.get("signerExtendedKeyUsages").isNull()) {
            return Partner.DEFAULT_SIGNER_EXTENDED_KEY_USAGES;
        }
        Set<String> oids = new LinkedHashSet<>();
        for (String oid : textList(file, root, "signerExtendedKeyUsages")) {
            if (!OID.matcher(oid).matches()) {
                throw problem(
                        file,
                        "signerExtendedKeyUsages",
                        "'" + oid + "' is not an object identifier such as 1.3.6.1.5.5.7.3.4");
            }
            oids.add(oid);
        }
        if (oids.isEmpty()) {
            throw problem(
                    file,
                    "signerExtendedKeyUsages",
                    "must list at least one object identifier, or be left out for the defaults");
        }
        return oids;
    }

    private static AlgorithmPolicy.Overrides algorithms(Path file, JsonNode root) {
        JsonNode node = root.get("algorithms");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw problem(file, "algorithms", "must be a mapping of digests, schemes, minRsaBits, ecCurves");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ALGORITHM_FIELDS.contains(name)) {
                throw problem(
                        file,
                        "algorithms." + name,
                        "is not an algorithm setting (known: " + String.join(", ", ALGORITHM_FIELDS) + ")");
            }
        }
        Integer minRsaBits = null;
        if (node.has("minRsaBits")) {
            if (!node.get("minRsaBits").canConvertToInt()
                    || node.get("minRsaBits").asInt() < 1024) {
                throw problem(file, "algorithms.minRsaBits", "must be a whole number of at least 1024");
            }
            minRsaBits = node.get("minRsaBits").asInt();
        }
        return new AlgorithmPolicy.Overrides(
                optionalSet(file, node, "digests"),
                optionalSet(file, node, "schemes"),
                minRsaBits,
                optionalSet(file, node, "ecCurves"));
    }

    private static Set<String> optionalSet(Path file, JsonNode algorithms, String field) {
        if (!algorithms.has(field)) {
            return null;
        }
        return Set.copyOf(textList(file, algorithms, field));
    }

    /** The PEM certificates of a file a partner file names, or a problem naming the field. */
    static List<X509Certificate> certificatesAt(Path partnerFile, String field, Path pem) {
        return readCertificates(partnerFile, field, pem);
    }

    private static List<X509Certificate> readCertificates(Path partnerFile, String field, Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw problem(partnerFile, field, pem + " holds no certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw problem(partnerFile, field, "cannot read " + pem + ": " + e.getMessage());
        } catch (CertificateException e) {
            throw problem(partnerFile, field, pem + " is not a PEM certificate: " + firstLine(e.getMessage()));
        }
    }

    private static String text(Path file, JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw problem(file, field, "is required");
            }
            return null;
        }
        if (!node.isValueNode() || node.asText().isBlank()) {
            throw problem(file, field, "must be a non-empty text");
        }
        return node.asText().trim();
    }

    private static List<String> textList(Path file, JsonNode root, String field) {
        JsonNode node = root.get(field);
        // Nested settings (algorithms.digests) are reported with their full name.
        String name = root.has("id") ? field : "algorithms." + field;
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw problem(file, name, "must be a list");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isValueNode() || element.asText().isBlank()) {
                throw problem(file, name, "must list non-empty texts");
            }
            values.add(element.asText().trim());
        }
        return values;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    static GatewayException problem(Path file, String field, String problem) {
        return new GatewayException(
                GatewayError.CONFIGURATION_INVALID, "partner file " + file + ": field '" + field + "' " + problem);
    }
}
