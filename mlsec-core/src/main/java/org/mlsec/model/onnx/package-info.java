/** ONNX: export of mlsec models, and ONNX models as black-box targets through ONNX Runtime. */
package org.mlsec.model.onnx;
