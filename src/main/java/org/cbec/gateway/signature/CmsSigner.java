package org.cbec.gateway.signature;

import java.io.IOException;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Signs with the gateway's own key into CMS SignedData (DER) with encapsulated content, the gateway's
 * certificate chain and a signing-time attribute: what {@code openssl cms -verify} checks.
 */
public final class CmsSigner {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final GatewaySigningKey signingKey;
    private final Clock clock;
    private final String algorithm;

    public CmsSigner(GatewaySigningKey signingKey, Clock clock) {
        this.signingKey = signingKey;
        this.clock = clock;
        this.algorithm = switch (signingKey.key().getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> "SHA256withRSA";
        };
    }

    public GatewaySigningKey signingKey() {
        return signingKey;
    }

    public byte[] sign(byte[] content) {
        try {
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(clock.instant())))));
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                            .setProvider(BOUNCY_CASTLE)
                            .build())
                    .setSignedAttributeGenerator(
                            new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                    .build(
                            new JcaContentSignerBuilder(algorithm)
                                    .setProvider(BOUNCY_CASTLE)
                                    .build(signingKey.key()),
                            signingKey.certificate()));
            generator.addCertificates(new JcaCertStore(signingKey.chain()));
            // DER, as OpenSSL writes it: Bouncy Castle's default is BER, with the content cut in 1,000-byte pieces.
            return generator
                    .generate(new CMSProcessableByteArray(content), true)
                    .getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | CertificateEncodingException | CMSException | IOException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot sign with the gateway key: " + e.getMessage(), e);
        }
    }
}
