package org.cbec.gateway.partner;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How national data reaches this partner (CONTRACT.md §8): a partner file's {@code outbound} section.
 *
 * @param transport       {@code as4} or {@code cms-https}
 * @param url             where the partner receives
 * @param format          the partner's format id (FORMATS.md), one the gateway writes
 * @param encryptCert     AS4 only: the certificate payloads are encrypted to, or null
 * @param receiptAnchors  the CA certificates the partner's signed receipts chain to (the partner's trust anchors when the file names none)
 */
public record PartnerOutbound(
        String transport, URI url, String format, X509Certificate encryptCert, List<X509Certificate> receiptAnchors) {
    public static final String AS4 = "as4";
    public static final String CMS_HTTPS = "cms-https";

    public PartnerOutbound {
        receiptAnchors = List.copyOf(receiptAnchors);
    }
}
