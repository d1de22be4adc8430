package org.cbec.gateway.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.apache.xml.security.Init;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One business document signed by one credential in each signature container the gateway accepts (CONTRACT.md §3),
 * as a partner's library would make it: for catalogues that must send the same signer through every container.
 */
public final class ContainerSigning {
    private static final String SOAP_NS = "http://www.w3.org/2003/05/soap-envelope";
    private static final String EXCHANGE_NS = "urn:cbec:gateway:exchange:1";
    private static final String BOUNDARY = "----=_Part_CBEC_ContainerSigning";

    static {
        Init.init();
    }

    private ContainerSigning() {}

    /** A body and the Content-Type and path it is POSTed with. */
    public record Signed(String container, String path, String contentType, byte[] body) {
        public boolean soap() {
            return path.startsWith("/soap/");
        }

        @Override
        public String toString() {
            return container;
        }
    }

    /** The containers that carry any business document; XMLDSig is separate, as it signs an XML document in place. */
    public static List<Signed> nonXml(byte[] document, TestPki.Credential signer) {
        return List.of(cms(document, signer), smime(document, signer), jws(document, signer), soap(document, signer));
    }

    public static Signed cms(byte[] document, TestPki.Credential signer) {
        return new Signed("CMS", "/api/v1/inbound", "application/pkcs7-mime", TestPki.signCms(document, signer));
    }

    /** multipart/signed with a detached CMS signature over the first part, headers included (RFC 8551 §3.5). */
    public static Signed smime(byte[] document, TestPki.Credential signer) {
        return smime(document, signer, Instant.now(), java.util.function.UnaryOperator.identity());
    }

    /** The same signed at a claimed time, its detached CMS changed (a time-stamp token attached, say) before it is sent. */
    public static Signed smime(
            byte[] document,
            TestPki.Credential signer,
            Instant signingTime,
            java.util.function.UnaryOperator<byte[]> change) {
        byte[] part =
                concat("Content-Type: text/plain; charset=utf-8\r\n\r\n".getBytes(StandardCharsets.US_ASCII), document);
        byte[] signature = change.apply(detachedCms(part, signer, signingTime));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(part);
        body.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n"
                        + Base64.getMimeEncoder().encodeToString(signature)
                        + "\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return new Signed(
                "S/MIME",
                "/api/v1/inbound",
                "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=\"sha-256\"; " + "boundary=\""
                        + BOUNDARY + "\"",
                body.toByteArray());
    }

    /** JWS compact, RS256, with the signer's chain in x5c. */
    public static Signed jws(byte[] document, TestPki.Credential signer) {
        return jws(document, signer, signer.chain());
    }

    /** The same with the given certificates in x5c, signer first. */
    public static Signed jws(byte[] document, TestPki.Credential signer, List<X509Certificate> x5c) {
        try {
            List<com.nimbusds.jose.util.Base64> chain = new ArrayList<>();
            for (X509Certificate certificate : x5c) {
                chain.add(com.nimbusds.jose.util.Base64.encode(certificate.getEncoded()));
            }
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .type(JOSEObjectType.JOSE)
                            .x509CertChain(chain)
                            .build(),
                    new Payload(document));
            jws.sign(new RSASSASigner(signer.key()));
            return new Signed(
                    "JWS",
                    "/api/v1/inbound",
                    "application/jose",
                    jws.serialize().getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test JWS", e);
        }
    }

    /**
     * SOAP 1.2 with a WS-Security X.509 signature over the Body and a fresh Timestamp; the BinarySecurityToken is the
     * signer's certificate, or under an intermediate CA a PKIPath of its chain.
     */
    public static Signed soap(byte[] document, TestPki.Credential signer) {
        try {
            String xml = "<soap:Envelope xmlns:soap=\"" + SOAP_NS + "\"><soap:Body><ex:SubmitDocument xmlns:ex=\""
                    + EXCHANGE_NS + "\"><ex:Document>" + Base64.getEncoder().encodeToString(document)
                    + "</ex:Document></ex:SubmitDocument></soap:Body></soap:Envelope>";
            Document envelope = parse(xml.getBytes(StandardCharsets.UTF_8));
            WSSecHeader header = new WSSecHeader(envelope);
            header.insertSecurityHeader();
            WSSecTimestamp timestamp = new WSSecTimestamp(header);
            timestamp.setTimeToLive(300);
            timestamp.build();
            WSSecSignature signature = new WSSecSignature(header);
            signature.setUserInfo("partner", "partner-key");
            signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
            // Under an intermediate CA the token is a PKIPath (X509PKIPathv1) with the chain up to the anchor.
            signature.setUseSingleCertificate(signer.chain().stream()
                    .skip(1)
                    .allMatch(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal())));
            signature.setSignatureAlgorithm("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
            signature.setDigestAlgo("http://www.w3.org/2001/04/xmlenc#sha256");
            signature.getParts().add(new WSEncryptionPart("Body", SOAP_NS, "Element"));
            signature.getParts().add(new WSEncryptionPart("Timestamp", WSConstants.WSU_NS, "Element"));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    "partner",
                    signer.key(),
                    "partner-key".toCharArray(),
                    signer.chain().toArray(new X509Certificate[0]));
            Merlin crypto = new Merlin();
            crypto.setKeyStore(store);
            signature.build(crypto);
            return new Signed("SOAP", "/soap/v1/exchange", "application/soap+xml; charset=utf-8", serialise(envelope));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test SOAP envelope", e);
        }
    }

    /** An XML business document with an enveloped XMLDSig signature (RSA-SHA256, exclusive c14n) and the signer's chain in X509Data. */
    public static Signed xml(String document, TestPki.Credential signer) {
        return xml(document, signer, null);
    }

    /** The same with a XAdES SigningTime in SignedProperties, which a second Reference covers (XAdES-BES); none when null. */
    public static Signed xml(String document, TestPki.Credential signer, Instant signingTime) {
        try {
            Document parsed = parse(document.getBytes(StandardCharsets.UTF_8));
            Element root = parsed.getDocumentElement();
            XMLSignature signature = new XMLSignature(
                    parsed,
                    "",
                    XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
                    Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
            root.appendChild(signature.getElement());
            Transforms transforms = new Transforms(parsed);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument("", transforms, "http://www.w3.org/2001/04/xmlenc#sha256");
            if (signingTime != null) {
                String xades =
                        ("<xades:QualifyingProperties xmlns:xades=\"http://uri.etsi.org/01903/v1.3.2#\" Target=\"#signature\">"
                                        + "<xades:SignedProperties Id=\"xades-signed-properties\"><xades:SignedSignatureProperties>"
                                        + "<xades:SigningTime>%s</xades:SigningTime></xades:SignedSignatureProperties></xades:SignedProperties>"
                                        + "</xades:QualifyingProperties>")
                                .formatted(signingTime);
                org.w3c.dom.Node qualifying = parsed.importNode(
                        parse(xades.getBytes(StandardCharsets.UTF_8)).getDocumentElement(), true);
                org.apache.xml.security.signature.ObjectContainer object =
                        new org.apache.xml.security.signature.ObjectContainer(parsed);
                object.appendChild(qualifying);
                signature.appendObject(object);
                ((Element) ((Element) qualifying)
                                .getElementsByTagNameNS("http://uri.etsi.org/01903/v1.3.2#", "SignedProperties")
                                .item(0))
                        .setIdAttributeNS(null, "Id", true);
                Transforms c14n = new Transforms(parsed);
                c14n.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
                signature.addDocument(
                        "#xades-signed-properties",
                        c14n,
                        "http://www.w3.org/2001/04/xmlenc#sha256",
                        null,
                        "http://uri.etsi.org/01903#SignedProperties");
            }
            for (X509Certificate certificate : signer.chain()) {
                signature.addKeyInfo(certificate);
            }
            signature.sign(signer.key());
            return new Signed("XMLDSig", "/api/v1/inbound", "application/xml", serialise(parsed));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test XML document", e);
        }
    }

    /** A detached CMS signature (SHA256withRSA, signing-time attribute, the signer's chain). */
    public static byte[] detachedCms(byte[] content, TestPki.Credential signer, Instant signingTime) {
        try {
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                            new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(
                            new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.key()), signer.certificate()));
            generator.addCertificates(new JcaCertStore(signer.chain()));
            return generator
                    .generate(new CMSProcessableByteArray(content), false)
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test message", e);
        }
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static byte[] serialise(Document document) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
