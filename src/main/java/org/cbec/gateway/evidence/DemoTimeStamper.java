package org.cbec.gateway.evidence;

import java.math.BigInteger;
import java.time.Clock;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;

/**
 * The built-in DEMO time-stamping authority of the embedded demo ({@code gateway.evidence.tsa.url} empty): RFC 3161
 * tokens made in process with the demo TSA key of {@code certs-example/tsa/}. Its key is public: its tokens prove
 * nothing to anyone else, which the log says at start.
 */
public final class DemoTimeStamper implements TimeStamper {
    /** The demo TSA's policy: an arc of no registered meaning, as befits a demo. */
    static final ASN1ObjectIdentifier DEMO_POLICY = new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.3161.1");

    private final TimeStampTokenGenerator generator;
    private final Clock clock;
    private final AtomicLong serials;

    public DemoTimeStamper(GatewaySigningKey tsaKey, Clock clock) {
        this.clock = clock;
        this.serials = new AtomicLong(clock.millis());
        try {
            generator = new TimeStampTokenGenerator(
                    new JcaSimpleSignerInfoGeneratorBuilder()
                            .build("SHA256withRSA", tsaKey.key(), tsaKey.certificate()),
                    new JcaDigestCalculatorProviderBuilder()
                            .build()
                            .get(new DefaultDigestAlgorithmIdentifierFinder().find("SHA-256")),
                    DEMO_POLICY);
            generator.addCertificates(new JcaCertStore(tsaKey.chain()));
        } catch (Exception e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "the demo TSA key cannot sign time-stamps: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public synchronized byte[] stamp(byte[] data) {
        try {
            TimeStampRequestGenerator request = new TimeStampRequestGenerator();
            request.setCertReq(true);
            return generator
                    .generate(
                            request.generate(TSPAlgorithms.SHA256, HttpTimeStamper.sha256(data)),
                            BigInteger.valueOf(serials.incrementAndGet()),
                            Date.from(clock.instant()))
                    .getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw new GatewayException(
                    GatewayError.EVIDENCE_UNAVAILABLE, "the demo TSA cannot stamp: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "the built-in DEMO TSA";
    }
}
