package org.mlsec.defences.preprocessor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;

class SchemaValidationTest {
    @TempDir
    Path dir;

    static final String HEADER = "AMOUNT,COLOUR,Y";

    Path csv(String name, List<String> rows) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        lines.addAll(rows);
        return Files.write(dir.resolve(name), lines);
    }

    SchemaValidation.Validation validate(InputSchema schema, Path file) {
        CsvOptions o = new CsvOptions(',', null, Set.of(), Set.of(), Set.of());
        return SchemaValidation.check(schema, CsvReader.readReport(file, schema.toSchema(), o));
    }

    InputSchema trusted() throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add((100 + i) + "," + (i % 2 == 0 ? "red" : "blue") + "," + (i % 2));
        }
        Dataset d = CsvReader.read(csv("trusted.csv", rows), new CsvOptions(',', "Y", Set.of(), Set.of(), Set.of()));
        return InputSchema.infer(d);
    }

    @Test
    void theTrustedDataMeetsTheSchemaLearntFromIt() throws IOException {
        InputSchema s = trusted();
        SchemaValidation.Validation v = validate(s, dir.resolve("trusted.csv"));
        assertTrue(v.valid(), v.violations().toString());
        assertEquals(40, v.rows());
    }

    @Test
    void aValueOutOfRangeAndAnUnknownCategoryAreNamedByLineAndTheFilesText() throws IOException {
        InputSchema s = trusted();
        SchemaValidation.Validation v = validate(s, csv("new.csv", List.of("120,red,0", "99999,red,1", "110,green,0")));
        assertFalse(v.valid());
        assertEquals(3, v.rows());
        assertEquals(2, v.invalidRows());
        assertEquals(List.of(3, 4), v.violations().stream().map(InputSchema.Violation::row).distinct().toList());
        assertTrue(v.violations().stream().anyMatch(x -> x.column().equals("COLOUR") && x.value().equals("green")),
                v.violations().toString());
        assertEquals(v.violations(), v.toJson().get("violations"));
    }
}
