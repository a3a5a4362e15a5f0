package org.mlsec.model.tree;

import java.util.List;

/**
 * How a single tree grows.
 *
 * @param maxDepth       deepest level allowed (Integer.MAX_VALUE: grown until pure)
 * @param minLeaf        fewest distinct training rows in a leaf
 * @param minSplit       fewest distinct training rows in a node that may be split
 * @param maxFeatures    share of features drawn at each split (1: all)
 * @param lambda         L2 penalty on leaf scores (boosting only)
 * @param minChildWeight fewest hessian weight in a child (boosting only)
 * @param monotone       per encoded feature, +1 if the tree's output (the class-1 share of a binary classification
 *                       tree, the score of a boosting tree) must not fall as the feature grows, -1 if it must not
 *                       rise, 0 if free; empty when no feature is constrained
 * @param robust         the attacker's feasible perturbation that robust growth splits against (binary
 *                       classification trees only; see {@link TreeGrower}), or null for ordinary CART
 */
public record TreeParams(int maxDepth, int minLeaf, int minSplit, double maxFeatures, double lambda,
                         double minChildWeight, List<Integer> monotone, Perturbation robust) {
    /**
     * Null monotone directions are none.
     *
     * @param maxDepth deepest level allowed (Integer.MAX_VALUE: grown until pure)
     * @param minLeaf fewest distinct training rows in a leaf
     * @param minSplit fewest distinct training rows in a node that may be split
     * @param maxFeatures share of features drawn at each split (1: all)
     * @param lambda L2 penalty on leaf scores (boosting only)
     * @param minChildWeight fewest hessian weight in a child (boosting only)
     * @param monotone per encoded feature, +1 if the tree's output (the class-1 share of a binary classification tree,
     *     the score of a boosting tree) must not fall as the feature grows, -1 if it must not rise, 0 if free; empty
     *     when no feature is constrained
     * @param robust the attacker's feasible perturbation that robust growth splits against, or null for none
     */
    public TreeParams {
        monotone = monotone == null ? List.of() : List.copyOf(monotone);
    }

    /**
     * Growth without monotone constraints.
     *
     * @param maxDepth deepest level allowed
     * @param minLeaf fewest distinct training rows in a leaf
     * @param minSplit fewest distinct training rows in a node that may be split
     * @param maxFeatures share of features drawn at each split
     * @param lambda L2 penalty on leaf scores
     * @param minChildWeight fewest hessian weight in a child
     */
    public TreeParams(int maxDepth, int minLeaf, int minSplit, double maxFeatures, double lambda,
                      double minChildWeight) {
        this(maxDepth, minLeaf, minSplit, maxFeatures, lambda, minChildWeight, List.of(), null);
    }

    /**
     * Growth without robust splits.
     *
     * @param maxDepth deepest level allowed
     * @param minLeaf fewest distinct training rows in a leaf
     * @param minSplit fewest distinct training rows in a node that may be split
     * @param maxFeatures share of features drawn at each split
     * @param lambda L2 penalty on leaf scores
     * @param minChildWeight fewest hessian weight in a child
     * @param monotone per encoded feature, the monotone direction (empty: none)
     */
    public TreeParams(int maxDepth, int minLeaf, int minSplit, double maxFeatures, double lambda,
                      double minChildWeight, List<Integer> monotone) {
        this(maxDepth, minLeaf, minSplit, maxFeatures, lambda, minChildWeight, monotone, null);
    }

    /**
     * Growth of a classification tree: nodes of two rows or more may split, no boosting terms.
     *
     * @param maxDepth deepest level allowed
     * @param minLeaf fewest distinct training rows in a leaf
     * @param maxFeatures share of features drawn at each split
     * @return the parameters
     */
    public static TreeParams classification(int maxDepth, int minLeaf, double maxFeatures) {
        return new TreeParams(maxDepth, minLeaf, 2, maxFeatures, 0, 0);
    }

    /**
     * The same growth with these monotone directions, one per encoded feature (empty: none).
     *
     * @param directions the directions
     * @return the new parameters
     */
    public TreeParams withMonotone(List<Integer> directions) {
        return new TreeParams(maxDepth, minLeaf, minSplit, maxFeatures, lambda, minChildWeight, directions, robust);
    }

    /**
     * The same growth with robust splits against this perturbation (null: ordinary splits).
     *
     * @param perturbation what the attacker may do to each encoded feature
     * @return the new parameters
     */
    public TreeParams withRobust(Perturbation perturbation) {
        return new TreeParams(maxDepth, minLeaf, minSplit, maxFeatures, lambda, minChildWeight, monotone, perturbation);
    }

    /** Features drawn at each split, out of {@code total}. */
    int featuresPerSplit(int total) {
        return Math.max(1, Math.min(total, (int) (maxFeatures * total + 1e-9)));
    }
}
