/**
 * Reader of LightGBM text models ({@code booster.save_model("model.txt")}, the format whose first line is
 * {@code tree} and whose header says {@code version=v4}) into mlsec's white-box
 * {@link org.mlsec.model.tree.BoostedModel}. The file is parsed line by line with every size, count and index
 * bounded; nothing it names is executed or loaded.
 */
package org.mlsec.model.formats.lightgbm;
