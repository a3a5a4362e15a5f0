package org.mlsec.model.tree;

import java.util.List;

/** Feature importance from the gains recorded at split nodes. */
final class TreeImportance {
    private TreeImportance() {
    }

    static double[] meanDecrease(List<Tree> trees, int features) {
        double[] total = new double[features];
        int used = 0;
        for (Tree t : trees) {
            double[] imp = new double[features];
            double sum = 0;
            for (int n = 0; n < t.nodes(); n++) {
                if (!t.isLeaf(n)) {
                    imp[t.feature()[n]] += t.gain()[n];
                    sum += t.gain()[n];
                }
            }
            if (sum > 0) {
                used++;
                for (int f = 0; f < features; f++) {
                    total[f] += imp[f] / sum;
                }
            }
        }
        if (used > 0) {
            for (int f = 0; f < features; f++) {
                total[f] /= used;
            }
        }
        return total;
    }

    static double[] totalGain(List<Tree> trees, int features) {
        double[] imp = new double[features];
        double sum = 0;
        for (Tree t : trees) {
            for (int n = 0; n < t.nodes(); n++) {
                if (!t.isLeaf(n)) {
                    imp[t.feature()[n]] += t.gain()[n];
                    sum += t.gain()[n];
                }
            }
        }
        if (sum > 0) {
            for (int f = 0; f < features; f++) {
                imp[f] /= sum;
            }
        }
        return imp;
    }
}
