package org.cbec.gateway.signature.revocation;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.encoders.Hex;
import org.cbec.gateway.signature.revocation.AnswerCache.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation status from the OCSP responders a certificate names: a request with a nonce, an answer whose
 * signature, nonce, certificate and freshness are checked, and GOOD or REVOKED answers kept within their validity.
 */
final class OcspChecker {
    private static final Logger LOG = LoggerFactory.getLogger(OcspChecker.class);
    private static final int MAX_RESPONSE_BYTES = 256 * 1024;
    /** RFC 8954 asks for 32 octets. */
    private static final int NONCE_BYTES = 32;
    /** Issuers come from validated partner chains, so this only guards memory against the unforeseen. */
    private static final int MAX_ISSUERS = 1_000;

    private record AnswerKey(String issuerKeyHash, BigInteger serial) {}

    /** A verified GOOD or REVOKED answer, kept until freshUntil. */
    private record OcspAnswer(RevocationStatus status, Instant freshUntil) {}

    /** What asking about an issuer's certificates and checking the answers needs, worked out once per issuer. */
    private record IssuerFacts(
            X509CertificateHolder certificate,
            CertificateID template,
            String keyHash,
            RespID byName,
            RespID byKey,
            ContentVerifierProvider verifier) {}

    private final HttpFetcher fetcher;
    private final Clock clock;
    private final RevocationSettings settings;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<X509Certificate, IssuerFacts> issuers = new ConcurrentHashMap<>();
    private final AnswerCache<AnswerKey, OcspAnswer> answers;

    OcspChecker(HttpFetcher fetcher, Clock clock, RevocationSettings settings) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.settings = settings;
        // A fetch may try every responder the certificate names, one after the other.
        this.answers = new AnswerCache<>(
                clock,
                OcspAnswer::freshUntil,
                settings.networkTimeout()
                        .multipliedBy(CertificateSources.MAX_URLS)
                        .plusSeconds(1));
    }

    RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
        Outcome<IssuerFacts> facts = issuerFacts(issuer);
        if (!facts.present()) {
            return RevocationStatus.unknown("OCSP", "OCSP: " + facts.problem());
        }
        // The responders are read from the certificate only on a cache miss: a cached answer costs two map lookups.
        Outcome<OcspAnswer> outcome = answers.get(
                new AnswerKey(facts.value().keyHash(), certificate.getSerialNumber()),
                () -> askEach(certificate, facts.value()));
        return outcome.present() ? outcome.value().status() : RevocationStatus.unknown("OCSP", outcome.problem());
    }

    private Outcome<OcspAnswer> askEach(X509Certificate certificate, IssuerFacts issuer) {
        List<URI> responders = CertificateSources.ocspResponders(certificate);
        if (responders.isEmpty()) {
            return Outcome.failed("OCSP: it names no http OCSP responder in its Authority Information Access");
        }
        CertificateID id = CertificateID.deriveCertificateID(issuer.template(), certificate.getSerialNumber());
        List<String> problems = new ArrayList<>();
        for (URI responder : responders) {
            Outcome<OcspAnswer> outcome = ask(responder, id, issuer);
            if (outcome.present()) {
                return outcome;
            }
            problems.add("OCSP " + responder + ": " + outcome.problem());
        }
        return Outcome.failed(String.join("; ", problems));
    }

    private Outcome<OcspAnswer> ask(URI responder, CertificateID id, IssuerFacts issuer) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Extension nonceExtension;
        byte[] request;
        try {
            nonceExtension = new Extension(
                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(new DEROctetString(nonce)));
            OCSPReq built = new OCSPReqBuilder()
                    .addRequest(id)
                    .setRequestExtensions(new Extensions(nonceExtension))
                    .build();
            request = built.getEncoded();
        } catch (IOException | OCSPException e) {
            return Outcome.failed("the request cannot be built: " + CertificateSources.problem(e));
        }
        LOG.debug(
                "Asking the OCSP responder {} about serial {}",
                responder,
                id.getSerialNumber().toString(16));
        byte[] body;
        try {
            body = fetcher.post(
                    responder, "application/ocsp-request", request, "application/ocsp-response", MAX_RESPONSE_BYTES);
        } catch (IOException e) {
            LOG.warn("The OCSP responder {} is unreachable: {}", responder, CertificateSources.problem(e));
            return Outcome.failed("the responder is unreachable: " + CertificateSources.problem(e));
        }
        return answer(responder, body, id, nonceExtension, issuer);
    }

    private Outcome<OcspAnswer> answer(
            URI responder, byte[] body, CertificateID id, Extension nonce, IssuerFacts issuer) {
        BasicOCSPResp basic;
        try {
            OCSPResp response = new OCSPResp(body);
            if (response.getStatus() != OCSPResp.SUCCESSFUL) {
                return Outcome.failed("the responder answered " + responseStatusName(response.getStatus()));
            }
            if (!(response.getResponseObject() instanceof BasicOCSPResp parsed)) {
                return Outcome.failed("the answer is not a basic OCSP response");
            }
            basic = parsed;
        } catch (IOException | OCSPException | IllegalArgumentException e) {
            return Outcome.failed("the answer is not an OCSP response: " + CertificateSources.problem(e));
        }
        String signatureProblem = signatureProblem(basic, issuer);
        if (signatureProblem != null) {
            return Outcome.failed(signatureProblem);
        }
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        // A responder serving pre-produced answers echoes no nonce; the freshness checks below then bound its age.
        if (echoed != null && !echoed.getExtnValue().equals(nonce.getExtnValue())) {
            return Outcome.failed(
                    "the response's nonce does not match the request's (a replayed or misdirected answer)");
        }
        SingleResp single = Arrays.stream(basic.getResponses())
                .filter(candidate -> sameCertificate(candidate.getCertID(), id))
                .findFirst()
                .orElse(null);
        if (single == null) {
            return Outcome.failed("the response says nothing about the certificate");
        }
        Instant now = clock.instant();
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate =
                single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(settings.clockSkew()))) {
            return Outcome.failed("the response's thisUpdate " + thisUpdate + " lies in the future");
        }
        if (nextUpdate != null && !now.isBefore(nextUpdate)) {
            return Outcome.failed("the response is stale: its nextUpdate " + nextUpdate + " has passed");
        }
        Instant oldest = thisUpdate.plus(settings.maxAge());
        if (nextUpdate == null && !now.isBefore(oldest)) {
            return Outcome.failed(
                    "the response is stale: its thisUpdate " + thisUpdate + " is older than " + settings.maxAge());
        }
        Instant freshUntil = nextUpdate != null ? nextUpdate : earlier(now.plus(settings.defaultValidity()), oldest);
        String source = "OCSP " + responder;
        CertificateStatus status = single.getCertStatus();
        if (status == CertificateStatus.GOOD) {
            return Outcome.of(new OcspAnswer(RevocationStatus.good(source), freshUntil));
        }
        if (status instanceof RevokedStatus revoked) {
            String reason = revoked.hasRevocationReason()
                    ? RevocationReason.name(revoked.getRevocationReason())
                    : "unspecified";
            return Outcome.of(new OcspAnswer(
                    RevocationStatus.revoked(source, revoked.getRevocationTime().toInstant(), reason), freshUntil));
        }
        return Outcome.failed("the responder does not know the certificate (status unknown)");
    }

    /** Null when the response is signed by the issuer or by a responder the issuer delegated OCSP signing to. */
    private String signatureProblem(BasicOCSPResp response, IssuerFacts issuer) {
        RespID responderId = response.getResponderId();
        try {
            if (responderId.equals(issuer.byName()) || responderId.equals(issuer.byKey())) {
                return response.isSignatureValid(issuer.verifier())
                        ? null
                        : "the response signature does not verify with the issuer's key";
            }
            for (X509CertificateHolder candidate : response.getCerts()) {
                if (!responderId.equals(new RespID(candidate.getSubject()))
                        && !responderId.equals(new RespID(candidate.getSubjectPublicKeyInfo(), sha1()))) {
                    continue;
                }
                String delegation = delegationProblem(candidate, issuer);
                if (delegation != null) {
                    return delegation;
                }
                return response.isSignatureValid(new JcaContentVerifierProviderBuilder().build(candidate))
                        ? null
                        : "the response signature does not verify with the key of the responder certificate '"
                                + candidate.getSubject() + "'";
            }
            return "the response is signed by neither the issuer nor a responder certificate it carries";
        } catch (OCSPException | OperatorCreationException | CertificateException e) {
            return "the response signature cannot be checked: " + CertificateSources.problem(e);
        }
    }

    /** Null when the certificate is an OCSP responder certificate the issuer delegated to (RFC 6960 §4.2.2.2). */
    private String delegationProblem(X509CertificateHolder responder, IssuerFacts issuer) {
        String name = "the responder certificate '" + responder.getSubject() + "'";
        if (!responder.getIssuer().equals(issuer.certificate().getSubject())) {
            return name + " is not issued by the certificate's issuer";
        }
        try {
            if (!responder.isSignatureValid(issuer.verifier())) {
                return name + " is not signed by the issuer's key";
            }
        } catch (CertException e) {
            return name + " cannot be checked: " + CertificateSources.problem(e);
        }
        ExtendedKeyUsage usage =
                responder.getExtensions() == null ? null : ExtendedKeyUsage.fromExtensions(responder.getExtensions());
        if (usage == null || !usage.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
            return name + " is not authorised to sign OCSP responses (no id-kp-OCSPSigning extended key usage)";
        }
        if (!responder.isValidOn(Date.from(clock.instant()))) {
            return name + " is not valid now";
        }
        return null;
    }

    private Outcome<IssuerFacts> issuerFacts(X509Certificate issuer) {
        IssuerFacts known = issuers.get(issuer);
        if (known != null) {
            return Outcome.of(known);
        }
        try {
            X509CertificateHolder holder = new JcaX509CertificateHolder(issuer);
            CertificateID template = new CertificateID(sha1(), holder, BigInteger.ONE);
            IssuerFacts facts = new IssuerFacts(
                    holder,
                    template,
                    Hex.toHexString(template.getIssuerKeyHash()),
                    new RespID(holder.getSubject()),
                    new RespID(holder.getSubjectPublicKeyInfo(), sha1()),
                    new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()));
            if (issuers.size() >= MAX_ISSUERS) {
                issuers.clear();
            }
            issuers.put(issuer, facts);
            return Outcome.of(facts);
        } catch (CertificateEncodingException | OCSPException | OperatorCreationException e) {
            return Outcome.failed("the issuer certificate cannot be used to ask: " + CertificateSources.problem(e));
        }
    }

    /** CertID as RFC 6960 defines it is SHA-1 based; a fresh calculator each time, since one is not thread-safe. */
    private static DigestCalculator sha1() throws OperatorCreationException {
        return new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1);
    }

    private static boolean sameCertificate(CertificateID answered, CertificateID asked) {
        return answered.getHashAlgOID().equals(asked.getHashAlgOID())
                && Arrays.equals(answered.getIssuerNameHash(), asked.getIssuerNameHash())
                && Arrays.equals(answered.getIssuerKeyHash(), asked.getIssuerKeyHash())
                && answered.getSerialNumber().equals(asked.getSerialNumber());
    }

    private static Instant earlier(Instant one, Instant other) {
        return one.isBefore(other) ? one : other;
    }

    private static String responseStatusName(int status) {
        return switch (status) {
            case OCSPResp.MALFORMED_REQUEST -> "malformedRequest";
            case OCSPResp.INTERNAL_ERROR -> "internalError";
            case OCSPResp.TRY_LATER -> "tryLater";
            case OCSPResp.SIG_REQUIRED -> "sigRequired";
            case OCSPResp.UNAUTHORIZED -> "unauthorized";
            default -> "status " + status;
        };
    }
}
