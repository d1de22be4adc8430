package org.cbec.gateway.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * The offline check of an evidence seal's RFC 3161 token: it stamps the SHA-256 of the seal's exact bytes, it is signed
 * by one of the TSA certificates the verifier holds (which must carry the critical timeStamping purpose, as RFC 3161
 * demands and Bouncy Castle checks), and its time is not before the seal's own.
 */
public final class SealTimeStamps {
    /** The TSA's clock and the gateway's may differ a little; more than this before the seal is a forgery or a broken clock. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);

    private SealTimeStamps() {}

    /** Null when the token stamps {@code seal} and verifies against one of {@code tsaCertificates}; otherwise what is wrong. */
    public static String problem(
            byte[] token, byte[] seal, Instant sealedAt, Collection<X509Certificate> tsaCertificates) {
        TimeStampToken parsed;
        try {
            parsed = new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(token));
        } catch (CMSException | TSPException | IOException | RuntimeException e) {
            return "its time-stamp token cannot be read: " + e.getMessage();
        }
        if (!TSPAlgorithms.SHA256.equals(parsed.getTimeStampInfo().getMessageImprintAlgOID())
                || !Arrays.equals(parsed.getTimeStampInfo().getMessageImprintDigest(), sha256(seal))) {
            return "its time-stamp token stamps other bytes than the seal";
        }
        X509Certificate signer = null;
        for (X509Certificate certificate : tsaCertificates) {
            if (parsed.getSID().match(holder(certificate))) {
                signer = certificate;
            }
        }
        if (signer == null) {
            return "its time-stamp token is signed by no TSA certificate of certificates/tsa.pem";
        }
        try {
            parsed.validate(new JcaSimpleSignerInfoVerifierBuilder().build(signer));
        } catch (TSPException | OperatorCreationException | RuntimeException e) {
            return "its time-stamp token does not verify: " + e.getMessage();
        }
        if (sealedAt != null
                && parsed.getTimeStampInfo().getGenTime().toInstant().isBefore(sealedAt.minus(CLOCK_TOLERANCE))) {
            return "its time-stamp token is dated "
                    + parsed.getTimeStampInfo().getGenTime().toInstant() + ", before the seal (" + sealedAt + ")";
        }
        return null;
    }

    /** The certificates a token carries that match its signer. */
    public static List<X509Certificate> signerCertificates(byte[] token) {
        try {
            TimeStampToken parsed = new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(token));
            List<X509Certificate> certificates = new ArrayList<>();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = parsed.getCertificates().getMatches(parsed.getSID());
            for (X509CertificateHolder holder : matches) {
                certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
            return certificates;
        } catch (CMSException | TSPException | IOException | CertificateException e) {
            return List.of();
        }
    }

    static String pem(Collection<X509Certificate> certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("a TSA certificate cannot be encoded", e);
            }
        }
        return pem.toString();
    }

    private static X509CertificateHolder holder(X509Certificate certificate) {
        try {
            return new X509CertificateHolder(certificate.getEncoded());
        } catch (IOException | CertificateEncodingException e) {
            throw new IllegalArgumentException("a TSA certificate cannot be read", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
