/** Metrics: accuracy, balanced accuracy, confusion matrices and ROC AUC. */
package org.mlsec.metrics;
