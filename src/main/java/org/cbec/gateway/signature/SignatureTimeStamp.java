package org.cbec.gateway.signature;

/**
 * An RFC 3161 signature time-stamp token as a CMS signer carries it (unsigned attribute id-aa-signatureTimeStampToken,
 * RFC 3161 Appendix A), with the signature value whose digest its message imprint must be. Judged by
 * {@link TimeStampAuthorities}.
 *
 * @param token          the TimeStampToken, DER
 * @param signatureValue the SignerInfo's signature value the token claims to have seen
 */
public record SignatureTimeStamp(byte[] token, byte[] signatureValue) {
    public SignatureTimeStamp {
        token = token.clone();
        signatureValue = signatureValue.clone();
    }
}
