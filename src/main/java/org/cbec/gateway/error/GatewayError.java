package org.cbec.gateway.error;

/**
 * Every refusal and failure the gateway can report, with its stable code and HTTP status.
 * The codes are part of the external contract (CONTRACT.md §3): never rename one.
 */
public enum GatewayError {
    MALFORMED_MESSAGE(400, "the signature container cannot be parsed"),
    UNSUPPORTED_FORMAT(415, "unknown Content-Type or business document format"),
    PAYLOAD_TOO_LARGE(413, "the body is larger than gateway.inbound.max-bytes"),
    SIGNATURE_INVALID(403, "the signature does not verify over the content"),
    UNKNOWN_SIGNER(403, "the signer chains to no enabled partner, or fails the partner's signerSubjects"),
    SIGNER_NOT_PERMITTED(
            403,
            "the signer's certificate may not sign documents: a CA, or its key usage or extended key usage does not allow it"),
    TIMESTAMP_INVALID(
            403,
            "the signature time-stamp token is unreadable, stamps another signature, or its TSA chains to no gateway.inbound.tsa-anchors"),
    CERTIFICATE_EXPIRED(
            403,
            "the signer or a chain certificate was not valid when a trusted time-stamp token says it signed, or else when received"),
    CERTIFICATE_REVOKED(403, "the signer or a chain certificate is revoked"),
    REVOCATION_UNKNOWN(503, "revocation status cannot be had and the partner's policy fails closed"),
    ALGORITHM_NOT_ALLOWED(403, "the signature or key algorithm is not allowed"),
    MESSAGE_TYPE_NOT_ALLOWED(403, "the partner may not send this document type"),
    AS4_PARTY_MISMATCH(
            403,
            "the AS4 From PartyId is not the signer's partner (partner file as4.partyId), or To is not gateway.as4.party-id"),
    AS4_SERVICE_UNKNOWN(
            403, "the AS4 Service and Action are neither gateway.as4.service/action nor the ebMS test service"),
    TRANSPORT_PARTNER_MISMATCH(
            403, "the TLS client certificate belongs to one partner and the message is signed for another"),
    STALE_MESSAGE(409, "the signing time is older than max-age or beyond max-clock-skew"),
    SCHEMA_INVALID(422, "the document breaks its format's rules"),
    OVERLOADED(503, "the gateway sheds load; retry later"),
    EVIDENCE_UNAVAILABLE(
            503,
            "no evidence seal could be time-stamped by the TSA (gateway.evidence.tsa.url) for gateway.evidence.tsa.max-outage;"
                    + " the gateway takes nothing it cannot prove the time of, and recovers by itself when the TSA answers"),
    AGREEMENT_VIOLATION(
            422,
            "records or fields outside the partner's data-sharing agreement; errors lists each, and nothing is sent"),
    OUTBOUND_NOT_CONFIGURED(
            409, "the partner has no outbound section, no agreement or is disabled: nothing can be sent to it"),
    HTTP_FRAMING_INVALID(
            400,
            "the HTTP request's framing is ambiguous or malformed (RFC 9112): Content-Length with Transfer-Encoding, "
                    + "a repeated Content-Length, a folded header line or a bare LF; the connection is closed"),
    HTTP_REQUEST_TIMEOUT(
            408,
            "the request's header section did not arrive within gateway.http.header-timeout, or its body within"
                    + " gateway.http.body-timeout after the headers; the connection is closed"),
    HTTP_HEADERS_TOO_LARGE(
            431,
            "the request line or header section is over gateway.http.max-request-line-bytes or gateway.http.max-header-bytes"),
    NOT_FOUND(404, "no such resource"),
    LOGIN_REQUIRED(401, "the operators' API and console need a user's name and password"),
    NOT_PERMITTED(403, "the user's role does not allow this action"),
    TOO_MANY_LOGIN_ATTEMPTS(
            429,
            "too many failed logins for this user or from this address, or too many logins at once; retry after Retry-After seconds"),
    NOT_REPLAYABLE(409, "only an accepted message can be replayed"),
    NATIONAL_SYSTEM_UNAVAILABLE(502, "the national system did not accept the record"),
    CONFIGURATION_INVALID(500, "the gateway's configuration is invalid"),
    INTERNAL_ERROR(500, "the gateway failed unexpectedly");

    private final int httpStatus;
    private final String meaning;

    GatewayError(int httpStatus, String meaning) {
        this.httpStatus = httpStatus;
        this.meaning = meaning;
    }

    public String code() {
        return name();
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String meaning() {
        return meaning;
    }
}
