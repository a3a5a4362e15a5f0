package org.mlsec.model.formats.pmml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;

/**
 * One parsed XML element of a PMML file: its local name (namespaces are not needed to read PMML), attributes in
 * document order, child elements and text. Built by {@link PmmlXml}, which bounds every size; read by the model
 * readers, which report problems with {@link #where()} so that a message names the element.
 */
final class Element {
    private final String name;
    private final Map<String, String> attributes;
    private final List<Element> children = new ArrayList<>(2);
    private final int line;
    private StringBuilder text;

    Element(String name, Map<String, String> attributes, int line) {
        this.name = name;
        this.attributes = attributes;
        this.line = line;
    }

    String name() {
        return name;
    }

    int line() {
        return line;
    }

    List<Element> children() {
        return children;
    }

    void add(Element child) {
        children.add(child);
    }

    void appendText(char[] chars, int start, int length) {
        if (text == null) {
            text = new StringBuilder(Math.min(length, 256));
        }
        text.append(chars, start, length);
    }

    int textLength() {
        return text == null ? 0 : text.length();
    }

    /** The element's text content, trimmed. */
    String text() {
        return text == null ? "" : text.toString().trim();
    }

    /** The attribute's value, or null. */
    String attr(String key) {
        return attributes.get(key);
    }

    String attr(String key, String fallback) {
        String v = attributes.get(key);
        return v == null ? fallback : v;
    }

    /** The attribute's value; an {@link InputException} naming this element when it is absent. */
    String required(String key) {
        String v = attributes.get(key);
        if (v == null) {
            throw new InputException(where() + " has no " + key + " attribute");
        }
        return v;
    }

    /** A finite number attribute, or {@code fallback} when absent. */
    double number(String key, double fallback) {
        String v = attributes.get(key);
        return v == null ? fallback : parseNumber(v, key);
    }

    /** A required finite number attribute. */
    double number(String key) {
        return parseNumber(required(key), key);
    }

    double parseNumber(String v, String what) {
        double d = PmmlNumbers.parse(v);
        if (Double.isNaN(d)) {
            throw new InputException(where() + ": " + what + "=\"" + PmmlNumbers.abbreviate(v)
                    + "\" is not a finite number");
        }
        return d;
    }

    /** The first child of that name, or null. */
    Element child(String childName) {
        for (Element c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** The children of that name, in document order. */
    List<Element> all(String childName) {
        List<Element> out = new ArrayList<>();
        for (Element c : children) {
            if (c.name.equals(childName)) {
                out.add(c);
            }
        }
        return out;
    }

    /** How messages name this element: {@code <Node id="n7"> (line 120)}. */
    String where() {
        String id = attributes.get("id");
        if (id == null) {
            id = attributes.get("name");
        }
        String label = id == null ? "" : (attributes.containsKey("id") ? " id=\"" : " name=\"")
                + PmmlNumbers.abbreviate(id) + "\"";
        return "<" + name + label + "> (line " + line + ")";
    }
}
