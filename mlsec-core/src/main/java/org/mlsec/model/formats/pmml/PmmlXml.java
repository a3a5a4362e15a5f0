package org.mlsec.model.formats.pmml;

import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.mlsec.InputException;

/**
 * A hardened XML reader for PMML: the JDK's own StAX parser ({@link XMLInputFactory#newDefaultFactory()}, whatever
 * else is on the class path) with DTDs unsupported, external entities off, entity references neither replaced nor
 * accepted, every external resource refused by the resolver and by {@code ACCESS_EXTERNAL_DTD/SCHEMA = ""}. PMML
 * has no DTD, so a DOCTYPE is refused outright (before the parser sees it, and again by the parser's DTD event):
 * no entity is ever declared or expanded, which rules out billion-laughs and external-entity (XXE) files.
 * <p>
 * Sizes are bounded before and while parsing: a first linear pass over the bytes bounds each tag's and each quoted
 * attribute value's length (so that the parser never builds a huge attribute string), then the parse bounds the
 * element depth (iteratively: no recursion, no stack overflow), the element count, attributes per element and each
 * element's text. {@code Extension} subtrees (vendor data) are counted but not kept.
 */
final class PmmlXml {
    /** Deepest element nesting: a tree of {@code Tree.MAX_DEPTH} levels and its enclosing elements fit. */
    static final int MAX_DEPTH = 10_100;
    /** Most elements kept (a 1,000-tree forest of depth 10 has about 4 million). */
    static final int MAX_ELEMENTS = 5_000_000;
    static final int MAX_ATTRIBUTES = 64;
    /** Longest attribute value, in bytes (PMML's are names and numbers). */
    static final int MAX_ATTRIBUTE = 65_536;
    /** Longest start or end tag, in bytes. */
    static final int MAX_TAG = 1 << 20;
    /** Longest text of one element (an {@code Array} of category values, say). */
    static final int MAX_TEXT = 4 << 20;

    private PmmlXml() {
    }

    /** Parses the whole document; every problem is an {@link InputException} saying what and where. */
    static Element parse(byte[] bytes) {
        prescan(bytes);
        return parseChecked(bytes);
    }

    /**
     * The first pass: bounds tag and attribute lengths and refuses a DOCTYPE, in one linear scan that allocates
     * nothing. It does not check well-formedness (the parser does).
     */
    static void prescan(byte[] b) {
        int n = b.length;
        int i = 0;
        int line = 1;
        while (i < n) {
            byte c = b[i];
            if (c == '\n') {
                line++;
            }
            if (c != '<') {
                i++;
                continue;
            }
            if (startsWith(b, i, "<!--")) {
                i = skipTo(b, i + 4, "-->", Integer.MAX_VALUE, line, "comment");
                continue;
            }
            if (startsWith(b, i, "<![CDATA[")) {
                i = skipTo(b, i + 9, "]]>", MAX_TEXT, line, "CDATA section");
                continue;
            }
            if (startsWith(b, i, "<?")) {
                i = skipTo(b, i + 2, "?>", MAX_TAG, line, "processing instruction");
                continue;
            }
            if (startsWith(b, i, "<!")) {
                throw new InputException("line " + line + ": a DOCTYPE or other declaration (<!...>); PMML has no"
                        + " DTD, and DTDs and entities are refused, never expanded");
            }
            int start = i;
            i++;
            byte quote = 0;
            int quoted = 0;
            while (i < n) {
                byte d = b[i];
                if (d == '\n') {
                    line++;
                }
                if (quote != 0) {
                    if (d == quote) {
                        quote = 0;
                    } else if (++quoted > MAX_ATTRIBUTE) {
                        throw new InputException("line " + line + ": an attribute value longer than "
                                + MAX_ATTRIBUTE + " bytes");
                    }
                } else if (d == '"' || d == '\'') {
                    quote = d;
                    quoted = 0;
                } else if (d == '>') {
                    break;
                }
                if (i - start > MAX_TAG) {
                    throw new InputException("line " + line + ": a tag longer than " + MAX_TAG + " bytes");
                }
                i++;
            }
            i++;
        }
    }

    private static boolean startsWith(byte[] b, int at, String s) {
        if (at + s.length() > b.length) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b[at + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int skipTo(byte[] b, int from, String end, int limit, int line, String what) {
        for (int i = from; i < b.length; i++) {
            if (i - from > limit) {
                throw new InputException("line " + line + ": a " + what + " longer than " + limit + " bytes");
            }
            if (b[i] == end.charAt(0) && startsWith(b, i, end)) {
                return i + end.length();
            }
        }
        return b.length; // unterminated: the parser reports it
    }

    /** A StAX factory that reads no DTD, entity or external resource. */
    static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        f.setProperty(XMLInputFactory.IS_COALESCING, Boolean.FALSE);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXMLReporter((message, errorType, info, location) -> {
            // the parser's own warnings: errors reach the caller as exceptions, nothing is printed
        });
        f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resource " + systemId + " refused");
        });
        // The JDK's own limits too, in case anything slipped through (property names of the JDK's parser).
        trySet(f, "jdk.xml.entityExpansionLimit", "1");
        trySet(f, "jdk.xml.maxElementDepth", Integer.toString(MAX_DEPTH + 1));
        trySet(f, "jdk.xml.elementAttributeLimit", Integer.toString(MAX_ATTRIBUTES * 4));
        return f;
    }

    /**
     * PMML files are UTF-8 unless their prolog says otherwise; a malformed byte is reported here, with its line,
     * rather than by the JDK parser (which also prints it to the console).
     */
    private static void checkUtf8(byte[] bytes) {
        String prolog = new String(bytes, 0, Math.min(bytes.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*<\\?xml[^>]*encoding\\s*=\\s*[\"']([^\"']{1,40})[\"']")
                .matcher(prolog);
        if (m.find() && !m.group(1).equalsIgnoreCase("UTF-8") && !m.group(1).equalsIgnoreCase("UTF8")) {
            return; // another declared encoding: the parser decodes it
        }
        java.nio.charset.CharsetDecoder d = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
        while (true) {
            java.nio.charset.CoderResult r = d.decode(in, out, true);
            if (r.isError()) {
                int at = in.position();
                int line = 1;
                for (int i = 0; i < at; i++) {
                    line += bytes[i] == '\n' ? 1 : 0;
                }
                throw new InputException("not UTF-8: byte " + at + " (line " + line + ") is not a valid UTF-8 sequence");
            }
            if (r.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }

    private static void trySet(XMLInputFactory f, String key, String value) {
        try {
            f.setProperty(key, value);
        } catch (IllegalArgumentException e) {
            // not this parser's property: the checks below still hold
        }
    }

    /** The second pass, usable alone (tests show the parser's configuration refuses DTDs by itself too). */
    static Element parseChecked(byte[] bytes) {
        checkUtf8(bytes);
        XMLStreamReader r = null;
        try {
            r = factory().createXMLStreamReader(new ByteArrayInputStream(bytes));
            return read(r);
        } catch (XMLStreamException e) {
            throw new InputException("not well-formed XML" + at(e.getLocation()) + ": " + clean(e.getMessage()));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
    }

    private static Element read(XMLStreamReader r) throws XMLStreamException {
        Deque<Element> open = new ArrayDeque<>();
        Element root = null;
        int elements = 0;
        int skipping = 0; // depth inside an Extension subtree, whose content is not kept
        int depth = 0;
        while (r.hasNext()) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT: {
                    depth++;
                    if (depth > MAX_DEPTH) {
                        throw new InputException("line " + line(r) + ": elements nested deeper than " + MAX_DEPTH
                                + " levels");
                    }
                    if (++elements > MAX_ELEMENTS) {
                        throw new InputException("more than " + MAX_ELEMENTS + " elements");
                    }
                    int count = r.getAttributeCount();
                    if (count > MAX_ATTRIBUTES) {
                        throw new InputException("line " + line(r) + ": <" + r.getLocalName() + "> has " + count
                                + " attributes, more than " + MAX_ATTRIBUTES);
                    }
                    if (skipping > 0 || (root != null && "Extension".equals(r.getLocalName()))) {
                        skipping++;
                        break;
                    }
                    Map<String, String> attrs = new LinkedHashMap<>(Math.max(4, count * 2));
                    for (int k = 0; k < count; k++) {
                        String v = r.getAttributeValue(k);
                        if (v.length() > MAX_ATTRIBUTE) {
                            throw new InputException("line " + line(r) + ": attribute " + r.getAttributeLocalName(k)
                                    + " is longer than " + MAX_ATTRIBUTE + " characters");
                        }
                        attrs.put(r.getAttributeLocalName(k), v);
                    }
                    Element e = new Element(r.getLocalName(), attrs, line(r));
                    if (root == null) {
                        root = e;
                    } else {
                        open.peek().add(e);
                    }
                    open.push(e);
                    break;
                }
                case XMLStreamConstants.END_ELEMENT:
                    depth--;
                    if (skipping > 0) {
                        skipping--;
                    } else {
                        open.pop();
                    }
                    break;
                case XMLStreamConstants.CHARACTERS:
                case XMLStreamConstants.CDATA:
                case XMLStreamConstants.SPACE:
                    if (skipping == 0 && !open.isEmpty() && !r.isWhiteSpace()) {
                        Element e = open.peek();
                        if ((long) e.textLength() + r.getTextLength() > MAX_TEXT) {
                            throw new InputException("line " + line(r) + ": the text of <" + e.name()
                                    + "> is longer than " + MAX_TEXT + " characters");
                        }
                        e.appendText(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                    }
                    break;
                case XMLStreamConstants.DTD:
                    throw new InputException("line " + line(r) + ": a DOCTYPE; PMML has no DTD, and DTDs and"
                            + " entities are refused, never expanded");
                case XMLStreamConstants.ENTITY_REFERENCE:
                    throw new InputException("line " + line(r) + ": entity reference &" + r.getLocalName()
                            + "; refused (only the five predefined XML entities are read)");
                default:
                    break; // comments, processing instructions, document start and end
            }
        }
        if (root == null) {
            throw new InputException("no XML element");
        }
        return root;
    }

    private static int line(XMLStreamReader r) {
        Location l = r.getLocation();
        return l == null ? -1 : l.getLineNumber();
    }

    private static String at(Location l) {
        return l == null || l.getLineNumber() < 0 ? "" : " at line " + l.getLineNumber() + ", column "
                + l.getColumnNumber();
    }

    /** The parser's message without its own location prefix, on one line. */
    private static String clean(String m) {
        if (m == null) {
            return "unreadable";
        }
        String s = m;
        int k = s.indexOf("Message: ");
        if (k >= 0) {
            s = s.substring(k + 9);
        }
        s = s.replace('\n', ' ').trim();
        if (s.contains("must start and end within the same entity")) {
            s = "the document ends before its elements are closed (truncated?)";
        }
        return s.length() > 300 ? s.substring(0, 297) + "..." : s;
    }
}
