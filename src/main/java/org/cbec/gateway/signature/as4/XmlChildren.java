package org.cbec.gateway.signature.as4;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Child elements by namespace and local name. */
final class XmlChildren {
    private XmlChildren() {}

    static Element first(Element parent, String namespace, String localName) {
        List<Element> found = all(parent, namespace, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    static List<Element> all(Element parent, String namespace, String localName) {
        List<Element> result = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element
                    && localName.equals(element.getLocalName())
                    && namespace.equals(element.getNamespaceURI())) {
                result.add(element);
            }
        }
        return result;
    }
}
