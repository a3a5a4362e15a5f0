/**
 * ONNX: export of mlsec models ({@link org.mlsec.model.onnx.OnnxExport}: tree ensembles as ai.onnx.ml
 * TreeEnsembleClassifier, logistic regression as plain operators, all on double inputs; checked against the model
 * with ONNX Runtime by {@link org.mlsec.model.onnx.ExportCheck}), and ONNX models as black-box targets through
 * ONNX Runtime ({@link org.mlsec.model.onnx.OnnxClassifier}).
 */
package org.mlsec.model.onnx;
