/**
 * A static reader of ONNX-ML graphs (tree ensembles, linear classifiers and the pre- and post-processing
 * operators skl2onnx and onnxmltools emit around them) into mlsec's white-box models. The ModelProto is parsed
 * with protobuf-java and interpreted operator by operator as ONNX Runtime 1.30 computes it; nothing in the graph is
 * executed. Graphs with anything else are refused with a
 * {@link org.mlsec.model.formats.NotWhiteBoxException} so that callers can run them in ONNX Runtime as a black box
 * ({@code org.mlsec.model.onnx.OnnxClassifier} in the mlsec-onnx module). This reader needs only protobuf-java and
 * the ONNX protobuf classes, never ONNX Runtime.
 */
package org.mlsec.model.formats.onnx;
