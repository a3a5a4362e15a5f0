package org.mlsec.model.formats.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Writes a Jackson tree as UBJSON the way XGBoost's UBJWriter does (L lengths, d floats), for crafted tests. */
final class UbjWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private UbjWriter() {
    }

    static byte[] write(JsonNode n) {
        UbjWriter w = new UbjWriter();
        w.value(n);
        return w.out.toByteArray();
    }

    private void value(JsonNode n) {
        if (n.isObject()) {
            out.write('{');
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                string(e.getKey());
                value(e.getValue());
            }
            out.write('}');
        } else if (n.isArray()) {
            out.write('[');
            out.write('#');
            out.write('L');
            out.writeBytes(ByteBuffer.allocate(8).putLong(n.size()).array());
            for (JsonNode v : n) {
                value(v);
            }
        } else if (n.isTextual()) {
            out.write('S');
            string(n.textValue());
        } else if (n.isIntegralNumber()) {
            out.write('L');
            out.writeBytes(ByteBuffer.allocate(8).putLong(n.asLong()).array());
        } else if (n.isNumber()) {
            out.write('d');
            out.writeBytes(ByteBuffer.allocate(4).putFloat((float) n.asDouble()).array());
        } else if (n.isBoolean()) {
            out.write(n.booleanValue() ? 'T' : 'F');
        } else {
            out.write('Z');
        }
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('L');
        out.writeBytes(ByteBuffer.allocate(8).putLong(b.length).array());
        out.writeBytes(b);
    }
}
