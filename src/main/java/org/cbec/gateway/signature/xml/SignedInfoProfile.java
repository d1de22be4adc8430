package org.cbec.gateway.signature.xml;

import static org.cbec.gateway.signature.xml.XmlSignatureVerifier.DSIG;
import static org.cbec.gateway.signature.xml.XmlSignatureVerifier.SIGNED_PROPERTIES_TYPE;
import static org.cbec.gateway.signature.xml.XmlSignatureVerifier.XADES;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.xml.security.transforms.Transforms;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.translate.DomChildren;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The one accepted shape of SignedInfo (see {@link XmlSignatureVerifier}), read from the DOM before Santuario
 * computes anything, with the algorithm it uses and the signed XAdES properties if it references them.
 */
record SignedInfoProfile(SignatureAlgorithm algorithm, Optional<Element> signedProperties) {
    private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,127}");

    static SignedInfoProfile check(Element signature, Document document) {
        List<Element> parts = DomChildren.elements(signature);
        if (parts.isEmpty() || !DomChildren.is(parts.get(0), DSIG, "SignedInfo")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the ds:Signature does not start with ds:SignedInfo");
        }
        // every algorithm first, shared with SOAP: a transform or digest the policy refuses is refused before any
        // shape
        SignatureAlgorithm algorithm = SignedInfoAlgorithms.read(parts.get(0));
        List<Element> signedInfo = DomChildren.elements(parts.get(0));
        if (signedInfo.size() < 3
                || !DomChildren.is(signedInfo.get(0), DSIG, "CanonicalizationMethod")
                || !DomChildren.is(signedInfo.get(1), DSIG, "SignatureMethod")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the ds:SignedInfo must hold CanonicalizationMethod, SignatureMethod and a Reference");
        }

        Element documentReference = null;
        Element propertiesReference = null;
        for (Element reference : signedInfo.subList(2, signedInfo.size())) {
            if (!DomChildren.is(reference, DSIG, "Reference")) {
                throw new GatewayException(
                        GatewayError.MALFORMED_MESSAGE,
                        "the ds:SignedInfo holds a " + reference.getTagName() + " where only References may be");
            }
            if (SIGNED_PROPERTIES_TYPE.equals(reference.getAttribute("Type")) && propertiesReference == null) {
                propertiesReference = reference;
            } else if (reference.hasAttribute("URI")
                    && reference.getAttribute("URI").isEmpty()
                    && documentReference == null) {
                documentReference = reference;
            } else {
                throw new GatewayException(
                        GatewayError.SIGNATURE_INVALID,
                        "the Reference URI=\""
                                + reference.getAttribute("URI")
                                + "\" is not accepted: the signature must cover the whole "
                                + "document with one Reference URI=\"\" (and at most its own XAdES SignedProperties)");
            }
        }
        if (documentReference == null) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the signature has no Reference URI=\"\": it does not cover the whole document");
        }
        documentTransforms(documentReference);
        Optional<Element> signedProperties = Optional.empty();
        if (propertiesReference != null) {
            signedProperties = Optional.of(signedPropertiesOf(propertiesReference, signature, document));
        }
        return new SignedInfoProfile(algorithm, signedProperties);
    }

    private static List<String> transforms(Element reference) {
        List<String> algorithms = new ArrayList<>();
        for (Element transforms : DomChildren.all(reference, DSIG, "Transforms")) {
            for (Element transform : DomChildren.elements(transforms)) {
                algorithms.add(
                        DomChildren.is(transform, DSIG, "Transform")
                                ? transform.getAttribute("Algorithm")
                                : transform.getTagName());
            }
        }
        return algorithms;
    }

    /** The enveloped-signature transform, optionally followed by one canonicalisation; nothing else. */
    private static void documentTransforms(Element reference) {
        List<String> transforms = transforms(reference);
        boolean accepted = !transforms.isEmpty()
                && transforms.size() <= 2
                && Transforms.TRANSFORM_ENVELOPED_SIGNATURE.equals(transforms.get(0))
                && (transforms.size() == 1 || XmlAlgorithms.CANONICALISATIONS.contains(transforms.get(1)));
        if (!accepted) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the transforms " + transforms
                            + " of the Reference URI=\"\" are not accepted: only the enveloped-signature transform, "
                            + "optionally followed by one canonicalisation");
        }
    }

    /**
     * The XAdES SignedProperties the reference points to, checked to be this signature's own:
     * {@code ds:Signature/ds:Object/xades:QualifyingProperties/xades:SignedProperties}, the only element
     * of the document with that Id. Marks its Id attribute as an ID so that Santuario finds it.
     */
    private static Element signedPropertiesOf(Element reference, Element signature, Document document) {
        String uri = reference.getAttribute("URI");
        String id = uri.startsWith("#") ? uri.substring(1) : "";
        if (!ID.matcher(id).matches()) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the SignedProperties Reference URI=\"" + uri + "\" is not a plain same-document #Id");
        }
        List<Element> carriers = new ArrayList<>();
        collectIdCarriers(document.getDocumentElement(), id, carriers);
        Element target = carriers.size() == 1 ? carriers.get(0) : null;
        boolean inPlace = target != null
                && DomChildren.is(target, XADES, "SignedProperties")
                && id.equals(target.getAttributeNS(null, "Id"))
                && DomChildren.is(target.getParentNode(), XADES, "QualifyingProperties")
                && DomChildren.is(target.getParentNode().getParentNode(), DSIG, "Object")
                && target.getParentNode().getParentNode().getParentNode() == signature;
        if (!inPlace) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the Reference URI=\"" + uri + "\" must point to the "
                            + "one element with that Id, the xades:SignedProperties in this signature's own ds:Object");
        }
        List<String> transforms = transforms(reference);
        if (transforms.size() > 1
                || (transforms.size() == 1 && !XmlAlgorithms.CANONICALISATIONS.contains(transforms.get(0)))) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the transforms " + transforms
                            + " of the SignedProperties Reference are not accepted: at most one canonicalisation");
        }
        target.setIdAttributeNS(null, "Id", true);
        return target;
    }

    /** Every element with an attribute that could serve as an ID (Id, ID, id, xml:id) of the given value. */
    private static void collectIdCarriers(Element element, String id, List<Element> carriers) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            String name = attribute.getLocalName() == null ? attribute.getName() : attribute.getLocalName();
            if (name.equalsIgnoreCase("id") && id.equals(attribute.getValue())) {
                carriers.add(element);
                break;
            }
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element childElement) {
                collectIdCarriers(childElement, id, carriers);
            }
        }
    }
}
