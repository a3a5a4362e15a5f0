package org.mlsec.spark.ml;

import java.nio.file.Path;
import org.mlsec.model.LocalModel;
import org.mlsec.model.formats.DirectoryFormat;

/** Registers {@link SparkMlModels} with {@code Models.load}, which then opens saved Spark ML model folders. */
public final class SparkMlFormat implements DirectoryFormat {
    @Override
    public String name() {
        return "Spark ML";
    }

    @Override
    public boolean recognises(Path dir) {
        return SparkMlModels.recognises(dir);
    }

    @Override
    public LocalModel read(Path dir) {
        return SparkMlModels.read(dir);
    }
}
