package org.mlsec.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;

class CsvReaderTest {
    @TempDir
    Path dir;

    Path csv(String text) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, text);
        return f;
    }

    String error(String text, CsvOptions options) throws IOException {
        Path f = csv(text);
        return assertThrows(InputException.class, () -> CsvReader.read(f, options)).getMessage();
    }

    @Test
    void infersNumericIntegerAndCategoricalColumns() throws IOException {
        Dataset d = CsvReader.read(csv("ID,amount,age,sex,city,y\n1,1.5,30,1,Lagos,0\n2,2.5,-1,2,Accra,1\n3,3,45,2,Lagos,0\n"),
                CsvOptions.labelled("y", "ID"));
        Schema s = d.schema();
        assertEquals(List.of("amount", "age", "sex", "city"), s.featureNames());
        assertEquals(ColumnType.NUMERIC, s.feature(0).type());
        assertEquals(ColumnType.INTEGER, s.feature(1).type());
        assertEquals(-1, s.feature(1).min());
        assertEquals(45, s.feature(1).max());
        assertEquals(List.of("1", "2"), s.feature(2).categories());
        assertEquals(List.of("Accra", "Lagos"), s.feature(3).categories());
        assertEquals(List.of("0", "1"), s.classes());
        assertArrayEquals(new double[] {2.5, -1, 1, 0}, d.row(1));
        assertArrayEquals(new int[] {0, 1, 0}, d.y());
    }

    @Test
    void typeOverridesWin() throws IOException {
        Dataset d = CsvReader.read(csv("a,b,y\n1,5,0\n2,6,1\n"),
                CsvOptions.labelled("y").withTypes(java.util.Set.of(), java.util.Set.of("a")));
        assertEquals(ColumnType.INTEGER, d.schema().feature(0).type());
        assertEquals(ColumnType.CATEGORICAL, d.schema().feature(1).type());
    }

    @Test
    void quotedFieldsAndWindowsLineEndings() throws IOException {
        Dataset d = CsvReader.read(csv("\uFEFFname,v,y\r\n\"a, b\",1,0\r\n\"say \"\"hi\"\"\",2,1\r\n"), CsvOptions.labelled("y"));
        assertEquals(List.of("a, b", "say \"hi\""), d.schema().feature(0).categories());
    }

    @Test
    void raggedRowNamesLine() throws IOException {
        String m = error("a,b,y\n1,2,0\n1,2\n", CsvOptions.labelled("y"));
        assertTrue(m.contains("line 3") && m.contains("expected 3 fields"), m);
    }

    @Test
    void wordInNumericColumnNamesLineAndColumn() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 50; i++) {
            sb.append(i).append(',').append(i * 2).append(",0\n");
        }
        sb.append("7,abc,1\n");
        String m = error(sb.toString(), CsvOptions.labelled("y"));
        assertTrue(m.contains("line 52") && m.contains("column 'b'") && m.contains("'abc' is not a number"), m);
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        StringBuilder sb = new StringBuilder("a,y\n");
        for (int i = 0; i < 30; i++) {
            sb.append(i).append(",0\n");
        }
        String nan = error(sb + "NaN,1\n", CsvOptions.labelled("y"));
        assertTrue(nan.contains("line 32") && nan.contains("not a finite number"), nan);
        String inf = error(sb + "Infinity,1\n", CsvOptions.labelled("y"));
        assertTrue(inf.contains("not a finite number"), inf);
    }

    @Test
    void missingValueNamesCell() throws IOException {
        String m = error("a,b,y\n1,,0\n", CsvOptions.labelled("y"));
        assertTrue(m.contains("line 2") && m.contains("column 'b'") && m.contains("missing value"), m);
    }

    @Test
    void missingLabelColumnListsColumns() throws IOException {
        String m = error("a,b\n1,2\n", CsvOptions.labelled("DEFAULT"));
        assertTrue(m.contains("no label column 'DEFAULT'") && m.contains("[a, b]"), m);
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        assertTrue(error("", CsvOptions.labelled("y")).contains("is empty"));
        assertTrue(error("a,y\n", CsvOptions.labelled("y")).contains("no data rows"));
    }

    @Test
    void wrongDelimiterIsNamed() throws IOException {
        String m = error("a;b;y\n1;2;0\n", CsvOptions.labelled("y"));
        assertTrue(m.contains("delimited by ';'") && m.contains("set its delimiter"), m);
        Dataset d = CsvReader.read(csv("a;b;y\n1;2;0\n3;4;1\n"), CsvOptions.labelled("y").withDelimiter(';'));
        assertEquals(2, d.rows());
    }

    @Test
    void unterminatedQuoteAndBinaryInput() throws IOException {
        assertTrue(error("a,y\n\"1,0\n", CsvOptions.labelled("y")).contains("unterminated quoted field"));
        Path f = dir.resolve("bin.csv");
        Files.write(f, new byte[] {'a', ',', 'y', '\n', (byte) 0xff, (byte) 0xfe, ',', '1', '\n'});
        String m = assertThrows(InputException.class, () -> CsvReader.read(f, CsvOptions.labelled("y"))).getMessage();
        assertTrue(m.contains("not UTF-8"), m);
    }

    @Test
    void missingFileIsAnInputError() {
        String m = assertThrows(InputException.class,
                () -> CsvReader.read(dir.resolve("nope.csv"), CsvOptions.labelled("y"))).getMessage();
        assertTrue(m.contains("no such file"), m);
    }

    @Test
    void conformsToAModelSchema() throws IOException {
        Dataset train = CsvReader.read(csv("x,c,y\n1.5,a,0\n2.5,b,1\n"), CsvOptions.labelled("y"));
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "extra,c,x,y\n9,b,5,1\n9,z,6,0\n");
        Dataset d = CsvReader.read(other, train.schema(), CsvOptions.labelled("y"));
        assertArrayEquals(new double[] {5, 1}, d.row(0));
        assertArrayEquals(new double[] {6, -1}, d.row(1), "unknown category");
        Files.writeString(other, "c,y\nb,1\n");
        String m = assertThrows(InputException.class,
                () -> CsvReader.read(other, train.schema(), CsvOptions.labelled("y"))).getMessage();
        assertTrue(m.contains("no column 'x'"), m);
        Files.writeString(other, "c,x,y\nb,1,7\n");
        m = assertThrows(InputException.class, () -> CsvReader.read(other, train.schema(), CsvOptions.labelled("y")))
                .getMessage();
        assertTrue(m.contains("line 2") && m.contains("label '7' is not one of the model's classes"), m);
    }

    @Test
    void yesNoLabelsAgainstAZeroOneModelAreRefusedNotScoredAsWrong() throws IOException {
        Dataset train = CsvReader.read(csv("x,y\n1.5,0\n2.5,1\n"), CsvOptions.labelled("y"));
        Path words = dir.resolve("words.csv");
        Files.writeString(words, "x,y\n1.5,no\n2.5,yes\n");
        InputException e = assertThrows(InputException.class,
                () -> CsvReader.read(words, train.schema(), CsvOptions.labelled("y")));
        assertTrue(e.getMessage().contains("line 2, column 'y': label 'no' is not one of the model's classes [0, 1]"),
                e.getMessage());
    }

    @Test
    void roundTripsThroughTheWriter() throws IOException {
        Dataset d = CsvReader.read(csv("x,c,y\n1.25,\"a,b\",0\n2,b,1\n"), CsvOptions.labelled("y"));
        Path out = dir.resolve("out.csv");
        CsvWriter.write(d, out);
        Dataset back = CsvReader.read(out, CsvOptions.labelled("y"));
        assertEquals(d.schema(), back.schema());
        assertArrayEquals(d.row(0), back.row(0));
    }

    @Test
    void rowsFromAnotherReaderAreReadAsTheSameCsvWouldBeWithRowNumbersInMessages() throws IOException {
        String text = "ID,amount,city,y\n1,1.5,Lagos,0\n2,,Accra,1\n3,3,Lagos,0\n";
        CsvOptions o = CsvOptions.labelled("y", "ID").withMissing(MissingValues.of(MissingValues.Policy.IMPUTE_MEDIAN));
        CsvReader.Report fromCsv = CsvReader.readReport(csv(text), o);
        List<String> names = List.of("ID", "amount", "city", "y");
        List<List<String>> rows = List.of(List.of("1", "1.5", "Lagos", "0"), List.of("2", "", " Accra ", "1"),
                List.of("3", "3", "Lagos", "0"));
        CsvReader.Report fromRows = CsvReader.readRows("t.parquet", names, rows.iterator(), null, o);
        assertEquals(fromCsv.data().schema(), fromRows.data().schema());
        assertArrayEquals(fromCsv.data().x(), fromRows.data().x());
        assertEquals(fromCsv.filledCells(), fromRows.filledCells());
        Schema s = fromCsv.data().schema();
        CsvReader.Report into = CsvReader.readRows("t.parquet", names, rows.iterator(), s, o);
        assertArrayEquals(fromCsv.data().x(), into.data().x());
        var e = assertThrows(InputException.class, () -> CsvReader.readRows("t.parquet", names,
                List.of(List.of("1", "x", "Lagos", "0")).iterator(), s, CsvOptions.labelled("y", "ID")));
        assertEquals("t.parquet row 1, column 'amount': 'x' is not a number (the column is numeric)", e.getMessage());
        e = assertThrows(InputException.class, () -> CsvReader.readRows("t.parquet", names,
                List.<List<String>>of().iterator(), s, CsvOptions.labelled("y", "ID")));
        assertEquals("t.parquet has a header but no data rows", e.getMessage());
    }
}
