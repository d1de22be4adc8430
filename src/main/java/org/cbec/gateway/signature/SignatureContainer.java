package org.cbec.gateway.signature;

import org.cbec.gateway.evidence.ReceivedBody;

/**
 * One kind of signature container (CMS, S/MIME, XMLDSig, JWS): opens the request body, verifies the
 * signature over the content, and yields a {@link SignedDocument}. Who the signer is, whether its
 * certificate is trusted, revoked or expired, and whether the algorithm is allowed are decided after,
 * the same way for every container.
 */
public interface SignatureContainer {
    /**
     * @param body        the exact request body
     * @param contentType the request's Content-Type, with its parameters (a multipart boundary, say)
     * @throws org.cbec.gateway.error.GatewayException MALFORMED_MESSAGE when the container cannot be parsed,
     *         SIGNATURE_INVALID when the signature does not verify, UNKNOWN_SIGNER when it carries no signer certificate
     */
    SignedDocument open(byte[] body, String contentType);

    /** The same for a body read in place; a container that can read it there, without a copy, overrides this. */
    default SignedDocument open(ReceivedBody body, String contentType) {
        return open(body.bytes(), contentType);
    }

    /**
     * A container whose bytes say all (CMS, XMLDSig, JWS): the Content-Type adds nothing, so opening is verifying the
     * body. S/MIME and SOAP read their Content-Type and implement {@link #open(byte[], String)} themselves.
     */
    interface OfBodyAlone extends SignatureContainer {
        /** Parses and verifies; every failure is a GatewayException with its refusal code, as for {@code open}. */
        SignedDocument verify(byte[] body);

        @Override
        default SignedDocument open(byte[] body, String contentType) {
            return verify(body);
        }
    }
}
