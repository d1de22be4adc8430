package org.cbec.gateway.signature.smime;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Set;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.CmsSignedDataVerifier;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;

/**
 * Opens an S/MIME {@code multipart/signed; protocol="application/pkcs7-signature"; boundary=...} body (RFC 1847,
 * RFC 8551 §3.5) and verifies the detached CMS signature in its second part over its first part, exactly as
 * {@code openssl cms -sign} writes it (with or without {@code -binary}, with or without {@code -text}).
 *
 * <p>The signature covers the first part's bytes, MIME headers included. The {@link SignedDocument}'s content
 * is that part's body: its headers removed and its Content-Transfer-Encoding (7bit, 8bit, binary, base64,
 * quoted-printable) undone. The signer rules are {@link CmsSignedDataVerifier}'s.
 *
 * <p>MALFORMED_MESSAGE for: a Content-Type that is not {@code multipart/signed}, has no {@code boundary} or
 * another {@code protocol}; no delimiter, a missing close delimiter, other than two parts; a nested multipart
 * signed part; a signature part that is not base64 {@code application/pkcs7-signature} CMS SignedData, or that
 * encapsulates content. SIGNATURE_INVALID when the signature does not verify; UNKNOWN_SIGNER when the CMS does
 * not carry the signer's certificate.
 *
 * <p>Stateless and thread-safe.
 */
public final class SmimeDetachedVerifier implements SignatureContainer {
    private static final Set<String> SIGNATURE_TYPES =
            Set.of("application/pkcs7-signature", "application/x-pkcs7-signature");
    private static final String SIGNED_PART = "the signed part";
    private static final String SIGNATURE_PART = "the signature part";

    @Override
    public SignedDocument open(byte[] body, String contentType) {
        MultipartSigned multipart = MultipartSigned.parse(body, boundary(contentType));
        MimeEntity signedEntity = MimeEntity.parse(multipart.signedEntity(), SIGNED_PART, false);
        MediaType signedType = signedEntity.contentType(SIGNED_PART);
        if (signedType.type().equals("multipart")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the signed part is itself " + signedType.essence() + "; it must be the one business document");
        }
        signedEntity.checkTransferEncoding(SIGNED_PART);
        DetachedCmsSignature signature = DetachedCmsSignature.open(signatureDer(multipart.signaturePart()));

        MimeEntity verified = null;
        if (signature.verifies(multipart.signedEntity())) {
            verified = signedEntity;
        } else if (signedType.type().equals("text")) {
            // RFC 8551 §3.1.1 signs text in canonical CRLF form; a store or gateway on the way may have turned CRLF
            // into LF.
            byte[] canonical = canonicalLineEnds(multipart.signedEntity());
            if (canonical != null && signature.verifies(canonical)) {
                verified = MimeEntity.parse(canonical, SIGNED_PART, false);
            }
        }
        if (verified == null) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, signature.lastFailure());
        }
        return new SignedDocument(
                org.cbec.gateway.evidence.ReceivedBody.of(verified.decodedBody(SIGNED_PART)),
                signature.signer(),
                signature.carriedCertificates(),
                signature.signingTime(),
                signature.algorithm(),
                signature.signatureTimeStamp());
    }

    private static String boundary(String contentType) {
        MediaType type = MediaType.parse(contentType, "the request's Content-Type");
        if (!type.essence().equals("multipart/signed")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the request's Content-Type is " + type.essence() + ", not multipart/signed");
        }
        String protocol = type.parameter("protocol")
                .orElseThrow(() -> new GatewayException(
                        GatewayError.MALFORMED_MESSAGE, "the multipart/signed Content-Type has no protocol parameter"));
        if (!SIGNATURE_TYPES.contains(protocol.toLowerCase(Locale.ROOT))) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the multipart/signed protocol is '" + protocol
                            + "'; only application/pkcs7-signature is accepted");
        }
        String boundary = type.parameter("boundary")
                .orElseThrow(() -> new GatewayException(
                        GatewayError.MALFORMED_MESSAGE, "the multipart/signed Content-Type has no boundary parameter"));
        if (boundary.isEmpty()
                || boundary.length() > 70
                || boundary.endsWith(" ")
                || !boundary.chars().allMatch(c -> c >= ' ' && c < 127)) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the multipart/signed boundary must be 1 to 70 printable ASCII characters not ending in a space (RFC 2046 §5.1.1)");
        }
        return boundary;
    }

    private static byte[] signatureDer(byte[] part) {
        MimeEntity signaturePart = MimeEntity.parse(part, SIGNATURE_PART, true);
        MediaType type = signaturePart.contentType(SIGNATURE_PART);
        if (!SIGNATURE_TYPES.contains(type.essence())) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the second part is " + type.essence() + ", not application/pkcs7-signature");
        }
        if (!signaturePart.transferEncoding().equals("base64")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the signature part's Content-Transfer-Encoding is " + signaturePart.transferEncoding()
                            + ", not base64");
        }
        byte[] der = signaturePart.decodedBody(SIGNATURE_PART);
        if (der.length == 0) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the signature part is empty");
        }
        return der;
    }

    /** Every bare LF as CRLF; null when there is none, so there is nothing else to try. */
    private static byte[] canonicalLineEnds(byte[] entity) {
        ByteArrayOutputStream canonical = new ByteArrayOutputStream(entity.length + entity.length / 32);
        boolean changed = false;
        for (int i = 0; i < entity.length; i++) {
            if (entity[i] == '\n' && (i == 0 || entity[i - 1] != '\r')) {
                canonical.write('\r');
                changed = true;
            }
            canonical.write(entity[i]);
        }
        return changed ? canonical.toByteArray() : null;
    }
}
