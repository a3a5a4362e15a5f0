/**
 * Tree models: an exact, presorted CART grower shared by random forests, single decision trees and gradient
 * boosting. Trees are plain arrays, so attacks can read every node, threshold and leaf count.
 */
package org.mlsec.model.tree;
