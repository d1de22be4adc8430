package org.cbec.gateway.signature;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The JDK's X.509 certificate factory, one per thread: the hot path reads certificates and builds certificate paths
 * for every message, and the JCA does not promise a factory is safe to share between threads.
 */
public final class X509Factory {
    private static final ThreadLocal<CertificateFactory> FACTORY = perThread(
            () -> CertificateFactory.getInstance("X.509"),
            GatewayError.INTERNAL_ERROR,
            "the JDK has no X.509 certificate factory");

    private X509Factory() {}

    /**
     * A JCA object made once per thread, as this factory and {@link PkixPaths}' validator are: the JCA does not promise
     * they are safe to share. A JDK that cannot make one fails with {@code error}.
     */
    static <T> ThreadLocal<T> perThread(JcaLookup<T> lookup, GatewayError error, String missing) {
        return ThreadLocal.withInitial(() -> {
            try {
                return lookup.get();
            } catch (GeneralSecurityException e) {
                throw new GatewayException(error, missing, e);
            }
        });
    }

    /** A JCA {@code getInstance} call. */
    @FunctionalInterface
    interface JcaLookup<T> {
        T get() throws GeneralSecurityException;
    }

    /** This thread's factory. */
    public static CertificateFactory ofThisThread() {
        return FACTORY.get();
    }
}
