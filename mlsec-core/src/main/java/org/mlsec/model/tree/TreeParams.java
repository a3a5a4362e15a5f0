package org.mlsec.model.tree;

/**
 * How a single tree grows.
 *
 * @param maxDepth       deepest level allowed (Integer.MAX_VALUE: grown until pure)
 * @param minLeaf        fewest distinct training rows in a leaf
 * @param minSplit       fewest distinct training rows in a node that may be split
 * @param maxFeatures    share of features drawn at each split (1: all)
 * @param lambda         L2 penalty on leaf scores (boosting only)
 * @param minChildWeight fewest hessian weight in a child (boosting only)
 */
public record TreeParams(int maxDepth, int minLeaf, int minSplit, double maxFeatures, double lambda, double minChildWeight) {
    public static TreeParams classification(int maxDepth, int minLeaf, double maxFeatures) {
        return new TreeParams(maxDepth, minLeaf, 2, maxFeatures, 0, 0);
    }

    /** Features drawn at each split, out of {@code total}. */
    int featuresPerSplit(int total) {
        return Math.max(1, Math.min(total, (int) (maxFeatures * total + 1e-9)));
    }
}
