/**
 * ONNX: export of mlsec models ({@link org.mlsec.model.onnx.OnnxExport}: tree ensembles as ai.onnx.ml
 * TreeEnsembleClassifier, logistic regression as plain operators, all on double inputs; checked against the model
 * with ONNX Runtime by {@link org.mlsec.model.onnx.ExportCheck}), and ONNX models as black-box targets through
 * ONNX Runtime ({@link org.mlsec.model.onnx.OnnxClassifier}, which {@link org.mlsec.model.onnx.OnnxRunner} registers
 * so that {@code Models.open} in mlsec-core runs ONNX graphs it cannot read white-box). The module mlsec-onnx holds
 * this package alone, so that mlsec-core does not carry ONNX Runtime.
 */
package org.mlsec.model.onnx;
