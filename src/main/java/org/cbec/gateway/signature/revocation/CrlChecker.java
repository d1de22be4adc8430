package org.cbec.gateway.signature.revocation;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.cbec.gateway.signature.revocation.AnswerCache.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation status from CRLs: the partner's local CRL files first (parsed once, read again when the file
 * changes), otherwise the certificate's http distribution points (fetched once, kept until nextUpdate).
 */
final class CrlChecker {
    private static final Logger LOG = LoggerFactory.getLogger(CrlChecker.class);
    /** Large national CAs publish CRLs of some megabytes; anything beyond this is not a CRL we want in memory. */
    private static final int MAX_CRL_BYTES = 32 * 1024 * 1024;

    /** A downloaded CRL is kept per distribution point and per issuer key that it was checked against. */
    private record DistributionPointKey(URI url, PublicKey issuerKey) {}

    /** One version of a local CRL file, told apart by modification time and size. */
    private record LocalCrlFile(FileTime modified, long size, List<ParsedCrl> crls, String problem) {
        boolean isVersion(FileTime otherModified, long otherSize) {
            return modified.equals(otherModified) && size == otherSize;
        }
    }

    private final HttpFetcher fetcher;
    private final Clock clock;
    private final RevocationSettings settings;
    private final ConcurrentHashMap<Path, LocalCrlFile> localFiles = new ConcurrentHashMap<>();
    private final AnswerCache<DistributionPointKey, ParsedCrl> downloaded;

    CrlChecker(HttpFetcher fetcher, Clock clock, RevocationSettings settings) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.settings = settings;
        this.downloaded = new AnswerCache<>(
                clock, ParsedCrl::freshUntil, settings.networkTimeout().plusSeconds(1));
    }

    RevocationStatus status(X509Certificate certificate, X509Certificate issuer, List<Path> localCrls) {
        List<String> problems = new ArrayList<>();
        boolean localFromIssuer = false;
        for (Path file : localCrls) {
            LocalCrlFile local = localFile(file);
            String source = "local CRL file " + file;
            if (local.problem() != null) {
                problems.add(source + ": " + local.problem());
                continue;
            }
            for (ParsedCrl crl : local.crls()) {
                if (!crl.issuer().equals(certificate.getIssuerX500Principal())) {
                    continue;
                }
                localFromIssuer = true;
                String unusable = unusable(crl, certificate, issuer);
                if (unusable != null) {
                    problems.add(source + ": " + unusable);
                    continue;
                }
                return crl.statusOf(certificate, source);
            }
        }
        List<URI> points = CertificateSources.crlDistributionPoints(certificate);
        for (URI point : points) {
            String source = "CRL " + point;
            Outcome<ParsedCrl> outcome = downloaded.get(
                    new DistributionPointKey(point, issuer.getPublicKey()), () -> download(point, issuer));
            String unusable = outcome.present() ? unusable(outcome.value(), certificate, issuer) : outcome.problem();
            if (unusable != null) {
                problems.add(source + ": " + unusable);
                continue;
            }
            return outcome.value().statusOf(certificate, source);
        }
        if (points.isEmpty()) {
            problems.add("CRL: " + (localFromIssuer ? "" : "no local CRL file is from its issuer and ")
                    + "it names no http CRL distribution point");
        }
        return RevocationStatus.unknown("CRL", String.join("; ", problems));
    }

    /** Why the CRL cannot speak for the certificate now, or null when it can. */
    private String unusable(ParsedCrl crl, X509Certificate certificate, X509Certificate issuer) {
        if (!crl.isSignedBy(issuer.getPublicKey())) {
            return "its signature does not verify with the key of the issuer '"
                    + issuer.getSubjectX500Principal().getName() + "'";
        }
        Instant now = clock.instant();
        if (crl.thisUpdate().isAfter(now.plus(settings.clockSkew()))) {
            return "its thisUpdate " + crl.thisUpdate() + " lies in the future";
        }
        if (!now.isBefore(crl.freshUntil())) {
            return "it " + staleness(crl);
        }
        return crl.scopeProblem(certificate);
    }

    private String staleness(ParsedCrl crl) {
        return crl.nextUpdate() != null
                ? "is past its nextUpdate " + crl.nextUpdate()
                : "has no nextUpdate and its thisUpdate " + crl.thisUpdate() + " is older than " + settings.maxAge();
    }

    private Outcome<ParsedCrl> download(URI point, X509Certificate issuer) {
        LOG.debug("Fetching the CRL {}", point);
        byte[] body;
        try {
            body = fetcher.get(point, "application/pkix-crl", MAX_CRL_BYTES);
        } catch (IOException e) {
            LOG.warn("The CRL {} cannot be fetched: {}", point, CertificateSources.problem(e));
            return Outcome.failed("cannot be fetched: " + CertificateSources.problem(e));
        }
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(body));
        } catch (CertificateException | CRLException | ClassCastException e) {
            return Outcome.failed("the answer is not a CRL: " + CertificateSources.problem(e));
        }
        ParsedCrl parsed = new ParsedCrl(crl, freshUntil(crl, clock.instant()));
        if (!parsed.issuer().equals(issuer.getSubjectX500Principal())) {
            return Outcome.failed(
                    "the CRL is issued by '" + parsed.issuer().getName() + "', not by the certificate's issuer '"
                            + issuer.getSubjectX500Principal().getName() + "'");
        }
        if (!parsed.isSignedBy(issuer.getPublicKey())) {
            return Outcome.failed("its signature does not verify with the key of the issuer '"
                    + issuer.getSubjectX500Principal().getName() + "'");
        }
        Instant now = clock.instant();
        if (parsed.thisUpdate().isAfter(now.plus(settings.clockSkew()))) {
            return Outcome.failed("its thisUpdate " + parsed.thisUpdate() + " lies in the future");
        }
        if (!now.isBefore(parsed.freshUntil())) {
            // The CA has not published a newer CRL yet; no status until it does.
            return Outcome.failed("the newest CRL there " + staleness(parsed));
        }
        return Outcome.of(parsed);
    }

    private LocalCrlFile localFile(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return new LocalCrlFile(
                    FileTime.fromMillis(0), -1, List.of(), "cannot be read: " + CertificateSources.problem(e));
        }
        FileTime modified = attributes.lastModifiedTime();
        long size = attributes.size();
        LocalCrlFile known = localFiles.get(file);
        if (known != null && known.isVersion(modified, size)) {
            return known;
        }
        return localFiles.compute(
                file,
                (path, existing) ->
                        existing != null && existing.isVersion(modified, size) ? existing : read(path, modified, size));
    }

    private LocalCrlFile read(Path file, FileTime modified, long size) {
        LOG.info("Reading the local CRL file {}", file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            List<ParsedCrl> crls = new ArrayList<>();
            for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                X509CRL x509 = (X509CRL) crl;
                crls.add(new ParsedCrl(x509, freshUntil(x509, null)));
            }
            return crls.isEmpty()
                    ? new LocalCrlFile(modified, size, List.of(), "holds no CRL")
                    : new LocalCrlFile(modified, size, List.copyOf(crls), null);
        } catch (IOException | CertificateException | CRLException | ClassCastException e) {
            LOG.warn("The local CRL file {} cannot be read: {}", file, CertificateSources.problem(e));
            return new LocalCrlFile(
                    modified, size, List.of(), "is not a readable CRL: " + CertificateSources.problem(e));
        }
    }

    /**
     * Until when a CRL counts: its nextUpdate; without one, until thisUpdate + maxAge, and a downloaded one
     * (fetchedAt not null) is fetched again after the default validity.
     */
    private Instant freshUntil(X509CRL crl, Instant fetchedAt) {
        if (crl.getNextUpdate() != null) {
            return crl.getNextUpdate().toInstant();
        }
        Instant oldest = crl.getThisUpdate().toInstant().plus(settings.maxAge());
        if (fetchedAt == null) {
            return oldest;
        }
        Instant refetch = fetchedAt.plus(settings.defaultValidity());
        return refetch.isBefore(oldest) ? refetch : oldest;
    }
}
