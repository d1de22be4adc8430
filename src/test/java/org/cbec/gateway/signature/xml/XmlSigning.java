package org.cbec.gateway.signature.xml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.ObjectContainer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.cbec.gateway.testing.TestPki.Credential;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Signs test documents the way a partner's XMLDSig library does: Santuario, on a document PARSED from
 * bytes (a DOM built in code lacks the namespace declarations that canonicalisation sees after a
 * re-parse, and would not verify once serialised), serialised back to bytes.
 */
final class XmlSigning {

    static final String RSA_SHA256 = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256;
    static final String RSA_SHA1 = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1;
    static final String ECDSA_SHA256 = XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256;
    static final String SHA256 = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256;
    static final String SHA1 = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1;

    static {
        Init.init();
    }

    /** What to sign and how; the defaults make the signature the gateway expects. */
    static final class Options {
        String signatureMethod = RSA_SHA256;
        String digestMethod = SHA256;
        boolean withCertificates = true;
        List<X509Certificate> certificates;
        Instant signedSigningTime;
        Instant unsignedSigningTime;
        String referenceUri = "";
        String idToRegister;

        Options signatureMethod(String uri) {
            signatureMethod = uri;
            return this;
        }

        Options digestMethod(String uri) {
            digestMethod = uri;
            return this;
        }

        Options withoutCertificates() {
            withCertificates = false;
            return this;
        }

        Options certificates(List<X509Certificate> carried) {
            certificates = carried;
            return this;
        }

        /** A XAdES SigningTime in SignedProperties covered by a second Reference (XAdES-BES). */
        Options signedSigningTime(Instant time) {
            signedSigningTime = time;
            return this;
        }

        /** A XAdES SigningTime that no Reference covers. */
        Options unsignedSigningTime(Instant time) {
            unsignedSigningTime = time;
            return this;
        }

        /** Signs the element whose {@code Id} attribute has this value instead of the whole document. */
        Options referenceById(String id) {
            referenceUri = "#" + id;
            idToRegister = id;
            return this;
        }
    }

    private XmlSigning() {}

    static byte[] sign(String xml, Credential signer) {
        return sign(xml.getBytes(StandardCharsets.UTF_8), signer, new Options());
    }

    static byte[] sign(String xml, Credential signer, Options options) {
        return sign(xml.getBytes(StandardCharsets.UTF_8), signer, options);
    }

    /** The document with an enveloped ds:Signature appended to its document element. */
    static byte[] sign(byte[] xml, Credential signer, Options options) {
        try {
            Document document = parse(xml);
            Element root = document.getDocumentElement();
            XMLSignature signature = new XMLSignature(
                    document, "", options.signatureMethod, Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
            root.appendChild(signature.getElement());

            Transforms transforms = new Transforms(document);
            if (options.idToRegister == null) {
                transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            } else {
                registerId(root, options.idToRegister);
            }
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument(options.referenceUri, transforms, options.digestMethod);

            if (options.signedSigningTime != null) {
                Element signedProperties = appendQualifyingProperties(document, signature, options.signedSigningTime);
                signedProperties.setIdAttributeNS(null, "Id", true);
                Transforms c14n = new Transforms(document);
                c14n.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
                signature.addDocument(
                        "#xades-signed-properties",
                        c14n,
                        options.digestMethod,
                        null,
                        XmlSignatureVerifier.SIGNED_PROPERTIES_TYPE);
            }
            if (options.unsignedSigningTime != null) {
                appendQualifyingProperties(document, signature, options.unsignedSigningTime);
            }
            if (options.withCertificates) {
                for (X509Certificate certificate :
                        options.certificates == null ? signer.chain() : options.certificates) {
                    signature.addKeyInfo(certificate);
                }
            } else {
                signature.addKeyInfo(signer.certificate().getPublicKey());
            }
            signature.sign(signer.key());
            return serialise(document);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test document", e);
        }
    }

    /**
     * A signed document whose ds:SignedInfo is changed and then signed again as it is (RSA-SHA256, exclusive
     * canonicalisation, as {@link #sign} makes it): Santuario would recompute the digests, this keeps what is written.
     */
    static byte[] withSignedInfoChanged(byte[] signed, Credential signer, Consumer<Element> change) {
        try {
            Document document = parse(signed);
            Element signedInfo = (Element) document.getElementsByTagNameNS(XmlSignatureVerifier.DSIG, "SignedInfo")
                    .item(0);
            change.accept(signedInfo);
            ByteArrayOutputStream canonical = new ByteArrayOutputStream();
            Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS)
                    .canonicalizeSubtree(signedInfo, canonical);
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signer.key());
            rsa.update(canonical.toByteArray());
            document.getElementsByTagNameNS(XmlSignatureVerifier.DSIG, "SignatureValue")
                    .item(0)
                    .setTextContent(Base64.getEncoder().encodeToString(rsa.sign()));
            return serialise(document);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the changed SignedInfo again", e);
        }
    }

    /** The parsed document, namespace aware, as a partner's library would read it. */
    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    static byte[] serialise(Document document) throws Exception {
        Transformer transformer = TransformerFactory.newDefaultInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transformer.transform(new DOMSource(document), new StreamResult(out));
        return out.toByteArray();
    }

    /** ds:Object/xades:QualifyingProperties/xades:SignedProperties, parsed from text so that it has its xmlns. */
    private static Element appendQualifyingProperties(Document document, XMLSignature signature, Instant signingTime)
            throws Exception {
        String xades = """
                <xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#signature">\
                <xades:SignedProperties Id="xades-signed-properties"><xades:SignedSignatureProperties>\
                <xades:SigningTime>%s</xades:SigningTime>\
                </xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties>""".formatted(signingTime);
        Node qualifying = document.importNode(
                parse(xades.getBytes(StandardCharsets.UTF_8)).getDocumentElement(), true);
        ObjectContainer object = new ObjectContainer(document);
        object.appendChild(qualifying);
        signature.appendObject(object);
        return (Element) ((Element) qualifying)
                .getElementsByTagNameNS(XmlSignatureVerifier.XADES, "SignedProperties")
                .item(0);
    }

    private static void registerId(Element element, String id) {
        if (id.equals(element.getAttributeNS(null, "Id"))) {
            element.setIdAttributeNS(null, "Id", true);
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element childElement) {
                registerId(childElement, id);
            }
        }
    }
}
