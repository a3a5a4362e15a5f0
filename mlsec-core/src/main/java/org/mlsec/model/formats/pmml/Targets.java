package org.mlsec.model.formats.pmml;

import java.util.List;
import org.mlsec.InputException;

/**
 * A regression model's {@code Targets}: the prediction is {@code rescaleFactor * value + rescaleConstant}
 * (PMML 4.4, Targets). Clipping ({@code min}, {@code max}) and {@code castInteger} change the value non-linearly
 * and are refused. Classification models' {@code Targets} only hold priors for missing predictions, not read.
 */
final class Targets {
    private Targets() {
    }

    /** {factor, constant} of a regression model's single Target (1, 0 when it has none). */
    static double[] rescale(Element model) {
        Element targets = model.child("Targets");
        if (targets == null || !"regression".equals(model.attr("functionName"))) {
            return new double[] {1, 0};
        }
        List<Element> all = targets.all("Target");
        if (all.size() > 1) {
            throw new InputException(targets.where() + " has " + all.size() + " Targets; one is read");
        }
        if (all.isEmpty()) {
            return new double[] {1, 0};
        }
        Element t = all.get(0);
        for (String a : new String[] {"min", "max", "castInteger"}) {
            if (t.attr(a) != null) {
                throw new InputException(t.where() + ": " + a + " on a target is not read");
            }
        }
        return new double[] {t.number("rescaleFactor", 1), t.number("rescaleConstant", 0)};
    }
}
