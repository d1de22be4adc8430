package org.cbec.gateway.translate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * One SAX pass of the hardened reader ({@link SecureXml}) that gives every element its path
 * ({@code /Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]}) and line, and keeps the tree of the format's
 * own elements, those of its namespace under its own root; foreign subtrees ({@code ds:Signature}, extensions)
 * are skipped whole. Every XML translator reads through it, so that paths, lines and the hardening are the same
 * for all XML formats.
 *
 * <p>A path names an element of the format's namespace by its local name and any other by its qualified name;
 * siblings are counted by namespace and local name (an unprefixed foreign {@code ID} is not a second {@code ID}
 * of the format), and an element is indexed from the second of a name on, or always when its name is the
 * format's {@code repeating} element.
 *
 * <p>Not final: a format that validates as it reads ({@link AeoStatusXmlReading}) extends it to pass every event
 * on to its schema validator.
 */
class XmlTree extends DefaultHandler {
    private final String namespace;
    private final String repeating;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private Locator locator;
    private Element root;

    /**
     * @param namespace the format's namespace
     * @param repeating the local name of the format's list element, indexed even when it is the only one
     */
    XmlTree(String namespace, String repeating) {
        this.namespace = namespace;
        this.repeating = repeating;
    }

    /**
     * Reads a document into a tree of {@code namespace}.
     *
     * @return the failure of a document that is no well-formed XML, located by line and column
     */
    Optional<LocatedError> read(byte[] document) {
        return SecureXml.read(document, this);
    }

    /** The root element, whatever its namespace (see {@link Element#ours}); null before it is read. */
    Element root() {
        return root;
    }

    /** The path of the element being read, {@code document} outside the root. */
    String currentPath() {
        Frame frame = frames.peek();
        return frame == null ? "document" : frame.path;
    }

    /** The element being read when it is one of the tree's, else empty (foreign content, outside the root). */
    Optional<Element> currentElement() {
        Frame frame = frames.peek();
        return frame == null ? Optional.empty() : Optional.ofNullable(frame.element);
    }

    /** How many elements are open: 1 while in the root. */
    int depth() {
        return frames.size();
    }

    /** The line the parser is on, 0 when it does not say. */
    int line() {
        return locator == null ? 0 : locator.getLineNumber();
    }

    @Override
    public void setDocumentLocator(Locator locator) {
        this.locator = locator;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
        boolean ours = namespace.equals(uri);
        String name = ours ? localName : qName;
        Frame parent = frames.peek();
        String path;
        if (parent == null) {
            path = "/" + name;
        } else {
            int index = parent.childCounts.merge("{" + uri + "}" + localName, 1, Integer::sum);
            boolean indexed = index > 1 || (ours && repeating.equals(localName));
            path = parent.path + "/" + name + (indexed ? "[" + index + "]" : "");
        }
        Element element = null;
        if (parent == null) {
            element = new Element(name, ours, path, line(), attributes(attributes));
            root = element;
        } else if (ours && parent.element != null && parent.element.ours) {
            element = new Element(name, true, path, line(), attributes(attributes));
            parent.element.children.add(element);
        }
        frames.push(new Frame(path, element));
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
        frames.pop();
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
        Frame frame = frames.peek();
        if (frame != null && frame.element != null) {
            frame.element.text.append(ch, start, length);
        }
    }

    /** The attributes without a namespace ({@code unitCode}, {@code currencyID}), by local name. */
    private static Map<String, String> attributes(Attributes attributes) {
        if (attributes.getLength() == 0) {
            return Map.of();
        }
        Map<String, String> unqualified = new HashMap<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            if (attributes.getURI(i).isEmpty()) {
                unqualified.put(attributes.getLocalName(i), attributes.getValue(i));
            }
        }
        return unqualified;
    }

    /** One element of the tree, with its path, line, unqualified attributes and own text. */
    static final class Element {
        /** The local name; the qualified name for a root of another namespace. */
        final String name;
        /** Whether it is of the format's namespace (only a root may be not). */
        final boolean ours;

        final String path;
        final int line;
        final Map<String, String> attributes;
        final List<Element> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        Element(String name, boolean ours, String path, int line, Map<String, String> attributes) {
            this.name = name;
            this.ours = ours;
            this.path = path;
            this.line = line;
            this.attributes = attributes;
        }

        /** The first child of that local name. */
        Optional<Element> child(String childName) {
            return children.stream()
                    .filter(child -> child.name.equals(childName))
                    .findFirst();
        }

        /** Every child of that local name, in document order. */
        List<Element> all(String childName) {
            return children.stream()
                    .filter(child -> child.name.equals(childName))
                    .toList();
        }
    }

    /** One element open in the pass: its path, its tree element if kept, and its children counted by name. */
    private static final class Frame {
        final String path;
        final Element element;
        final Map<String, Integer> childCounts = new HashMap<>();

        Frame(String path, Element element) {
            this.path = path;
            this.element = element;
        }
    }
}
