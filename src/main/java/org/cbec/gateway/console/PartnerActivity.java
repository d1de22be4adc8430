package org.cbec.gateway.console;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.cbec.gateway.evidence.PartnerTraffic;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;

/**
 * {@code GET /api/v1/partners}: each partner administration as an operator needs to see it: its certificates
 * with days to expiry, its last message, and what it sent in the last 24 hours (accepted, refused, by code).
 */
public final class PartnerActivity {
    private static final Duration DAY = Duration.ofHours(24);

    private final Supplier<PartnerRegistry> partners;
    private final PartnerTraffic traffic;
    private final Clock clock;

    public PartnerActivity(Supplier<PartnerRegistry> partners, PartnerTraffic traffic, Clock clock) {
        this.partners = partners;
        this.traffic = traffic;
        this.clock = clock;
    }

    public HttpAnswer list() {
        Instant now = clock.instant();
        Map<String, List<PartnerTraffic.PartnerCount>> lastDay = new TreeMap<>();
        for (PartnerTraffic.PartnerCount count : traffic.countsByVerdictSince(now.minus(DAY))) {
            if (count.partnerId() != null) {
                lastDay.computeIfAbsent(count.partnerId(), id -> new ArrayList<>())
                        .add(count);
            }
        }
        List<Map<String, Object>> answer = new ArrayList<>();
        for (Partner partner : partners.get().all()) {
            answer.add(describe(partner, lastDay.getOrDefault(partner.id(), List.of()), now));
        }
        return HttpAnswer.json(200, Map.of("count", answer.size(), "partners", answer));
    }

    private static Map<String, Object> agreement(org.cbec.gateway.agreement.Agreement agreement) {
        if (agreement == null) {
            return null;
        }
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("reference", agreement.reference());
        node.put("inbound", fields(agreement.inbound()));
        node.put("outbound", fields(agreement.outbound()));
        return node;
    }

    private static Map<String, Object> fields(
            Map<org.cbec.gateway.canonical.RecordType, org.cbec.gateway.agreement.FieldPaths> byType) {
        Map<String, Object> node = new TreeMap<>();
        byType.forEach((type, paths) ->
                node.put(type.name(), paths.paths().stream().sorted().toList()));
        return node;
    }

    private Map<String, Object> describe(Partner partner, List<PartnerTraffic.PartnerCount> lastDay, Instant now) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", partner.id());
        node.put("name", partner.name());
        node.put("country", partner.country());
        node.put("enabled", partner.enabled());
        node.put(
                "messageTypes",
                partner.messageTypes().stream().map(Enum::name).sorted().toList());
        node.put("revocation", partner.revocation().toString());
        node.put("agreement", agreement(partner.agreement()));
        // A partner without an agreement sends and receives everything, with no legal basis on its records (CONTRACT.md
        // §9).
        node.put("withoutAgreement", partner.agreement() == null);
        List<Map<String, Object>> certificates = new ArrayList<>();
        for (X509Certificate anchor : partner.trustAnchors()) {
            certificates.add(certificate(anchor, now));
        }
        node.put("certificates", certificates);
        node.put(
                "lastMessageAt",
                traffic.lastMessageAt(partner.id()).map(Instant::toString).orElse(null));
        long accepted = 0;
        long duplicates = 0;
        long refused = 0;
        Map<String, Long> refusalCodes = new TreeMap<>();
        for (PartnerTraffic.PartnerCount count : lastDay) {
            switch (count.verdict()) {
                case "ACCEPTED" -> accepted += count.count();
                case "DUPLICATE" -> duplicates += count.count();
                default -> {
                    refused += count.count();
                    refusalCodes.merge(
                            count.refusalCode() == null ? "UNKNOWN" : count.refusalCode(), count.count(), Long::sum);
                }
            }
        }
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("accepted", accepted);
        day.put("duplicates", duplicates);
        day.put("refused", refused);
        day.put("refusalCodes", refusalCodes);
        node.put("last24h", day);
        return node;
    }

    static Map<String, Object> certificate(X509Certificate certificate, Instant now) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("subject", certificate.getSubjectX500Principal().getName());
        node.put("notAfter", certificate.getNotAfter().toInstant().toString());
        node.put(
                "daysToExpiry",
                Duration.between(now, certificate.getNotAfter().toInstant()).toDays());
        return node;
    }
}
