package org.mlsec.model.formats.lightgbm;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.data.Values;
import org.mlsec.internal.Json;
import org.mlsec.model.TrainConfig;

/**
 * A LightGBM model's settings as provenance hyperparameters: every {@code [name: value]} of its
 * {@code parameters:} section as {@code lightgbm.<name>}, and mlsec's own keys where LightGBM has a counterpart
 * (see {@link TrainConfig#hyperparameters()}): {@code trees} (rounds in the file), {@code learning_rate},
 * {@code max_depth} (the smaller of LightGBM's and ceil(log2 num_leaves), the depth a depth-wise grower needs for
 * as many leaves; {@code none} only without either), {@code min_leaf} ({@code min_data_in_leaf}),
 * {@code max_features} ({@code feature_fraction} x {@code feature_fraction_bynode}), {@code l2}
 * ({@code lambda_l2}), {@code seed} and the monotone constraints. A value outside what mlsec's trainer accepts is
 * kept under its LightGBM name only, so that {@link TrainConfig#fromHyperparameters} always succeeds.
 */
final class Hyperparameters {
    private Hyperparameters() {
    }

    static Map<String, String> of(Map<String, String> params, Header h, int rounds) {
        Map<String, String> m = new TreeMap<>();
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                m.put("lightgbm." + k, v);
            }
        });
        m.put("lightgbm.objective", h.objective().name() + (h.objective().name().equals("binary")
                ? " sigmoid:" + Values.format(h.objective().sigmoid()) : " num_class:" + h.objective().classes()));
        m.put("trees", Integer.toString(rounds));
        boolean rf = h.averageOutput();
        if (rf) {
            m.put("bootstrap", "false"); // LightGBM bags rows without replacement
        } else {
            number(params, "learning_rate").filter(v -> v > 0 && v <= 1)
                    .ifPresent(v -> m.put("learning_rate", Values.format(v)));
        }
        // LightGBM grows leaf-wise up to num_leaves; mlsec grows depth-wise. Unlimited depth with 31 leaves is a tree
        // of at most 31 leaves, which a depth-wise grower gets from depth ceil(log2 31) = 5, not from no limit.
        java.util.Optional<Double> leaves = number(params, "num_leaves").filter(v -> v >= 2 && v == Math.rint(v) && v < 1e9);
        number(params, "max_depth").filter(v -> v == Math.rint(v) && Math.abs(v) < 1e9)
                .ifPresent(v -> {
                    long fromLeaves = leaves.map(l -> (long) Math.ceil(Math.log(l) / Math.log(2))).orElse(-1L);
                    long depth = v <= 0 ? fromLeaves : fromLeaves > 0 ? Math.min((long) (double) v, fromLeaves) : (long) (double) v;
                    m.put("max_depth", depth <= 0 ? "none" : Long.toString(depth));
                });
        number(params, "min_data_in_leaf").filter(v -> v >= 1 && v == Math.rint(v) && v < 1e9)
                .ifPresent(v -> m.put("min_leaf", Long.toString((long) (double) v)));
        double ff = number(params, "feature_fraction").orElse(1.0)
                * number(params, "feature_fraction_bynode").orElse(1.0);
        if (params.containsKey("feature_fraction") && ff > 0 && ff <= 1) {
            m.put("max_features", Values.format(ff));
        }
        number(params, "lambda_l2").filter(v -> v >= 0 && Double.isFinite(v))
                .ifPresent(v -> m.put("l2", Values.format(v)));
        number(params, "seed").filter(v -> v == Math.rint(v) && Math.abs(v) < 1e15)
                .ifPresent(v -> m.put("seed", Long.toString((long) (double) v)));
        if (h.monotone() != null) {
            Map<String, Integer> mono = new TreeMap<>();
            for (int j = 0; j < h.width(); j++) {
                if (h.monotone()[j] != 0) {
                    mono.put(h.features().get(j), h.monotone()[j]);
                }
            }
            if (!mono.isEmpty()) {
                try {
                    m.put(TrainConfig.MONOTONE_KEY, Json.MAPPER.writeValueAsString(mono));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
    }

    private static java.util.Optional<Double> number(Map<String, String> params, String key) {
        String v = params.get(key);
        if (v == null) {
            return java.util.Optional.empty();
        }
        try {
            double d = Tokens.parseDouble(v.trim(), key);
            return Double.isNaN(d) ? java.util.Optional.empty() : java.util.Optional.of(d);
        } catch (org.mlsec.InputException e) {
            return java.util.Optional.empty();
        }
    }
}
