package org.cbec.gateway.translate;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Namespace-aware reading of a DOM parsed by {@link SecureXml#parse}: child elements by namespace and local name,
 * never by prefix, so that a foreign element that happens to share a prefix or a name is never taken for one of
 * the format's. Text, comments and processing instructions between elements are passed over.
 */
public final class DomChildren {
    private DomChildren() {}

    /** The first child element of that namespace and local name; null when there is none. */
    public static Element first(Element parent, String namespace, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (is(node, namespace, localName)) {
                return (Element) node;
            }
        }
        return null;
    }

    /** Every child element of that namespace and local name, in document order. */
    public static List<Element> all(Element parent, String namespace, String localName) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (is(node, namespace, localName)) {
                found.add((Element) node);
            }
        }
        return found;
    }

    /** Every child element, whatever its name, in document order. */
    public static List<Element> elements(Element parent) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                found.add(element);
            }
        }
        return found;
    }

    /** The first child element, whatever its name; null when there is none. */
    public static Element firstElement(Element parent) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                return element;
            }
        }
        return null;
    }

    /** Whether the node is an element of that namespace and local name. */
    public static boolean is(Node node, String namespace, String localName) {
        return node instanceof Element element
                && namespace.equals(element.getNamespaceURI())
                && localName.equals(element.getLocalName());
    }
}
