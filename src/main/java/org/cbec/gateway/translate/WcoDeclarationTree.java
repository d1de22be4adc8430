package org.cbec.gateway.translate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The XML side of {@link WcoDeclarationXmlTranslator}: one SAX pass with the hardened reader of {@link SecureXml}
 * that gives every element its path ({@code /Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]}) and line, and
 * keeps the tree of the declaration's own elements; foreign subtrees are skipped whole.
 */
final class WcoDeclarationTree {
    private WcoDeclarationTree() {}

    /** Reads the document with the hardened parser; a document that is no well-formed XML has {@code failure}. */
    static Reading read(byte[] document) {
        Reading reading = new Reading();
        try {
            XMLReader reader = SecureXml.reader();
            reader.setContentHandler(reading);
            reader.parse(new InputSource(new ByteArrayInputStream(document)));
        } catch (SAXParseException e) {
            reading.failure = SecureXml.describe(e);
        } catch (SAXException | IOException e) {
            // the JDK reports some encoding defects as I/O errors rather than parse errors
            reading.failure = new LocatedError("document", "not readable as XML: " + e.getMessage());
        }
        return reading;
    }

    /** One element of the declaration's namespace (or the root, whatever its namespace), with its text. */
    static final class Node {
        final String name;
        final boolean ours;
        final String path;
        final int line;
        final Map<String, String> attributes;
        final List<Node> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        Node(String name, boolean ours, String path, int line, Map<String, String> attributes) {
            this.name = name;
            this.ours = ours;
            this.path = path;
            this.line = line;
            this.attributes = attributes;
        }

        List<Node> all(String childName) {
            return children.stream()
                    .filter(child -> child.name.equals(childName))
                    .toList();
        }
    }

    /** One element open in the SAX pass: its path, and how many children of each name it has had so far. */
    private static final class Frame {
        final String path;
        final Node node;
        final Map<String, Integer> childCounts = new HashMap<>();

        Frame(String path, Node node) {
            this.path = path;
            this.node = node;
        }
    }

    /** The SAX pass: tracks the path of the current element and builds the tree of the declaration's elements. */
    static final class Reading extends DefaultHandler {
        private final Deque<Frame> frames = new ArrayDeque<>();
        private Locator locator;
        Node root;
        LocatedError failure;

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            boolean ours = WcoDeclarationXmlTranslator.NAMESPACE.equals(uri);
            String name = ours ? localName : qName;
            Frame parent = frames.peek();
            String path;
            if (parent == null) {
                path = "/" + name;
            } else {
                // counted by namespace and local name: an unprefixed foreign ID is not a second WCO ID
                int index = parent.childCounts.merge("{" + uri + "}" + localName, 1, Integer::sum);
                boolean indexed = index > 1 || (ours && WcoDeclarationXmlTranslator.GOODS_ITEM.equals(localName));
                path = parent.path + "/" + name + (indexed ? "[" + index + "]" : "");
            }
            Node node = null;
            if (parent == null) {
                node = new Node(name, ours, path, line(), attributes(attributes));
                root = node;
            } else if (ours && parent.node != null && parent.node.ours) {
                // only the declaration's own elements under its own elements: a foreign subtree is skipped whole
                node = new Node(name, true, path, line(), attributes(attributes));
                parent.node.children.add(node);
            }
            frames.push(new Frame(path, node));
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            frames.pop();
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            Frame frame = frames.peek();
            if (frame != null && frame.node != null) {
                frame.node.text.append(ch, start, length);
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

        private int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }
    }
}
