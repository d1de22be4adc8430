package org.cbec.gateway.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.cbec.gateway.translate.XmlTree.Element;
import org.junit.jupiter.api.Test;

/** The shared XML reading layer on its own: located paths and lines, foreign content, hardening, error lists. */
class XmlTreeTest {
    private static final String NS = "urn:example:list:1";

    private static XmlTree read(String xml) {
        XmlTree tree = new XmlTree(NS, "Item");
        assertEquals(Optional.empty(), tree.read(xml.getBytes(StandardCharsets.UTF_8)));
        return tree;
    }

    @Test
    void paths_index_the_repeating_element_always_and_others_from_the_second_on() {
        XmlTree tree = read("<List xmlns='" + NS + "'>\n<Item><ID>1</ID></Item>\n<Item><ID>2</ID><ID>3</ID></Item>\n"
                + "<Note>a</Note><Note>b</Note></List>");

        Element root = tree.root();
        assertEquals("/List", root.path);
        List<Element> items = root.all("Item");
        assertEquals(
                List.of("/List/Item[1]", "/List/Item[2]"),
                items.stream().map(e -> e.path).toList());
        assertEquals(List.of(2, 3), items.stream().map(e -> e.line).toList());
        assertEquals(
                List.of("/List/Item[2]/ID", "/List/Item[2]/ID[2]"),
                items.get(1).all("ID").stream().map(e -> e.path).toList());
        assertEquals(
                List.of("/List/Note", "/List/Note[2]"),
                root.all("Note").stream().map(e -> e.path).toList());
        assertEquals("3", items.get(1).all("ID").get(1).text.toString());
    }

    @Test
    void foreign_subtrees_are_skipped_whole_and_do_not_count_as_siblings_of_the_format() {
        XmlTree tree = read("<List xmlns='" + NS + "' xmlns:x='urn:other'><Item><x:ID>f</x:ID><ID>1</ID>"
                + "<x:Ext><ID>hidden</ID></x:Ext></Item></List>");

        Element item = tree.root().child("Item").orElseThrow();
        assertEquals(List.of("ID"), item.children.stream().map(e -> e.name).toList());
        assertEquals("/List/Item[1]/ID", item.children.get(0).path); // not ID[2]: the x:ID is another namespace's
        assertEquals("1", item.children.get(0).text.toString());
    }

    @Test
    void a_root_of_another_namespace_is_kept_by_its_qualified_name_without_children() {
        XmlTree tree = read("<o:List xmlns:o='urn:other'><o:Item/></o:List>");

        assertFalse(tree.root().ours);
        assertEquals("/o:List", tree.root().path);
        assertTrue(tree.root().children.isEmpty());
    }

    @Test
    void unqualified_attributes_are_kept_by_local_name() {
        XmlTree tree = read("<List xmlns='" + NS + "' xmlns:x='urn:other'><Item unit='KGM' x:unit='no'/></List>");

        assertEquals("KGM", tree.root().child("Item").orElseThrow().attributes.get("unit"));
    }

    @Test
    void a_doctype_is_a_located_failure() {
        XmlTree tree = new XmlTree(NS, "Item");
        Optional<LocatedError> failure = tree.read(
                "<?xml version='1.0'?>\n<!DOCTYPE List [<!ENTITY e 'x'>]>\n<List/>".getBytes(StandardCharsets.UTF_8));

        assertTrue(failure.isPresent());
        assertTrue(failure.get().location().startsWith("line 2"), failure.get().toString());
        assertEquals(
                "a DOCTYPE declaration is not allowed (no DTDs, no entities)",
                failure.get().message());
    }

    @Test
    void nesting_deeper_than_the_limit_is_a_located_failure() {
        String deep = "<a>".repeat(SecureXml.MAX_DEPTH + 1) + "</a>".repeat(SecureXml.MAX_DEPTH + 1);
        Optional<LocatedError> failure = new XmlTree(NS, "Item").read(deep.getBytes(StandardCharsets.UTF_8));

        assertEquals(
                "elements are nested deeper than " + SecureXml.MAX_DEPTH + " levels",
                failure.orElseThrow().message());
    }

    @Test
    void errors_are_listed_by_line_then_as_found_and_cut_at_the_maximum() {
        XmlErrors errors = new XmlErrors(3);
        errors.add("/L/B", 5, "second");
        errors.add("/L/A", 2, "first");
        errors.add("/L/C", 5, "third");
        assertFalse(errors.add("/L/D", 9, "dropped"));

        assertEquals(
                List.of(
                        new LocatedError("/L/A, line 2", "first"),
                        new LocatedError("/L/B, line 5", "second"),
                        new LocatedError("/L/C, line 5", "third"),
                        new LocatedError("document", "more than 3 errors; the rest are not listed")),
                errors.list());
        assertTrue(errors.hasErrorAtOrUnder("/L"));
        assertFalse(errors.hasErrorAt("/L/D"));
    }
}
