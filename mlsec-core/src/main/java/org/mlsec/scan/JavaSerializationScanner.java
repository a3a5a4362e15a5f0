package org.mlsec.scan;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Java serialization streams: reads the class descriptors (TC_CLASSDESC names and TC_PROXYCLASSDESC interfaces) as
 * bytes and judges each class against known deserialization gadgets; nothing is instantiated.
 */
final class JavaSerializationScanner {
    static final String NAME = "mlsec.JavaSerializationScanner";
    private static final Pattern CLASS_NAME = Pattern.compile("(\\[+[BCDFIJSZ]|\\[*L?[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*;?)");

    private static final List<String> GADGET_PREFIXES = List.of(
            "org.apache.commons.collections.functors.", "org.apache.commons.collections4.functors.",
            "org.apache.commons.collections.map.LazyMap", "org.apache.commons.collections.keyvalue.TiedMapEntry",
            "org.apache.commons.collections4.comparators.TransformingComparator",
            "org.apache.commons.beanutils.BeanComparator", "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
            "org.apache.xalan.xsltc.trax.TemplatesImpl", "sun.reflect.annotation.AnnotationInvocationHandler",
            "javax.management.BadAttributeValueExpException", "org.codehaus.groovy.runtime.",
            "org.springframework.core.SerializableTypeWrapper", "org.springframework.beans.factory.ObjectFactory",
            "org.springframework.aop.framework.JdkDynamicAopProxy", "com.mchange.v2.c3p0.", "org.hibernate.engine.spi.TypedValue",
            "org.hibernate.tuple.component.", "com.sun.rowset.JdbcRowSetImpl", "java.rmi.server.RemoteObjectInvocationHandler",
            "sun.rmi.server.UnicastRef", "bsh.", "org.python.core.", "clojure.", "org.mozilla.javascript.",
            "com.sun.syndication.feed.impl.", "org.apache.commons.fileupload.disk.DiskFileItem",
            "javax.script.ScriptEngineManager", "com.alibaba.fastjson.", "net.sf.json.JSONObject",
            "org.apache.wicket.util.upload.DiskFileItem", "com.vaadin.data.util.", "java.net.URL");

    /** Plain data classes of the JDK that ML objects legitimately contain. */
    private static final Set<String> SAFE = Set.of("java.lang.Integer", "java.lang.Long", "java.lang.Double",
            "java.lang.Float", "java.lang.Short", "java.lang.Byte", "java.lang.Boolean", "java.lang.Character",
            "java.lang.Number", "java.lang.String", "java.lang.Enum", "java.util.ArrayList", "java.util.LinkedList",
            "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.HashSet",
            "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.Date", "java.util.UUID", "java.math.BigInteger",
            "java.math.BigDecimal", "java.time.Ser", "java.util.Arrays$ArrayList", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableMap",
            "java.util.Collections$EmptyList", "java.util.Collections$EmptyMap", "java.util.Collections$SingletonList");

    private JavaSerializationScanner() {
    }

    static void scan(InputStream raw, String source, ScanReport report) throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream ? (BufferedInputStream) raw : new BufferedInputStream(raw);
        in.skipNBytes(4);
        Set<String> seen = new HashSet<>();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == 0x72) { // TC_CLASSDESC: u2 length, modified UTF-8 name
                in.mark(70000);
                String name = readName(in);
                if (name == null) {
                    in.reset();
                } else if (seen.add(name)) {
                    judge(name, source, report);
                }
            } else if (b == 0x7D) { // TC_PROXYCLASSDESC: int count, then interface names
                in.mark(70000);
                byte[] c = in.readNBytes(4);
                int count = c.length == 4 ? ((c[0] & 0xff) << 24) | ((c[1] & 0xff) << 16) | ((c[2] & 0xff) << 8) | (c[3] & 0xff) : -1;
                if (count < 1 || count > 64) {
                    in.reset();
                    continue;
                }
                report.findings.add(new Finding(Rule.JAVA_GADGET, Severity.HIGH,
                        "dynamic proxy class in the stream: proxies are how deserialization gadget chains dispatch calls",
                        "TC_PROXYCLASSDESC", "java.lang.reflect.Proxy", source, NAME));
            }
        }
    }

    private static String readName(BufferedInputStream in) throws IOException {
        int hi = in.read();
        int lo = in.read();
        if (hi < 0 || lo < 0) {
            return null;
        }
        int len = (hi << 8) | lo;
        if (len < 2 || len > 500) {
            return null;
        }
        byte[] b = in.readNBytes(len);
        if (b.length < len) {
            return null;
        }
        String name = new String(b, StandardCharsets.UTF_8);
        return CLASS_NAME.matcher(name).matches() ? name : null;
    }

    private static void judge(String name, String source, ScanReport report) {
        String cls = name.replaceAll("^\\[+L?", "").replaceAll(";$", "");
        if (cls.length() <= 1 || SAFE.contains(cls)) {
            return;
        }
        for (String g : GADGET_PREFIXES) {
            if (cls.startsWith(g)) {
                report.findings.add(new Finding(Rule.JAVA_GADGET, Severity.CRITICAL, "class " + cls
                        + " is a known deserialization gadget: loading this stream can run code", "TC_CLASSDESC", cls,
                        source, NAME));
                return;
            }
        }
        report.findings.add(new Finding(Rule.JAVA_UNKNOWN_CLASS, Severity.MEDIUM, "class " + cls
                + " is deserialized with its own code when the stream is loaded", "TC_CLASSDESC", cls, source, NAME));
    }
}
