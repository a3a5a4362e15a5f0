/**
 * mlsec on Apache Spark: reference models of membership inference trained as Spark tasks
 * ({@link org.mlsec.spark.SparkReferenceEngine}, registered as the "spark" engine). Spark is provided by the cluster.
 */
package org.mlsec.spark;
