package org.cbec.gateway.partner;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.cbec.gateway.agreement.Agreement;
import org.cbec.gateway.canonical.RecordType;

/**
 * A partner administration as its file in the partners directory describes it (CONTRACT.md §2).
 *
 * @param signerSubjects when non-empty, the signer's subject must equal one of these
 * @param algorithms     the partner's own algorithm settings, or null for the gateway's
 * @param expectedInterval the longest the partner may stay silent before an operator is alerted, or null for never
 * @param signerExtendedKeyUsages the extendedKeyUsage OIDs of which a signer certificate that has the extension must name one
 * @param agreement the data-sharing agreement (CONTRACT.md §9), or null: everything crosses, without a legal basis
 * @param outbound how national data reaches the partner (CONTRACT.md §8), or null: nothing is sent to it
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
        Duration expectedInterval,
        Set<String> signerExtendedKeyUsages,
        Agreement agreement,
        PartnerOutbound outbound,
        As4Party as4) {

    /** The partner's AS4 party (CONTRACT.md §6): the From of its AS4 messages. */
    public record As4Party(String partyId, String partyIdType) {
        public static final String UNREGISTERED = "urn:oasis:names:tc:ebcore:partyid-type:unregistered";
    }

    /** The shape of a partner id (CONTRACT.md §2); it also names the partner's file, so nothing else may pass. */
    public static final Pattern ID = Pattern.compile("[A-Z0-9-]{2,32}");

    /** The extendedKeyUsage purposes a signer may have when the partner's file names none. */
    public static final Set<String> DEFAULT_SIGNER_EXTENDED_KEY_USAGES = Set.of(
            "1.3.6.1.5.5.7.3.4", // id-kp-emailProtection (S/MIME)
            "1.3.6.1.4.1.311.10.3.12", // Microsoft documentSigning
            "1.3.6.1.5.5.7.3.36", // id-kp-documentSigning (RFC 9336)
            "2.5.29.37.0"); // anyExtendedKeyUsage

    public Partner {
        trustAnchors = List.copyOf(trustAnchors);
        signerSubjects = Set.copyOf(signerSubjects);
        crls = List.copyOf(crls);
        messageTypes = Set.copyOf(messageTypes);
        signerExtendedKeyUsages = Set.copyOf(signerExtendedKeyUsages);
        // A partner file without an as4 section: the partner's AS4 PartyId is its id.
        as4 = as4 == null ? new As4Party(id, As4Party.UNREGISTERED) : as4;
    }

    public boolean mayAccept(X500Principal signer) {
        return signerSubjects.isEmpty() || signerSubjects.contains(signer);
    }

    public boolean maySend(RecordType type) {
        return messageTypes.contains(type);
    }
}
