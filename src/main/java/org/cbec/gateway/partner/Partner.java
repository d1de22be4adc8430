package org.cbec.gateway.partner;

import java.nio.file.Path;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.cbec.gateway.canonical.RecordType;

/**
 * A partner administration as its file in the partners directory describes it (CONTRACT.md §2).
 *
 * @param signerSubjects when non-empty, the signer's subject must equal one of these
 * @param algorithms     the partner's own algorithm settings, or null for the gateway's
 * @param expectedInterval the longest the partner may stay silent before an operator is alerted, or null for never
 */
public record Partner(
        String id,
        String name,
        String country,
        List<X509Certificate> trustAnchors,
        Set<X500Principal> signerSubjects,
        RevocationPolicy revocation,
        List<Path> crls,
        Set<RecordType> messageTypes,
        boolean enabled,
        AlgorithmPolicy.Overrides algorithms,
        Path source,
        Duration expectedInterval) {

    /** The shape of a partner id (CONTRACT.md §2); it also names the partner's file, so nothing else may pass. */
    public static final Pattern ID = Pattern.compile("[A-Z0-9-]{2,32}");

    public Partner {
        trustAnchors = List.copyOf(trustAnchors);
        signerSubjects = Set.copyOf(signerSubjects);
        crls = List.copyOf(crls);
        messageTypes = Set.copyOf(messageTypes);
    }

    /** A partner without {@code expectedInterval} in its file. */
    public Partner(String id, String name, String country, List<X509Certificate> trustAnchors, Set<X500Principal> signerSubjects,
                   RevocationPolicy revocation, List<Path> crls, Set<RecordType> messageTypes, boolean enabled,
                   AlgorithmPolicy.Overrides algorithms, Path source) {
        this(id, name, country, trustAnchors, signerSubjects, revocation, crls, messageTypes, enabled, algorithms, source, null);
    }

    public boolean mayAccept(X500Principal signer) {
        return signerSubjects.isEmpty() || signerSubjects.contains(signer);
    }

    public boolean maySend(RecordType type) {
        return messageTypes.contains(type);
    }
}
