package org.cbec.gateway.signature;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.util.List;
import org.cbec.gateway.error.GatewayError;

/**
 * The JDK's PKIX path validation as the signer's trust and the time-stamping authorities both use it: a factory and a
 * validator built once per thread, not per message (the JCA does not promise they are safe to share between threads).
 */
final class PkixPaths {
    /** The longest chain either follows from a certificate up to an anchor. */
    static final int MAX_CHAIN_LENGTH = 8;

    private static final ThreadLocal<CertPathValidator> VALIDATORS = X509Factory.perThread(
            () -> CertPathValidator.getInstance("PKIX"), GatewayError.CONFIGURATION_INVALID, "no PKIX path validator");

    private PkixPaths() {}

    /** Validates {@code chain} (the end entity first) under {@code parameters}. */
    static CertPathValidatorResult validate(List<X509Certificate> chain, PKIXParameters parameters)
            throws GeneralSecurityException {
        return VALIDATORS.get().validate(X509Factory.ofThisThread().generateCertPath(chain), parameters);
    }
}
