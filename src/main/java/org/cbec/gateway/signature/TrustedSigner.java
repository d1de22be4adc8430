package org.cbec.gateway.signature;

import java.security.cert.X509Certificate;
import java.util.List;
import org.cbec.gateway.partner.Partner;

/**
 * A signer the gateway trusts: the partner it belongs to, and the validated path from the signer's
 * certificate up to (not including) the partner's trust anchor.
 */
public record TrustedSigner(Partner partner, List<X509Certificate> chain, X509Certificate trustAnchor) {
    public TrustedSigner {
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
