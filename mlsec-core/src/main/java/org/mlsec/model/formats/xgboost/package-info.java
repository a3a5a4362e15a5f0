/**
 * Reader of XGBoost model files, JSON ({@code save_model("m.json")}) and UBJSON ({@code save_model("m.ubj")}),
 * into mlsec's white-box {@link org.mlsec.model.tree.BoostedModel} (gbtree, dart) or
 * {@link org.mlsec.model.linear.LogisticModel} (binary gblinear). The files are parsed as data only: a strict,
 * bounded JSON or UBJSON reader builds a Jackson tree, and {@link org.mlsec.model.formats.xgboost.LearnerReader}
 * takes the numbers out of it. Nothing the file names is executed or loaded.
 */
package org.mlsec.model.formats.xgboost;
