package org.cbec.gateway.outbound;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerOutbound;

/**
 * {@code cms-https} (CONTRACT.md §8): POSTs the gateway's CMS SignedData as {@code application/pkcs7-mime} with the message's
 * {@code Idempotency-Key} and the agreement's {@code Legal-Basis}; a 2xx answer delivers it, and so does 409 (the partner
 * has it already). A CMS receipt the partner signs in the answer is verified (its signature, and its signer's chain to the
 * partner's receipt anchors) and kept as evidence.
 */
public final class CmsHttpsTransport implements OutboundTransport {
    public static final String CONTENT_TYPE = "application/pkcs7-mime; smime-type=signed-data";

    private final HttpClient http;
    private final Duration timeout;

    /** @param tls the trust for partners' HTTPS servers ({@code gateway.outbound.tls-anchors}, or the JDK's own) */
    public CmsHttpsTransport(SSLContext tls, Duration timeout) {
        this.timeout = timeout;
        this.http = OutboundTransport.httpClient(tls, timeout);
    }

    @Override
    public String name() {
        return PartnerOutbound.CMS_HTTPS;
    }

    @Override
    public Result send(Document document, Partner target) {
        PartnerOutbound partner = target.outbound();
        HttpRequest request = HttpRequest.newBuilder(partner.url())
                .timeout(timeout)
                .header("Content-Type", CONTENT_TYPE)
                .header("Idempotency-Key", document.idempotencyKey())
                .header("Legal-Basis", document.legalBasis().replaceAll("[\\r\\n]", " "))
                .POST(HttpRequest.BodyPublishers.ofByteArray(document.signed()))
                .build();
        Exchange exchange = OutboundTransport.exchange(http, request);
        if (exchange.unreachable() != null) {
            return Result.failed(exchange.unreachable());
        }
        HttpResponse<byte[]> response = exchange.response();
        int status = response.statusCode();
        if (status != 409 && (status < 200 || status >= 300)) {
            return Result.failed("the partner at " + partner.url() + " answered HTTP " + status);
        }
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/pkcs7-mime") || response.body().length == 0) {
            return Result.delivered(
                    null,
                    "HTTP " + status + (status == 409 ? " (the partner had it already)" : "") + ", no signed receipt");
        }
        String problem = receiptProblem(response.body(), partner.receiptAnchors());
        return Result.delivered(
                response.body(),
                "HTTP " + status + ", signed receipt " + (problem == null ? "verified" : "NOT verified: " + problem));
    }

    /** Null when the receipt is CMS SignedData whose one signature verifies and whose signer chains to an anchor. */
    static String receiptProblem(byte[] receipt, List<X509Certificate> anchors) {
        try {
            CMSSignedData signed = new CMSSignedData(receipt);
            Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                return "it has " + signers.size() + " signers";
            }
            SignerInformation signer = signers.iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
            if (matches.isEmpty()) {
                return "it does not carry its signer's certificate";
            }
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(matches.iterator().next());
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
                return "its signature does not verify";
            }
            return chainProblem(List.of(certificate), anchors);
        } catch (Exception e) {
            return "it cannot be read as CMS SignedData: " + e.getMessage();
        }
    }

    /**
     * Null when the receipt's signer (first of {@code path}, followed by any intermediates it carried) chains to one of the
     * partner's receipt anchors; else why not. Shared by every transport that takes signed receipts.
     */
    static String chainProblem(List<X509Certificate> path, List<X509Certificate> anchors) {
        try {
            Set<TrustAnchor> trust = new HashSet<>();
            anchors.forEach(anchor -> trust.add(new TrustAnchor(anchor, null)));
            PKIXParameters parameters = new PKIXParameters(trust);
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            return "its signer does not chain to the partner's receipt anchors: " + e.getMessage();
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return "its signer's chain cannot be checked: " + e.getMessage();
        }
    }
}
