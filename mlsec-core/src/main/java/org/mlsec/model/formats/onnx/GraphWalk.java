package org.mlsec.model.formats.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * Finds in a graph the one shape the white-box reader translates: a single float32 input {@code [N, d]}, a chain
 * of {@code Identity}, {@code Cast} (to float) and {@code Scaler} operators, one model operator
 * ({@code TreeEnsembleClassifier}, {@code TreeEnsembleRegressor}, {@code TreeEnsemble} or
 * {@code LinearClassifier}), then on its scores a chain of {@code Identity}, {@code Cast}, {@code Add} of a
 * constant, {@code Sigmoid}, {@code Softmax}, {@code Normalizer} and {@code ZipMap} ending at a graph output, and on
 * its labels {@code Identity}/{@code Cast}. Every other operator, a second input, a custom domain, functions,
 * subgraphs and external data mean the graph is not white-box: {@link NotWhiteBoxException}.
 */
final class GraphWalk {
    static final String ML = "ai.onnx.ml";

    final ModelProto model;
    final GraphProto graph;
    String inputName;
    int width;
    final InputTransform transform;
    NodeProto modelNode;
    /** Operators after the model's scores, in order (Identity and Cast left out). */
    final List<NodeProto> post = new ArrayList<>();
    /** Class labels ZipMap gives the scores' columns, or null. */
    List<String> zipMapLabels;
    final Map<String, TensorProto> initializers = new HashMap<>();
    long mlOpset;

    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> outputs = new HashSet<>();
    private final Set<NodeProto> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    GraphWalk(ModelProto model) {
        this.model = model;
        if (!model.hasGraph()) {
            throw new InputException("the ModelProto has no graph");
        }
        this.graph = model.getGraph();
        checkModel();
        findInput();
        this.transform = new InputTransform(width);
        walk();
    }

    private void checkModel() {
        if (model.getFunctionsCount() > 0) {
            throw refuse("the model defines functions (" + model.getFunctionsCount() + ")");
        }
        for (OperatorSetIdProto op : model.getOpsetImportList()) {
            String d = op.getDomain();
            if (d.isEmpty() || d.equals("ai.onnx")) {
                continue;
            }
            if (!d.equals(ML)) {
                throw refuse("the model imports operator domain '" + d + "'");
            }
            mlOpset = op.getVersion();
        }
        if (graph.getNodeCount() > OnnxFormat.MAX_GRAPH_NODES) {
            throw refuse("the graph has " + graph.getNodeCount() + " operators");
        }
        if (graph.getSparseInitializerCount() > 0) {
            throw refuse("the graph has sparse initializers");
        }
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
                // Not a black box either: ONNX Runtime would read whatever file the model names.
                throw new org.mlsec.InputException("initializer '" + t.getName() + "' keeps its data in an external"
                        + " file; mlsec opens no file a model names (ONNX Runtime would)");
            }
            initializers.put(t.getName(), t);
        }
        for (ValueInfoProto o : graph.getOutputList()) {
            outputs.add(o.getName());
        }
        for (NodeProto n : graph.getNodeList()) {
            String d = n.getDomain();
            if (!d.isEmpty() && !d.equals("ai.onnx") && !d.equals(ML)) {
                throw refuse("operator " + n.getOpType() + " is from domain '" + d + "'");
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    throw refuse("operator " + n.getOpType() + " holds a subgraph");
                }
            }
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    private void findInput() {
        List<ValueInfoProto> real = new ArrayList<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                real.add(v);
            }
        }
        if (real.size() != 1) {
            throw refuse("the graph has " + real.size() + " inputs; the white-box reader takes one");
        }
        ValueInfoProto in = real.get(0);
        inputName = in.getName();
        TypeProto t = in.getType();
        if (!t.hasTensorType() || t.getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            throw refuse("the input '" + inputName + "' is not a float32 tensor");
        }
        TensorShapeProto shape = t.getTensorType().getShape();
        if (shape.getDimCount() != 2 || !shape.getDim(1).hasDimValue() || shape.getDim(1).getDimValue() < 1) {
            throw refuse("the input '" + inputName + "' is not a [N, d] tensor with d recorded");
        }
        long d = shape.getDim(1).getDimValue();
        if (d > OnnxFormat.MAX_FEATURES) {
            throw new InputException("the input has " + d + " features; at most " + OnnxFormat.MAX_FEATURES
                    + " are read");
        }
        width = (int) d;
    }

    private void walk() {
        String tensor = inputName;
        while (true) {
            NodeProto n = only(tensor);
            if (n == null) {
                throw refuse("the input reaches no model operator");
            }
            String op = n.getOpType();
            if (isModel(n)) {
                modelNode = n;
                break;
            }
            single(n);
            if (op.equals("Identity") && !isMl(n)) {
                // passes through
            } else if (op.equals("Cast") && !isMl(n)) {
                long to = new Attrs(n, where(n)).integer("to", 0);
                if (to != TensorProto.DataType.FLOAT_VALUE) {
                    throw refuse("the input is cast to " + Attrs.dataType((int) to) + " before the model");
                }
            } else if (op.equals("Scaler") && isMl(n)) {
                transform.addScaler(new Attrs(n, where(n)));
            } else {
                throw refuse("operator " + op + " stands between the input and the model");
            }
            tensor = n.getOutput(0);
        }
        seen.add(modelNode);
        if (modelNode.getInputCount() != 1) {
            throw refuse(modelNode.getOpType() + " has " + modelNode.getInputCount() + " inputs");
        }
        boolean classifier = !modelNode.getOpType().startsWith("TreeEnsembleRegressor")
                && !modelNode.getOpType().equals("TreeEnsemble");
        int scoreIndex = classifier ? 1 : 0;
        if (modelNode.getOutputCount() <= scoreIndex || modelNode.getOutput(scoreIndex).isEmpty()) {
            throw refuse(modelNode.getOpType() + " has no score output");
        }
        if (classifier && !modelNode.getOutput(0).isEmpty()) {
            followLabels(modelNode.getOutput(0));
        }
        followScores(modelNode.getOutput(scoreIndex));
        for (NodeProto n : graph.getNodeList()) {
            if (!seen.contains(n)) {
                throw refuse("the graph has operator " + n.getOpType() + " beside the model");
            }
        }
    }

    private void followLabels(String tensor) {
        List<String> todo = new ArrayList<>(List.of(tensor));
        while (!todo.isEmpty()) {
            for (NodeProto n : consumers.getOrDefault(todo.remove(todo.size() - 1), List.of())) {
                if (isMl(n) || !(n.getOpType().equals("Identity") || n.getOpType().equals("Cast"))) {
                    throw refuse("the labels go through operator " + n.getOpType());
                }
                single(n);
                if (!seen.add(n)) {
                    throw new InputException("the graph has a cycle through operator " + n.getOpType());
                }
                todo.add(n.getOutput(0));
            }
        }
    }

    private void followScores(String tensor) {
        boolean reachesOutput = false;
        while (true) {
            reachesOutput |= outputs.contains(tensor);
            NodeProto n = only(tensor);
            if (n == null) {
                break;
            }
            String op = n.getOpType();
            boolean ml = isMl(n);
            if (op.equals("ZipMap") && ml) {
                if (n.getInputCount() != 1 || n.getOutputCount() != 1) {
                    throw new InputException(where(n) + " must have one input and one output");
                }
                Attrs a = new Attrs(n, where(n));
                List<String> labels = a.strings("classlabels_strings");
                long[] ints = a.ints("classlabels_int64s");
                if (!labels.isEmpty() == (ints.length > 0)) {
                    throw new InputException(where(n) + " must have exactly one of classlabels_strings and "
                            + "classlabels_int64s");
                }
                if (labels.isEmpty()) {
                    labels = new ArrayList<>();
                    for (long v : ints) {
                        labels.add(Long.toString(v));
                    }
                }
                zipMapLabels = labels;
                reachesOutput |= outputs.contains(n.getOutput(0));
                if (consumers.containsKey(n.getOutput(0))) {
                    throw refuse("the ZipMap output is used further");
                }
                break;
            }
            if (op.equals("Add") && !ml) {
                if (n.getInputCount() != 2 || n.getOutputCount() != 1) {
                    throw refuse("Add with " + n.getInputCount() + " inputs");
                }
                String other = n.getInput(0).equals(tensor) ? n.getInput(1) : n.getInput(0);
                if (!initializers.containsKey(other) || n.getInput(0).equals(n.getInput(1))) {
                    throw refuse("Add of a tensor that is not a constant initializer");
                }
            } else {
                single(n);
                if ((op.equals("Identity") || op.equals("Sigmoid") || op.equals("Softmax")) && !ml) {
                    // checked by the mapper
                } else if (op.equals("Cast") && !ml) {
                    long to = new Attrs(n, where(n)).integer("to", 0);
                    if (to != TensorProto.DataType.FLOAT_VALUE) {
                        throw refuse("the scores are cast to " + Attrs.dataType((int) to));
                    }
                } else if (!(op.equals("Normalizer") && ml)) {
                    throw refuse("the scores go through operator " + op);
                }
            }
            if (!op.equals("Identity") && !op.equals("Cast")) {
                post.add(n);
            }
            tensor = n.getOutput(0);
        }
        if (!reachesOutput) {
            throw refuse("no graph output carries the model's scores");
        }
    }

    private boolean isModel(NodeProto n) {
        String op = n.getOpType();
        return isMl(n) && (op.equals("TreeEnsembleClassifier") || op.equals("TreeEnsembleRegressor")
                || op.equals("TreeEnsemble") || op.equals("LinearClassifier"));
    }

    private static boolean isMl(NodeProto n) {
        return n.getDomain().equals(ML);
    }

    /** The one operator reading {@code tensor}, or null; refused when several read it. */
    private NodeProto only(String tensor) {
        List<NodeProto> next = consumers.getOrDefault(tensor, List.of());
        if (next.size() > 1) {
            throw refuse("tensor '" + tensor + "' feeds " + next.size() + " operators");
        }
        if (next.isEmpty()) {
            return null;
        }
        NodeProto n = next.get(0);
        if (!seen.add(n)) {
            throw new InputException("the graph has a cycle through operator " + n.getOpType());
        }
        return n;
    }

    private static void single(NodeProto n) {
        if (n.getInputCount() != 1 || n.getOutputCount() != 1) {
            throw refuse(n.getOpType() + " with " + n.getInputCount() + " inputs and " + n.getOutputCount()
                    + " outputs");
        }
    }

    static String where(NodeProto n) {
        return n.getOpType() + (n.getName().isEmpty() ? "" : " '" + n.getName() + "'");
    }

    static NotWhiteBoxException refuse(String why) {
        return new NotWhiteBoxException("ONNX", why);
    }
}
