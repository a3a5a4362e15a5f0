package org.mlsec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;

/** Shared fixtures: the built-in data and, where present, the real credit data in ../shared. */
public final class TestData {
    /**
     * The seed every jqwik property runs with, so that a property draws the same cases on every machine and a
     * failure in CI shows again anywhere (jqwik keeps a failing seed only in a local database a fresh clone lacks).
     * Change it here to explore other cases.
     */
    public static final String PROPERTY_SEED = "20261208";
    public static final Path REAL = Path.of("../../shared/data/default_credit_card.csv");
    public static final List<String> TALK_FEATURES = List.of("LIMIT_BAL", "AGE", "PAY_0", "PAY_2", "PAY_3",
            "BILL_AMT1", "BILL_AMT2", "PAY_AMT1", "SEX");

    private TestData() {
    }

    public static boolean realAvailable() {
        return Files.isRegularFile(REAL);
    }

    /** The real data read as mlsec reads any CSV (label DEFAULT, ID dropped). */
    public static Dataset real() {
        return CsvReader.read(REAL, CsvOptions.labelled("DEFAULT", "ID"));
    }

    /** The real data with only SEX one-hot and every other column numeric, as the talk encoded it. */
    public static Dataset realTalk() {
        return CsvReader.read(REAL, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of("SEX"),
                Set.of("EDUCATION", "MARRIAGE")));
    }

    /** Layman Brothers rows written to a CSV and read back like a user's file. */
    public static Dataset layman(int rows, long seed, Path dir) throws java.io.IOException {
        Path f = dir.resolve("layman-" + rows + "-" + seed + ".csv");
        if (!Files.exists(f)) {
            org.mlsec.data.CsvWriter.write(LaymanBrothers.generate(rows, seed), f);
        }
        return CsvReader.read(f, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of("SEX"),
                Set.of("EDUCATION", "MARRIAGE")));
    }
}
