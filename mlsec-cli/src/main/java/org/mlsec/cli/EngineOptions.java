package org.mlsec.cli;

import org.mlsec.InputException;
import org.mlsec.attacks.inference.ReferenceEngine;
import picocli.CommandLine.Option;

/** Where reference models train: here, or on a cluster through an engine found on the classpath (mlsec-spark). */
final class EngineOptions {
    @Option(names = "--engine", paramLabel = "E", defaultValue = "local",
            description = "Where reference models train: local or spark (needs mlsec-spark; see docs/scale.md). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "With --engine spark: the Spark master (local[4], spark://host:7077, yarn, k8s://...); default: as spark-submit set it.")
    String master;

    /** The engine to use; the caller closes it. */
    ReferenceEngine open() {
        if ("local".equals(engine)) {
            if (master != null) {
                throw new InputException("--master needs --engine spark");
            }
            return ReferenceEngine.LOCAL;
        }
        if (!"spark".equals(engine)) {
            throw new InputException("unknown --engine '" + engine + "' (expected local or spark)");
        }
        return ReferenceEngine.provider("spark").orElseThrow(() -> new InputException(
                "--engine spark needs the mlsec-spark module and Spark on the classpath: run MLSEC_SPARK=1 ./mlsec ..."
                        + " from a clone, or spark-submit mlsec-spark/target/mlsec-spark-job.jar (see docs/scale.md)"))
                .open(master);
    }
}
