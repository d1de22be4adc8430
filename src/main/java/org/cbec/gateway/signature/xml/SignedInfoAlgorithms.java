package org.cbec.gateway.signature.xml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.AlgorithmPolicy;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.translate.DomChildren;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Every algorithm one {@code ds:SignedInfo} names, read from the DOM before any digest is computed, for enveloped
 * XMLDSig and SOAP WS-Security alike: the CanonicalizationMethod and every Reference's transforms are checked
 * against {@link AlgorithmPolicy#XML_TRANSFORMS} here, and every Reference's DigestMethod is reported in the
 * {@link SignatureAlgorithm} for the partner's algorithm policy to judge beside the SignatureMethod.
 */
public final class SignedInfoAlgorithms {
    private static final String DSIG = XmlSignatureVerifier.DSIG;

    private SignedInfoAlgorithms() {}

    /**
     * @throws GatewayException ALGORITHM_NOT_ALLOWED for a transform, canonicalisation, digest or signature method the
     *         gateway does not take; MALFORMED_MESSAGE when SignedInfo lacks its CanonicalizationMethod,
     *         SignatureMethod or a Reference's one DigestMethod
     */
    public static SignatureAlgorithm read(Element signedInfo) {
        return read(signedInfo, java.util.Set.of());
    }

    /**
     * The same, also taking the given transforms on a Reference to a MIME attachment ({@code cid:}): the SOAP with
     * Attachments transforms of an AS4 signature, which mean nothing anywhere else.
     */
    public static SignatureAlgorithm read(Element signedInfo, java.util.Set<String> attachmentTransforms) {
        Element canonicalisation = only(signedInfo, "CanonicalizationMethod", "ds:SignedInfo");
        AlgorithmPolicy.checkXmlTransform(canonicalisation.getAttribute("Algorithm"), "CanonicalizationMethod");
        Element signatureMethod = only(signedInfo, "SignatureMethod", "ds:SignedInfo");
        SignatureAlgorithm method =
                XmlAlgorithms.signatureMethod(signatureMethod.getAttribute("Algorithm"), pssDigest(signatureMethod));
        Map<String, String> digests = new LinkedHashMap<>();
        List<String> referenceDigests = new ArrayList<>();
        List<Element> references = DomChildren.all(signedInfo, DSIG, "Reference");
        if (references.isEmpty()) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the ds:SignedInfo holds no ds:Reference");
        }
        for (Element reference : references) {
            String where = "transform of the Reference URI=\"" + reference.getAttribute("URI") + "\"";
            for (Element transforms : DomChildren.all(reference, DSIG, "Transforms")) {
                for (Node node = transforms.getFirstChild(); node != null; node = node.getNextSibling()) {
                    if (node instanceof Element transform) {
                        if (reference.getAttribute("URI").startsWith("cid:")
                                && DSIG.equals(transform.getNamespaceURI())
                                && attachmentTransforms.contains(transform.getAttribute("Algorithm"))) {
                            continue;
                        }
                        AlgorithmPolicy.checkXmlTransform(
                                DSIG.equals(transform.getNamespaceURI()) && "Transform".equals(transform.getLocalName())
                                        ? transform.getAttribute("Algorithm")
                                        : transform.getTagName(),
                                where);
                    }
                }
            }
            String digestUri = only(
                            reference, "DigestMethod", "ds:Reference URI=\"" + reference.getAttribute("URI") + "\"")
                    .getAttribute("Algorithm");
            String digest = XmlAlgorithms.digestMethod(digestUri);
            digests.put(digestUri, digest);
            referenceDigests.add(digest);
        }
        SignatureAlgorithm weakest = XmlAlgorithms.withWeakestDigest(method, digests);
        return new SignatureAlgorithm(weakest.digest(), weakest.scheme(), weakest.name(), referenceDigests);
    }

    private static Element only(Element parent, String localName, String where) {
        List<Element> found = DomChildren.all(parent, DSIG, localName);
        if (found.size() != 1) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the " + where + " must hold exactly one ds:" + localName);
        }
        return found.get(0);
    }

    private static String pssDigest(Element signatureMethod) {
        for (Element params :
                DomChildren.all(signatureMethod, "http://www.w3.org/2007/05/xmldsig-more#", "RSAPSSParams")) {
            for (Element digest : DomChildren.all(params, DSIG, "DigestMethod")) {
                return digest.getAttribute("Algorithm");
            }
        }
        return null;
    }
}
