package org.mlsec.spark;

import org.mlsec.attacks.inference.ReferenceEngine;

/** Registers the "spark" reference engine with {@link java.util.ServiceLoader}. */
public final class SparkEngineProvider implements ReferenceEngine.Provider {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public ReferenceEngine open(String master) {
        return SparkReferenceEngine.connect(master);
    }
}
