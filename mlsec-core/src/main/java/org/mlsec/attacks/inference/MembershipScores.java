package org.mlsec.attacks.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mlsec.internal.Sorted;
import org.mlsec.model.linear.LogisticTrainer;

/** Membership scores (higher: more likely a member) from what the attacker observed of the target and references. */
final class MembershipScores {
    /** Below this many references LiRA uses one global variance (Carlini et al. recommend it for few models). */
    static final int FIXED_VARIANCE_BELOW = 64;
    /** RMIA's offline scaling of OUT-only reference probabilities (Zarifzadeh et al. 2024). */
    static final double RMIA_A = 0.3;

    private MembershipScores() {
    }

    static double[] score(MembershipMethod m, Observation target, List<Observation> refs, int[] y) {
        switch (m) {
            case THRESHOLD:
                return target.logits();
            case LABEL_ONLY:
                return labelOnly(target, refs);
            case LIRA:
                return lira(target, refs, true);
            case LIRA_OFFLINE:
                return lira(target, refs, false);
            case RMIA:
                return rmia(target, refs);
            case SHADOW:
                return shadow(target, refs, y);
            default:
                throw new IllegalStateException(m.toString());
        }
    }

    /** Per-example Gaussians of the logit-scaled confidence under IN and OUT reference models. */
    static double[] lira(Observation target, List<Observation> refs, boolean online) {
        int n = target.pTrue().length;
        double[] phi = target.logits();
        double[][] refPhi = new double[refs.size()][];
        for (int k = 0; k < refs.size(); k++) {
            refPhi[k] = refs.get(k).logits();
        }
        double[] muIn = new double[n];
        double[] muOut = new double[n];
        double[] sdIn = new double[n];
        double[] sdOut = new double[n];
        List<Double> allSdIn = new ArrayList<>();
        List<Double> allSdOut = new ArrayList<>();
        double globalIn = 0;
        double globalOut = 0;
        int countIn = 0;
        int countOut = 0;
        for (int i = 0; i < n; i++) {
            double sIn = 0;
            double sOut = 0;
            double qIn = 0;
            double qOut = 0;
            int nIn = 0;
            int nOut = 0;
            for (int k = 0; k < refs.size(); k++) {
                double v = refPhi[k][i];
                if (refs.get(k).in()[i]) {
                    sIn += v;
                    qIn += v * v;
                    nIn++;
                } else {
                    sOut += v;
                    qOut += v * v;
                    nOut++;
                }
            }
            muIn[i] = nIn > 0 ? sIn / nIn : Double.NaN;
            muOut[i] = nOut > 0 ? sOut / nOut : Double.NaN;
            if (nIn > 1) {
                sdIn[i] = Math.sqrt(Math.max(qIn / nIn - muIn[i] * muIn[i], 0));
                allSdIn.add(sdIn[i]);
            }
            if (nOut > 1) {
                sdOut[i] = Math.sqrt(Math.max(qOut / nOut - muOut[i] * muOut[i], 0));
                allSdOut.add(sdOut[i]);
            }
            if (nIn > 0) {
                globalIn += muIn[i];
                countIn++;
            }
            if (nOut > 0) {
                globalOut += muOut[i];
                countOut++;
            }
        }
        double fallbackIn = countIn > 0 ? globalIn / countIn : 0;
        double fallbackOut = countOut > 0 ? globalOut / countOut : 0;
        double medianIn = Math.max(median(allSdIn), 1e-3);
        double medianOut = Math.max(median(allSdOut), 1e-3);
        boolean fixed = refs.size() < FIXED_VARIANCE_BELOW;
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            double mo = Double.isNaN(muOut[i]) ? fallbackOut : muOut[i];
            double so = fixed || sdOut[i] < 1e-3 ? medianOut : sdOut[i];
            if (!online) {
                score[i] = (phi[i] - mo) / so;
            } else {
                double mi = Double.isNaN(muIn[i]) ? fallbackIn : muIn[i];
                double si = fixed || sdIn[i] < 1e-3 ? medianIn : sdIn[i];
                score[i] = logNormal(phi[i], mi, si) - logNormal(phi[i], mo, so);
            }
        }
        return score;
    }

    /**
     * Label-only: how much more robustly the target labels a row than reference models that did not train on it.
     * Robustness alone confounds easy rows with memorised ones; the OUT references tell them apart.
     */
    static double[] labelOnly(Observation target, List<Observation> refs) {
        int n = target.pTrue().length;
        double[] score = new double[n];
        double[] outMean = new double[n];
        double global = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int count = 0;
            for (Observation r : refs) {
                if (!r.in()[i]) {
                    sum += r.pTrue()[i];
                    count++;
                }
            }
            outMean[i] = count > 0 ? sum / count : Double.NaN;
            global += count > 0 ? outMean[i] : 0;
        }
        double fallback = global / n;
        for (int i = 0; i < n; i++) {
            score[i] = target.pTrue()[i] - (Double.isNaN(outMean[i]) ? fallback : outMean[i]);
        }
        return score;
    }

    static double logNormal(double x, double mu, double sd) {
        double z = (x - mu) / sd;
        return -0.5 * z * z - Math.log(sd);
    }

    /**
     * RMIA: how often the likelihood ratio of x (target probability over the reference average) beats that of a
     * population sample z. The population is the candidate pool itself unless one is given.
     */
    static double[] rmia(Observation target, List<Observation> refs) {
        int n = target.pTrue().length;
        double[] ratio = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            double sumOut = 0;
            int nOut = 0;
            for (Observation r : refs) {
                sum += r.pTrue()[i];
                if (!r.in()[i]) {
                    sumOut += r.pTrue()[i];
                    nOut++;
                }
            }
            boolean bothSides = nOut > 0 && nOut < refs.size();
            double prior = bothSides ? sum / refs.size()
                    : 0.5 * ((1 + RMIA_A) * (nOut > 0 ? sumOut / nOut : sum / refs.size()) + (1 - RMIA_A));
            ratio[i] = Math.max(target.pTrue()[i], 1e-12) / Math.max(prior, 1e-12);
        }
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            // share of population z with ratio(x) / ratio(z) > 1 (gamma = 1)
            int below = Sorted.lowerBound(sorted, ratio[i]);
            score[i] = (double) below / n;
        }
        return score;
    }

    /** Shokri et al.: per true class, an attack classifier learned from shadow models' IN and OUT outputs. */
    static double[] shadow(Observation target, List<Observation> refs, int[] y) {
        int k = target.proba()[0].length;
        int n = y.length;
        double[] score = new double[n];
        for (int c = 0; c < k; c++) {
            List<double[]> feats = new ArrayList<>();
            List<Double> labels = new ArrayList<>();
            for (Observation r : refs) {
                for (int i = 0; i < n; i++) {
                    if (y[i] == c) {
                        feats.add(features(r.proba()[i], c));
                        labels.add(r.in()[i] ? 1.0 : 0.0);
                    }
                }
            }
            if (feats.isEmpty()) {
                continue;
            }
            double[][] z = feats.toArray(new double[0][]);
            double[] t = labels.stream().mapToDouble(Double::doubleValue).toArray();
            double[] w = LogisticTrainer.fit(z, t, 1.0, null);
            for (int i = 0; i < n; i++) {
                if (y[i] == c) {
                    double[] f = features(target.proba()[i], c);
                    double s = 0;
                    for (int j = 0; j < w.length; j++) {
                        s += w[j] * f[j];
                    }
                    score[i] = s;
                }
            }
        }
        return score;
    }

    /** Attack-model features of one probability vector: intercept, logit of the true class, top probability, entropy. */
    static double[] features(double[] p, int c) {
        double max = 0;
        double entropy = 0;
        for (double v : p) {
            max = Math.max(max, v);
            if (v > 0) {
                entropy -= v * Math.log(v);
            }
        }
        double lt = Observation.logit(p[c]);
        return new double[] {1, lt / 10, Observation.logit(max) / 10, entropy, lt > 0 ? 1 : 0};
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return 1;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a[a.length / 2];
    }
}
