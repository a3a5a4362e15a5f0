/**
 * The static model-file scanner ({@code mlsec scan}): finds what loading a pickle, PyTorch, NumPy, Java-serialized,
 * ONNX, Keras or mlsec model file would run, without executing, importing or deserializing anything, and reports
 * the findings by {@link org.mlsec.scan.Rule} in modelscan's JSON shape or as SARIF for code scanning.
 */
package org.mlsec.scan;
