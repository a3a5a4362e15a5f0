/**
 * Tree models: an exact, presorted CART grower shared by random forests, single decision trees and gradient
 * boosting. Trees are plain arrays, so attacks can read every node, threshold and leaf count. Trees can grow under
 * monotone constraints ({@link org.mlsec.model.tree.TreeParams#monotone()}, set from
 * {@link org.mlsec.model.TrainConfig#withMonotone(java.util.Map)}), which make the model's probability of the last
 * class monotone in the constrained features: a defence against evasion by changing those features.
 */
package org.mlsec.model.tree;
