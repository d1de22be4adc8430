package org.cbec.gateway.partner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The partner administrations the gateway trusts, loaded once from {@code gateway.partners.dir}
 * ({@code *.yaml}, one partner each). Immutable: a reload builds a new registry.
 */
public final class PartnerRegistry {
    private final Map<String, Partner> partnersById;
    private final Map<X500Principal, List<Partner>> enabledPartnersByAnchorSubject;

    private PartnerRegistry(Map<String, Partner> partnersById) {
        this.partnersById = Map.copyOf(partnersById);
        Map<X500Principal, List<Partner>> byAnchor = new HashMap<>();
        for (Partner partner : partnersById.values()) {
            if (!partner.enabled()) {
                continue;
            }
            for (X509Certificate anchor : partner.trustAnchors()) {
                byAnchor.computeIfAbsent(anchor.getSubjectX500Principal(), k -> new ArrayList<>())
                        .add(partner);
            }
        }
        byAnchor.replaceAll((subject, partners) -> List.copyOf(partners));
        this.enabledPartnersByAnchorSubject = Map.copyOf(byAnchor);
    }

    /** Reads every {@code *.yaml} file of the directory; the first invalid file stops with its name and field. */
    public static PartnerRegistry load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "partners directory " + directory.toAbsolutePath()
                            + " does not exist (setting gateway.partners.dir)");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".yaml")
                            || p.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "cannot list partners directory " + directory, e);
        }
        Map<String, Partner> partners = new LinkedHashMap<>();
        for (Path file : files) {
            Partner partner = PartnerFileParser.parse(file);
            Partner earlier = partners.putIfAbsent(partner.id(), partner);
            if (earlier != null) {
                throw PartnerFileParser.problem(
                        file, "id", "'" + partner.id() + "' is already used by " + earlier.source());
            }
        }
        return of(partners.values());
    }

    /** A registry of the one partner a single file describes: how the command line judges a message offline. */
    public static PartnerRegistry loadFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID, "partner file " + file.toAbsolutePath() + " does not exist");
        }
        return of(List.of(PartnerFileParser.parse(file)));
    }

    public static PartnerRegistry of(Collection<Partner> partners) {
        Map<String, Partner> byId = new LinkedHashMap<>();
        partners.forEach(p -> byId.put(p.id(), p));
        PartnerRegistry registry = new PartnerRegistry(byId);
        registry.refuseSharedAnchors();
        registry.refuseAnchorsIssuedByAnotherPartner();
        return registry;
    }

    // A certificate that chains to two partners' anchors would let one partner speak for another.
    private void refuseSharedAnchors() {
        enabledPartnersByAnchorSubject.forEach((subject, partners) -> {
            for (int i = 0; i < partners.size(); i++) {
                for (int j = i + 1; j < partners.size(); j++) {
                    Partner a = partners.get(i);
                    Partner b = partners.get(j);
                    throw new GatewayException(
                            GatewayError.CONFIGURATION_INVALID,
                            "partners " + a.id() + " (" + a.source() + ") and " + b.id() + " (" + b.source()
                                    + ") share the trust anchor " + subject.getName()
                                    + ": a certificate must chain to one partner only");
                }
            }
        });
    }

    /**
     * One partner's trust anchor issued by another's (a cross-certified or subordinate CA): a certificate under it
     * chains to both partners' anchors (CONTRACT.md §2). The gateway would take the nearer anchor, but which
     * administration speaks must not depend on that: it is refused here, at the start or reload.
     */
    private void refuseAnchorsIssuedByAnotherPartner() {
        for (Partner issued : partnersById.values()) {
            if (!issued.enabled()) {
                continue;
            }
            for (X509Certificate anchor : issued.trustAnchors()) {
                for (Partner issuer : enabledPartnersWithAnchor(anchor.getIssuerX500Principal())) {
                    if (issuer != issued && issuedBy(anchor, issuer)) {
                        throw new GatewayException(
                                GatewayError.CONFIGURATION_INVALID,
                                "the trust anchor "
                                        + anchor.getSubjectX500Principal().getName() + " of partner " + issued.id()
                                        + " (" + issued.source() + ") is issued by the trust anchor of partner "
                                        + issuer.id()
                                        + " (" + issuer.source() + "): a certificate must chain to one partner only");
                    }
                }
            }
        }
    }

    private static boolean issuedBy(X509Certificate certificate, Partner issuer) {
        for (X509Certificate anchor : issuer.trustAnchors()) {
            if (anchor.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                try {
                    certificate.verify(anchor.getPublicKey());
                    return true;
                } catch (java.security.GeneralSecurityException | RuntimeException notThisKey) {
                    // Same name, another key: not issued by this anchor.
                }
            }
        }
        return false;
    }

    public Optional<Partner> byId(String id) {
        return Optional.ofNullable(partnersById.get(id));
    }

    public Collection<Partner> all() {
        return partnersById.values();
    }

    /** Enabled partners with a trust anchor whose subject is the given issuer name. */
    public List<Partner> enabledPartnersWithAnchor(X500Principal anchorSubject) {
        return enabledPartnersByAnchorSubject.getOrDefault(anchorSubject, List.of());
    }
}
