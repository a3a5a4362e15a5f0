/** Saved Spark ML models as white-box mlsec models ({@link org.mlsec.spark.ml.SparkMlModels}). */
package org.mlsec.spark.ml;
