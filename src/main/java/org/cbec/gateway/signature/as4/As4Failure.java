package org.cbec.gateway.signature.as4;

import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * A refusal of an AS4 request that also names its ebMS 3.0 error code (ebMS 3.0 §6.7, AS4 profile): the gateway's
 * stable code for its own evidence and operators, the ebMS code for the partner's access point.
 */
public final class As4Failure extends GatewayException {
    public static final String EBMS_VALUE_NOT_RECOGNIZED = "EBMS:0001";
    public static final String EBMS_FEATURE_NOT_SUPPORTED = "EBMS:0002";
    public static final String EBMS_VALUE_INCONSISTENT = "EBMS:0003";
    public static final String EBMS_OTHER = "EBMS:0004";
    public static final String EBMS_MIME_INCONSISTENCY = "EBMS:0007";
    public static final String EBMS_INVALID_HEADER = "EBMS:0009";
    public static final String EBMS_PROCESSING_MODE_MISMATCH = "EBMS:0010";
    public static final String EBMS_FAILED_AUTHENTICATION = "EBMS:0101";
    public static final String EBMS_FAILED_DECRYPTION = "EBMS:0102";
    public static final String EBMS_POLICY_NONCOMPLIANCE = "EBMS:0103";
    public static final String EBMS_DECOMPRESSION_FAILURE = "EBMS:0303";

    private final String ebmsCode;

    private As4Failure(GatewayError error, String ebmsCode, String detail, Throwable cause) {
        super(error, detail, cause);
        this.ebmsCode = ebmsCode;
    }

    public static As4Failure of(GatewayError error, String ebmsCode, String detail) {
        return new As4Failure(error, ebmsCode, detail, null);
    }

    public static As4Failure of(GatewayError error, String ebmsCode, String detail, Throwable cause) {
        return new As4Failure(error, ebmsCode, detail, cause);
    }

    /** A malformed message (MALFORMED_MESSAGE) with the ebMS code that says what is wrong with it. */
    public static As4Failure malformed(String ebmsCode, String detail) {
        return new As4Failure(GatewayError.MALFORMED_MESSAGE, ebmsCode, detail, null);
    }

    /** As {@link #malformed(String, String)}, with what caused it. */
    public static As4Failure malformed(String ebmsCode, String detail, Throwable cause) {
        return new As4Failure(GatewayError.MALFORMED_MESSAGE, ebmsCode, detail, cause);
    }

    /** A signature that does not meet the AS4 policy (SIGNATURE_INVALID, EBMS:0103): missing, or covering too little. */
    public static As4Failure unsigned(String detail) {
        return new As4Failure(GatewayError.SIGNATURE_INVALID, EBMS_POLICY_NONCOMPLIANCE, detail, null);
    }

    public String ebmsCode() {
        return ebmsCode;
    }

    /** The ebMS code of any refusal: its own when it is an As4Failure, else the one that fits the gateway's code. */
    public static String ebmsCodeOf(GatewayException refusal) {
        return refusal instanceof As4Failure failure ? failure.ebmsCode : ebmsCodeOf(refusal.error());
    }

    public static String ebmsCodeOf(GatewayError error) {
        return switch (error) {
            case SIGNATURE_INVALID,
                    UNKNOWN_SIGNER,
                    SIGNER_NOT_PERMITTED,
                    CERTIFICATE_EXPIRED,
                    CERTIFICATE_REVOKED,
                    TIMESTAMP_INVALID,
                    TRANSPORT_PARTNER_MISMATCH -> EBMS_FAILED_AUTHENTICATION;
            case ALGORITHM_NOT_ALLOWED -> EBMS_POLICY_NONCOMPLIANCE;
            case AS4_PARTY_MISMATCH -> EBMS_VALUE_INCONSISTENT;
            case AS4_SERVICE_UNKNOWN -> EBMS_PROCESSING_MODE_MISMATCH;
            case MALFORMED_MESSAGE -> EBMS_INVALID_HEADER;
            default -> EBMS_OTHER;
        };
    }

    /** The ebMS short description of a code (ebMS 3.0 table 6.7). */
    public static String shortDescription(String ebmsCode) {
        return switch (ebmsCode) {
            case EBMS_VALUE_NOT_RECOGNIZED -> "ValueNotRecognized";
            case EBMS_FEATURE_NOT_SUPPORTED -> "FeatureNotSupported";
            case EBMS_VALUE_INCONSISTENT -> "ValueInconsistent";
            case EBMS_MIME_INCONSISTENCY -> "MimeInconsistency";
            case EBMS_INVALID_HEADER -> "InvalidHeader";
            case EBMS_PROCESSING_MODE_MISMATCH -> "ProcessingModeMismatch";
            case EBMS_FAILED_AUTHENTICATION -> "FailedAuthentication";
            case EBMS_FAILED_DECRYPTION -> "FailedDecryption";
            case EBMS_POLICY_NONCOMPLIANCE -> "PolicyNoncompliance";
            case EBMS_DECOMPRESSION_FAILURE -> "DecompressionFailure";
            default -> "Other";
        };
    }

    /** The ebMS category of a code. */
    public static String category(String ebmsCode) {
        return switch (ebmsCode) {
            case EBMS_MIME_INCONSISTENCY, EBMS_INVALID_HEADER -> "Unpackaging";
            case EBMS_PROCESSING_MODE_MISMATCH,
                    EBMS_FAILED_AUTHENTICATION,
                    EBMS_FAILED_DECRYPTION,
                    EBMS_POLICY_NONCOMPLIANCE -> "Processing";
            case EBMS_DECOMPRESSION_FAILURE -> "Content";
            default -> "Content";
        };
    }
}
