package org.mlsec.junit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.mlsec.Progress;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.CsvWriter;
import org.mlsec.data.Dataset;
import org.mlsec.demo.LaymanBrothers;
import org.mlsec.model.Algorithm;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;
import org.mlsec.model.Trainer;

/** Small data and models for the tests, made on the spot. */
final class Fixtures {
    private Fixtures() {
    }

    /** Layman Brothers credit data, written to CSV and read back as a user's file would be. */
    static Dataset layman(int rows, long seed, Path dir) throws java.io.IOException {
        Path f = dir.resolve("layman-" + rows + "-" + seed + ".csv");
        if (!Files.exists(f)) {
            CsvWriter.write(LaymanBrothers.generate(rows, seed), f);
        }
        return CsvReader.read(f, new CsvOptions(',', "DEFAULT", Set.of("ID"), Set.of("SEX"), Set.of("EDUCATION", "MARRIAGE")));
    }

    static LocalModel train(Dataset d, Algorithm a, long seed) {
        return Trainer.train(d, TrainConfig.defaults(a).withSeed(seed), "test", Progress.NONE);
    }

    /** A hand-made malicious pickle (never loaded): PROTO 2, GLOBAL os system, a string, TUPLE1, REDUCE, STOP. */
    static byte[] evilPickle() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80);
        out.write(2);
        out.writeBytes("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        byte[] arg = "echo pwned".getBytes(StandardCharsets.UTF_8);
        out.write(0x8c);
        out.write(arg.length);
        out.writeBytes(arg);
        out.write(0x85);
        out.write('R');
        out.write('.');
        return out.toByteArray();
    }
}
