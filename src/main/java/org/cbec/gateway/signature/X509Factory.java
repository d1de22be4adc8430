package org.cbec.gateway.signature;

import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The JDK's X.509 certificate factory, one per thread: the hot path reads certificates and builds certificate paths
 * for every message, and the JCA does not promise a factory is safe to share between threads.
 */
public final class X509Factory {
    private static final ThreadLocal<CertificateFactory> FACTORY = ThreadLocal.withInitial(() -> {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the JDK has no X.509 certificate factory", e);
        }
    });

    private X509Factory() {}

    /** This thread's factory. */
    public static CertificateFactory ofThisThread() {
        return FACTORY.get();
    }
}
