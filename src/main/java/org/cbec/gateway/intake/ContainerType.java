package org.cbec.gateway.intake;

import java.util.Locale;
import java.util.Optional;

/** The signature containers of CONTRACT.md §3, recognised from the request's Content-Type. */
public enum ContainerType {
    CMS,
    SMIME_DETACHED,
    XMLDSIG,
    JWS,
    /** SOAP 1.2 with WS-Security, only at /soap/v1/exchange. */
    SOAP;

    public static Optional<ContainerType> fromContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.empty();
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (mediaType) {
            case "application/pkcs7-mime", "application/cms", "application/x-pkcs7-mime" -> Optional.of(CMS);
            case "multipart/signed" -> Optional.of(SMIME_DETACHED);
            case "application/xml", "text/xml" -> Optional.of(XMLDSIG);
            case "application/jose" -> Optional.of(JWS);
            default -> Optional.empty();
        };
    }
}
