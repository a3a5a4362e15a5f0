package org.mlsec.scan;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * ONNX models, read as protocol-buffer data (never run): operators from custom domains, and external-data tensors
 * whose location leaves the model's folder.
 */
final class OnnxScanner {
    static final String NAME = "mlsec.OnnxScanner";
    private static final Set<String> STANDARD = Set.of("", "ai.onnx", "ai.onnx.ml", "ai.onnx.training",
            "ai.onnx.preview.training");

    private OnnxScanner() {
    }

    static void scan(InputStream in, String source, ScanReport report) throws IOException {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed ONNX: " + e.getMessage(),
                    "structure", "", source, NAME));
            return;
        }
        if (!model.hasGraph()) {
            report.findings.add(new Finding(Rule.MALFORMED, Severity.MEDIUM, "malformed ONNX: no graph", "structure",
                    "", source, NAME));
            return;
        }
        Set<String> domains = new HashSet<>();
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            domains.add(o.getDomain());
        }
        graph(model.getGraph(), source, report, domains);
        for (String d : domains) {
            if (!STANDARD.contains(d)) {
                report.findings.add(new Finding(Rule.ONNX_CUSTOM_DOMAIN, Severity.MEDIUM, "operators from custom domain '"
                        + d + "' need a native plug-in library to run", "opset_import", d, source, NAME));
            }
        }
    }

    private static void graph(OnnxMl.GraphProto g, String source, ScanReport report, Set<String> domains) {
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            domains.add(n.getDomain());
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    graph(a.getG(), source, report, domains);
                }
                for (OnnxMl.GraphProto sub : a.getGraphsList()) {
                    graph(sub, source, report, domains);
                }
            }
        }
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                continue;
            }
            for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
                if ("location".equals(e.getKey()) && escapes(e.getValue())) {
                    report.findings.add(new Finding(Rule.ONNX_EXTERNAL_DATA_ESCAPE, Severity.HIGH, "tensor '"
                            + t.getName() + "' reads external data from '" + e.getValue()
                            + "', outside the model's folder", "external_data", e.getValue(), source, NAME));
                }
            }
        }
    }

    static boolean escapes(String location) {
        if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
            return true;
        }
        Path p = Path.of("model-dir").resolve(location.replace('\\', '/')).normalize();
        return !p.startsWith("model-dir");
    }
}
