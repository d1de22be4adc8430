package org.cbec.gateway.signature.revocation;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** Where a certificate says its revocation status can be had, and how to name it in a refusal. */
final class CertificateSources {
    /** More URLs than this in one certificate are ignored, so a crafted certificate cannot make us fetch without end. */
    static final int MAX_URLS = 3;

    private CertificateSources() {}

    /** The http URLs of the certificate's CRL distribution points; ldap and other schemes are skipped. */
    static List<URI> crlDistributionPoints(X509Certificate certificate) {
        return httpUrls(certificate, Extension.cRLDistributionPoints, (extension, urls) -> {
            for (DistributionPoint point : CRLDistPoint.getInstance(extension).getDistributionPoints()) {
                DistributionPointName name = point.getDistributionPoint();
                // A point with a CRL issuer or a reason subset does not give a complete CRL from our issuer.
                if (name == null
                        || name.getType() != DistributionPointName.FULL_NAME
                        || point.getCRLIssuer() != null
                        || point.getReasons() != null) {
                    continue;
                }
                addHttpUrls(GeneralNames.getInstance(name.getName()).getNames(), urls);
            }
        });
    }

    /** The http URLs of the certificate's OCSP responders (Authority Information Access, id-ad-ocsp). */
    static List<URI> ocspResponders(X509Certificate certificate) {
        return httpUrls(certificate, Extension.authorityInfoAccess, (extension, urls) -> {
            for (AccessDescription description :
                    AuthorityInformationAccess.getInstance(extension).getAccessDescriptions()) {
                if (AccessDescription.id_ad_ocsp.equals(description.getAccessMethod())) {
                    addHttpUrls(new GeneralName[] {description.getAccessLocation()}, urls);
                }
            }
        });
    }

    /**
     * The http URLs that {@code reader} finds in the certificate's extension, at most {@link #MAX_URLS}; a malformed
     * extension offers no more than was read before it broke (the caller reports that no status could be had).
     */
    private static List<URI> httpUrls(
            X509Certificate certificate,
            ASN1ObjectIdentifier extensionId,
            BiConsumer<ASN1Primitive, List<URI>> reader) {
        byte[] value = certificate.getExtensionValue(extensionId.getId());
        if (value == null) {
            return List.of();
        }
        List<URI> urls = new ArrayList<>();
        try {
            reader.accept(JcaX509ExtensionUtils.parseExtensionValue(value), urls);
        } catch (IOException | IllegalArgumentException e) {
            return List.copyOf(urls);
        }
        return urls.size() > MAX_URLS ? List.copyOf(urls.subList(0, MAX_URLS)) : List.copyOf(urls);
    }

    private static void addHttpUrls(GeneralName[] names, List<URI> urls) {
        for (GeneralName name : names) {
            if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
                continue;
            }
            String text = ASN1IA5String.getInstance(name.getName()).getString();
            // Only plain http: https would need revocation checking of its own, ldap needs a directory client.
            if (!text.toLowerCase(Locale.ROOT).startsWith("http://")) {
                continue;
            }
            try {
                URI url = new URI(text);
                if (url.getHost() != null && !urls.contains(url)) {
                    urls.add(url);
                }
            } catch (URISyntaxException e) {
                // Not a usable URL; the other sources may still answer.
                continue;
            }
        }
    }

    /** The certificate as a refusal names it: subject and serial in hex. */
    static String describe(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "' (serial "
                + certificate.getSerialNumber().toString(16) + ")";
    }

    /** A failure in a few words: the message, or the exception's name when it has none (ConnectException often has none). */
    static String problem(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank()
                ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + message;
    }
}
