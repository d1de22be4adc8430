package org.cbec.gateway.signature;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Who under a partner's trust anchor may sign documents: an end entity (not a CA), whose keyUsage, when the
 * certificate has one, allows digitalSignature or nonRepudiation, and whose extendedKeyUsage, when it has one,
 * names a purpose the partner's {@code signerExtendedKeyUsages} allows (by default
 * {@link org.cbec.gateway.partner.Partner#DEFAULT_SIGNER_EXTENDED_KEY_USAGES}). Every container's signer passes here
 * (through {@link SignerTrust}); a signer that fails is SIGNER_NOT_PERMITTED with the constraint it failed.
 * The CAs above it are held to theirs (CA:true, keyCertSign, pathLenConstraint) by the PKIX validation.
 */
public final class SignerProfile {
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int NON_REPUDIATION = 1;

    private SignerProfile() {}

    /** Refuses the signer certificate with SIGNER_NOT_PERMITTED when it is not fit to sign documents. */
    public static void check(X509Certificate signer, Set<String> allowedExtendedKeyUsages) {
        String subject = signer.getSubjectX500Principal().getName();
        if (signer.getBasicConstraints() >= 0) {
            throw refusal("the signer " + subject + " is a certificate authority (basicConstraints CA:true); "
                    + "a CA key may issue certificates, not sign documents");
        }
        boolean[] keyUsage = signer.getKeyUsage();
        if (keyUsage != null && !(bit(keyUsage, DIGITAL_SIGNATURE) || bit(keyUsage, NON_REPUDIATION))) {
            throw refusal("the signer " + subject + " has a keyUsage without digitalSignature or nonRepudiation");
        }
        List<String> extendedKeyUsage;
        try {
            extendedKeyUsage = signer.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw refusal("the signer " + subject + " has an extendedKeyUsage that cannot be read");
        }
        if (extendedKeyUsage != null && extendedKeyUsage.stream().noneMatch(allowedExtendedKeyUsages::contains)) {
            throw refusal("the signer " + subject + " has an extendedKeyUsage " + extendedKeyUsage
                    + " with none of the purposes its partner allows "
                    + allowedExtendedKeyUsages.stream().sorted().toList()
                    + " (partner setting signerExtendedKeyUsages)");
        }
    }

    private static boolean bit(boolean[] bits, int index) {
        return bits.length > index && bits[index];
    }

    private static GatewayException refusal(String detail) {
        return new GatewayException(GatewayError.SIGNER_NOT_PERMITTED, detail);
    }
}
