package org.mlsec.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;

/**
 * Reads a CSV file with a header into a {@link Dataset}, either inferring the schema or conforming to a given one.
 * Every problem is reported as an {@link InputException} naming the file, the line and the column.
 */
public final class CsvReader {
    /** Integer columns with at most this many distinct non-negative values are taken as categorical. */
    static final int MAX_INFERRED_CATEGORIES = 10;
    /** A text column with more distinct values than this is an identifier, not a feature. */
    static final int MAX_CATEGORIES = 10_000;
    /** Unseen category texts kept per column for messages. */
    static final int MAX_UNSEEN_KEPT = 1000;

    private CsvReader() {
    }

    /**
     * What a read did besides parsing: the values that filled empty cells, how many cells each column had filled, and
     * how many rows were dropped, under the options' {@link MissingValues} policy.
     */
    public record Report(Dataset data, MissingValues missing, Map<String, Integer> filledCells, int droppedRows,
                         Map<String, Map<Integer, String>> unseen, long[] lines) {
        /**
         * The file line of data row {@code row} (rows dropped for empty cells are not counted).
         *
         * @param row a row index of {@code data}
         * @return the 1-based line in the file
         */
        public long line(int row) {
            return lines[row];
        }

        /**
         * The cell text of a category the schema does not know, at a row and column; null if it was a known one.
         *
         * @param row a row index of {@code data}
         * @param column a categorical feature's name
         * @return the text, or null
         */
        public String unseenText(int row, String column) {
            Map<Integer, String> m = unseen.get(column);
            return m == null ? null : m.get(row);
        }

        /**
         * One line for people, or "" when nothing was filled or dropped.
         *
         * @return the sentence, or ""
         */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            if (!filledCells.isEmpty()) {
                int n = filledCells.values().stream().mapToInt(Integer::intValue).sum();
                sb.append("filled ").append(n).append(" empty cell(s) (").append(missing.policy().key()).append("): ");
                int k = 0;
                for (var e : filledCells.entrySet()) {
                    sb.append(k++ == 0 ? "" : ", ").append(e.getKey()).append(" = ").append(missing.fills().get(e.getKey()))
                            .append(" in ").append(e.getValue());
                }
            }
            if (droppedRows > 0) {
                sb.append(sb.length() == 0 ? "" : "; ").append("dropped ").append(droppedRows)
                        .append(" row(s) with an empty cell");
            }
            return sb.toString();
        }
    }

    /**
     * Reads the file and infers each column's type and range.
     *
     * @param file the CSV file, with a header line
     * @param options separator, label, columns to drop or type, missing values
     * @return the rows in an inferred schema
     */
    public static Dataset read(Path file, CsvOptions options) {
        return readReport(file, options).data();
    }

    /**
     * Reads the file into the given schema (see {@link #read(Path, Schema, CsvOptions)}), with what was filled.
     *
     * @param file the CSV file, with a header line
     * @param schema the schema the rows are read in
     * @param options separator, label, missing values
     * @return the rows and what was filled or dropped
     */
    public static Report readReport(Path file, Schema schema, CsvOptions options) {
        return conform(parse(file, options, schema), schema, options);
    }

    private static Report conform(Parsed p, Schema schema, CsvOptions options) {
        List<String> classes = schema.classes();
        if (p.labelKept >= 0 && classes.isEmpty()) {
            classes = p.columns.get(p.labelKept).classes();
        }
        return p.report(p.toDataset(p.file, new Schema(schema.features(), options.label(), classes)));
    }

    /**
     * Reads the file, inferring each column's type and range, with what was filled or dropped.
     *
     * @param file the CSV file, with a header line
     * @param options separator, label, columns to drop or type, missing values
     * @return the rows and what was filled or dropped
     */
    public static Report readReport(Path file, CsvOptions options) {
        return infer(parse(file, options, null), options);
    }

    private static Report infer(Parsed p, CsvOptions options) {
        List<Column> features = new ArrayList<>();
        for (ColumnValues c : p.columns) {
            if (!c.isLabel) {
                features.add(c.infer(p.file, options));
            }
        }
        List<String> classes = p.labelKept < 0 ? List.of() : p.columns.get(p.labelKept).classes();
        Schema schema = new Schema(features, options.label(), classes);
        return p.report(p.toDataset(p.file, schema));
    }

    /**
     * Reads the file into the given schema: columns are found by name (others are ignored), categories and classes
     * are mapped to the schema's. The label column is read only when {@code options.label()} is set.
     *
     * @param file the CSV file, with a header line
     * @param schema the schema the rows are read in
     * @param options separator, label, missing values
     * @return the rows in {@code schema}
     */
    public static Dataset read(Path file, Schema schema, CsvOptions options) {
        return readReport(file, schema, options).data();
    }

    /**
     * Reads a table that another reader has already split into cells (a Parquet file read by Spark, say) exactly as
     * a CSV file with these columns and cells would be read: the same schema checks, category and class mapping,
     * missing-value policy ({@code ""} is an empty cell) and messages, which name {@code source} and a 1-based row
     * number ("data.parquet row 7, column 'age': ...") instead of a line. Cells should be in {@link Values#format}
     * form for numbers; they are trimmed.
     *
     * @param source how messages name the table (a path or URI)
     * @param names the column names, in table order
     * @param rows each row's cells, in {@code names} order
     * @param schema the schema to read into (columns found by name), or null to infer one as CSV reading does
     * @param options label, columns to drop or type, missing values (the delimiter is not used)
     * @return the rows and what was filled or dropped
     */
    public static Report readRows(String source, List<String> names, java.util.Iterator<List<String>> rows,
                                  Schema schema, CsvOptions options) {
        Source file = new Source(source, false);
        if (names.size() > MAX_COLUMNS) {
            throw new InputException(source + ": more than " + MAX_COLUMNS + " columns; refused");
        }
        checkHeader(file, names, options);
        Parsed p = new Parsed(names, options, schema, file);
        List<String> cells = new ArrayList<>(names.size());
        long row = 0;
        while (rows.hasNext()) {
            List<String> r = rows.next();
            row++;
            if (r.size() != names.size()) {
                throw new InputException(file.at(row) + ": expected " + names.size() + " cells, found " + r.size());
            }
            cells.clear();
            for (String c : r) {
                cells.add(c == null ? "" : c.trim());
            }
            p.add(cells, row);
        }
        p.finish();
        return schema == null ? infer(p, options) : conform(p, schema, options);
    }

    /** How messages name where a value was: a CSV file's line, or another table's row. */
    private record Source(String name, boolean isCsv) {
        static Source csv(Path file) {
            return new Source(file.toString(), true);
        }

        String at(long n) {
            return name + (isCsv ? " line " : " row ") + n;
        }

        String header() {
            return isCsv ? name + " line 1" : name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The column names in the file's header line.
     *
     * @param file the CSV file
     * @param options the separator
     * @return the names, in file order
     */
    public static List<String> header(Path file, CsvOptions options) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new InputException(file + " is empty: expected a header line with the column names");
            }
            if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
                header = header.substring(1);
            }
            List<String> names = new ArrayList<>();
            new Tokenizer(options.delimiter()).split(header, Source.csv(file), 1, names);
            return names;
        } catch (NoSuchFileException e) {
            throw new InputException("no such file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads CSV text from a stream already open (an upload, a file read into memory) exactly as
     * {@link #readReport(Path, Schema, CsvOptions)} or {@link #readReport(Path, CsvOptions)} read a file: the same
     * checks, limits and messages, which name {@code file}. The stream is read to its end and closed.
     *
     * @param file how messages name the text (a path)
     * @param in the CSV bytes, UTF-8, with a header line
     * @param schema the schema to read into (columns found by name), or null to infer one
     * @param options separator, label, columns to drop or type, missing values
     * @return the rows and what was filled or dropped
     */
    public static Report readReport(Path file, java.io.InputStream in, Schema schema, CsvOptions options) {
        org.mlsec.internal.Validate.notNull(in, "in");
        Parsed p = parse(file, in, options, schema);
        return schema == null ? infer(p, options) : conform(p, schema, options);
    }

    private static Parsed parse(Path path, CsvOptions options, Schema target) {
        try {
            return parse(path, Files.newInputStream(path), options, target);
        } catch (NoSuchFileException e) {
            throw new InputException("no such file: " + Source.csv(path));
        } catch (IOException e) {
            throw new InputException("cannot read " + Source.csv(path) + ": " + e.getMessage(), e);
        }
    }

    private static Parsed parse(Path path, java.io.InputStream stream, CsvOptions options, Schema target) {
        Source file = Source.csv(path);
        long lineNo = 0;
        try (LineReader in = new LineReader(stream, path, LineReader.MAX_LINE_BYTES)) {
            String header = in.next();
            lineNo = 1;
            if (header == null || header.isBlank()) {
                throw new InputException(file + " is empty: expected a header line with the column names");
            }
            if (header.charAt(0) == '\uFEFF') {
                header = header.substring(1);
            }
            List<String> names = new ArrayList<>();
            Tokenizer tok = new Tokenizer(options.delimiter());
            tok.split(header, file, lineNo, names);
            checkHeader(file, names, options);
            Parsed p = new Parsed(names, options, target, file);
            String line;
            List<String> cells = new ArrayList<>(names.size());
            while ((line = in.next()) != null) {
                lineNo = in.lineNo();
                if (line.isEmpty()) {
                    continue;
                }
                cells.clear();
                tok.split(line, file, lineNo, cells);
                if (cells.size() != names.size()) {
                    throw new InputException(file + " line " + lineNo + ": expected " + names.size()
                            + " fields as in the header, found " + cells.size()
                            + (cells.size() == 1 && names.size() > 1 ? " (is the delimiter '" + options.delimiter() + "'?)" : ""));
                }
                p.add(cells, lineNo);
            }
            p.finish();
            return p;
        } catch (NoSuchFileException e) {
            throw new InputException("no such file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkHeader(Source file, List<String> names, CsvOptions options) {
        if (names.size() == 1 && file.isCsv()) {
            String h = names.get(0);
            for (char d : new char[] {';', '\t', '|', ','}) {
                if (d != options.delimiter() && h.indexOf(d) >= 0) {
                    throw InputException.about(file + " line 1: the header is a single column '" + abbreviate(h)
                            + "'; the file seems to be delimited by '" + (d == '\t' ? "\\t" : String.valueOf(d))
                            + "' (set its delimiter)", "delimiter");
                }
            }
        }
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < names.size(); j++) {
            String n = names.get(j);
            if (n.isEmpty()) {
                throw new InputException(file.header() + ", column " + (j + 1) + ": empty column name");
            }
            if (!seen.add(n)) {
                throw new InputException(file.header() + ": column name '" + n + "' appears twice");
            }
        }
        if (options.label() != null && !seen.contains(options.label())) {
            throw new InputException(file + " has no label column '" + options.label() + "'; its columns are "
                    + shortList(names));
        }
        for (String d : options.drop()) {
            if (!seen.contains(d)) {
                throw new InputException(file + " has no column '" + d + "' to drop; its columns are " + shortList(names));
            }
        }
    }

    /** At most the first 20 names (each abbreviated), and how many there are: an error line stays short. */
    static String shortList(List<String> names) {
        List<String> head = names.stream().limit(20).map(CsvReader::abbreviate).toList();
        return names.size() <= 20 ? head.toString()
                : head.toString().replaceFirst("]$", ", ... (" + names.size() + " columns)]");
    }

    /** Most fields a line may have: a wider header is refused before its columns take memory. */
    static final int MAX_COLUMNS = 100_000;

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Splits one line into fields; double quotes protect delimiters, and "" inside quotes is a quote. */
    static final class Tokenizer {
        private final char delimiter;
        private final StringBuilder sb = new StringBuilder();

        Tokenizer(char delimiter) {
            this.delimiter = delimiter;
        }

        void split(String line, Source file, long lineNo, List<String> out) {
            int n = line.length();
            if (n > 0 && line.charAt(n - 1) == '\r') {
                n--;
            }
            int i = 0;
            while (true) {
                sb.setLength(0);
                if (i < n && line.charAt(i) == '"') {
                    i++;
                    while (true) {
                        if (i >= n) {
                            throw new InputException(file + " line " + lineNo + ", field " + (out.size() + 1)
                                    + ": unterminated quoted field");
                        }
                        char c = line.charAt(i++);
                        if (c == '"') {
                            if (i < n && line.charAt(i) == '"') {
                                sb.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            sb.append(c);
                        }
                    }
                    if (i < n && line.charAt(i) != delimiter) {
                        throw new InputException(file + " line " + lineNo + ", field " + (out.size() + 1)
                                + ": text after a closing quote");
                    }
                } else {
                    while (i < n && line.charAt(i) != delimiter) {
                        sb.append(line.charAt(i++));
                    }
                }
                out.add(sb.toString().trim());
                if (out.size() > MAX_COLUMNS) {
                    throw new InputException(file + " line " + lineNo + ": more than " + MAX_COLUMNS + " fields; refused");
                }
                if (i >= n) {
                    return;
                }
                i++; // the delimiter
                if (i == n) {
                    out.add("");
                    return;
                }
            }
        }
    }

    /** Column values as numbers where they parse, and as dictionary codes where they do not. */
    private static final class ColumnValues {
        final String name;
        final boolean isLabel;
        final Column target;
        double[] nums = new double[1024];
        int[] codes; // allocated at the first non-numeric value; -1 for numeric cells
        final Map<String, Integer> dict = new HashMap<>();
        final List<String> dictValues = new ArrayList<>();
        int numericCount;
        int textCount;
        long firstTextLine = -1;
        String firstTextValue;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean allIntegral = true;

        ColumnValues(String name, boolean isLabel, Column target) {
            this.name = name;
            this.isLabel = isLabel;
            this.target = target;
        }

        void add(int row, String cell, Source file, long line) {
            if (row == nums.length) {
                nums = Arrays.copyOf(nums, row * 2);
                if (codes != null) {
                    codes = Arrays.copyOf(codes, row * 2);
                }
            }
            if (cell.isEmpty()) {
                throw new InputException(file.at(line) + ", column '" + name + "': missing value"
                        + (isLabel ? "" : " (choose a missing-value policy to drop such rows or impute them)"));
            }
            double v = Values.parse(cell);
            if (!Double.isNaN(v)) {
                nums[row] = v;
                numericCount++;
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
                if (allIntegral && v != Math.rint(v)) {
                    allIntegral = false;
                }
                if (codes != null) {
                    codes[row] = -1;
                }
                return;
            }
            if (target != null && !target.isCategorical() && !isLabel) {
                throw notANumber(file, line, cell);
            }
            nums[row] = Double.NaN;
            if (codes == null) {
                codes = new int[nums.length];
                Arrays.fill(codes, 0, row, -1);
            }
            Integer code = dict.get(cell);
            if (code == null) {
                if (dict.size() >= MAX_CATEGORIES) {
                    throw InputException.about(file.at(line) + ", column '" + name + "': more than "
                            + MAX_CATEGORIES + " distinct text values; an identifier? (drop " + name + ")", "drop");
                }
                code = dict.size();
                dict.put(cell, code);
                dictValues.add(cell);
            }
            codes[row] = code;
            textCount++;
            if (firstTextLine < 0) {
                firstTextLine = line;
                firstTextValue = cell;
            }
        }

        java.util.BitSet missing;

        /** An empty cell, to be filled once the whole column has been read. */
        void addMissing(int row) {
            if (row == nums.length) {
                nums = Arrays.copyOf(nums, row * 2);
                if (codes != null) {
                    codes = Arrays.copyOf(codes, row * 2);
                }
            }
            if (missing == null) {
                missing = new java.util.BitSet();
            }
            missing.set(row);
            nums[row] = Double.NaN;
            if (codes != null) {
                codes[row] = -1;
            }
        }

        /** The fill for this column's empty cells under the policy: the lower median or the most frequent value. */
        String fill(MissingValues.Policy policy, Source file) {
            if (numericCount + textCount == 0) {
                throw new InputException(file + ", column '" + name + "': every cell is empty; nothing to impute from");
            }
            boolean text = textCount > 0 || (target != null && target.isCategorical());
            if (policy == MissingValues.Policy.IMPUTE_MEDIAN && !text) {
                double[] v = new double[numericCount];
                int k = 0;
                for (int i = 0; i < rows; i++) {
                    if ((missing == null || !missing.get(i)) && !Double.isNaN(nums[i])) {
                        v[k++] = nums[i];
                    }
                }
                Arrays.sort(v, 0, k);
                return Values.format(v[(k - 1) / 2]);
            }
            Map<String, Integer> counts = new HashMap<>();
            String best = null;
            for (int i = 0; i < rows; i++) {
                if (missing != null && missing.get(i)) {
                    continue;
                }
                String t = text(i);
                int c = counts.merge(t, 1, Integer::sum);
                if (best == null || c > counts.get(best) || (c == counts.get(best) && t.compareTo(best) < 0)) {
                    best = t;
                }
            }
            return best;
        }

        /** Puts the fill text into every empty cell, as if the file had held it. */
        void fillMissing(String text, Source file) {
            boolean[] rowsToFill = new boolean[rows];
            missing.stream().forEach(i -> rowsToFill[i] = true);
            java.util.BitSet was = missing;
            missing = null;
            for (int i = 0; i < rows; i++) {
                if (rowsToFill[i]) {
                    overwrite(i, text, file);
                }
            }
            missing = was;
        }

        private void overwrite(int row, String cell, Source file) {
            double v = Values.parse(cell);
            if (!Double.isNaN(v)) {
                nums[row] = v;
                numericCount++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                allIntegral &= v == Math.rint(v);
                if (codes != null) {
                    codes[row] = -1;
                }
                return;
            }
            if (target != null && !target.isCategorical()) {
                throw new InputException(file + ", column '" + name + "': the fill value '" + abbreviate(cell)
                        + "' is not a number (the column is numeric)");
            }
            if (codes == null) {
                codes = new int[nums.length];
                Arrays.fill(codes, 0, rows, -1);
            }
            Integer code = dict.get(cell);
            if (code == null) {
                code = dict.size();
                dict.put(cell, code);
                dictValues.add(cell);
            }
            codes[row] = code;
            nums[row] = Double.NaN;
            textCount++;
        }

        InputException notANumber(Source file, long line, String cell) {
            String why = cell.equalsIgnoreCase("nan") || cell.toLowerCase().contains("inf")
                    ? "is not a finite number" : "is not a number";
            return new InputException(file.at(line) + ", column '" + name + "': '" + abbreviate(cell)
                    + "' " + why + " (the column is numeric)");
        }

        /** A numeric column with a few stray words is malformed; a mostly-text column is categorical. */
        boolean isText() {
            return textCount > 0 && textCount * 10 >= numericCount;
        }

        String text(int row) {
            return codes != null && codes[row] >= 0 ? dictValues.get(codes[row]) : Values.format(nums[row]);
        }

        List<String> distinctTexts(int rows) {
            Set<String> set = new LinkedHashSet<>();
            for (int i = 0; i < rows; i++) {
                set.add(text(i));
            }
            return new ArrayList<>(set);
        }

        int rows;

        List<String> classes() {
            List<String> cs = distinctTexts(rows);
            if (textCount == 0) {
                cs.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
            } else {
                cs.sort(null);
            }
            return cs;
        }

        Column infer(Source file, CsvOptions options) {
            boolean forceCat = options.categorical().contains(name);
            boolean forceNum = options.numeric().contains(name);
            if (textCount > 0 && !isText() && !forceCat) {
                throw notANumber(file, firstTextLine, firstTextValue);
            }
            if (forceNum && textCount > 0) {
                throw notANumber(file, firstTextLine, firstTextValue);
            }
            if (textCount > 0 || forceCat) {
                return Column.categorical(name, sortedCategories());
            }
            if (allIntegral && !forceNum && min >= 0) {
                List<String> distinct = distinctTexts(rows);
                if (distinct.size() <= MAX_INFERRED_CATEGORIES) {
                    return Column.categorical(name, sortedCategories());
                }
            }
            return Column.numeric(name, allIntegral ? ColumnType.INTEGER : ColumnType.NUMERIC, min, max);
        }

        private List<String> sortedCategories() {
            List<String> cs = distinctTexts(rows);
            boolean allNumbers = cs.stream().noneMatch(s -> Double.isNaN(Values.parse(s)));
            if (allNumbers) {
                cs.sort((a, b) -> Double.compare(Values.parse(a), Values.parse(b)));
            } else {
                cs.sort(null);
            }
            return cs;
        }
    }

    private static final class Parsed {
        final List<String> names;
        final List<ColumnValues> columns = new ArrayList<>();
        final Source file;
        int rows;
        long[] lines = new long[1024];

        final MissingValues policy;
        int dropped;
        final Map<String, String> fillsUsed = new java.util.TreeMap<>();
        final Map<String, Integer> filled = new java.util.TreeMap<>();
        /** Per categorical column, the text of categories the target schema does not know, by row (first ones kept). */
        final Map<String, Map<Integer, String>> unseen = new java.util.LinkedHashMap<>();

        Parsed(List<String> names, CsvOptions options, Schema target, Source file) {
            this.names = names;
            this.file = file;
            this.policy = options.missing();
            Set<String> present = new HashSet<>(names);
            if (target != null) {
                for (Column c : target.features()) {
                    if (!present.contains(c.name())) {
                        throw new InputException(file + " has no column '" + c.name()
                                + "', which the model needs; its columns are " + names);
                    }
                }
            }
            keptIndex = new int[names.size()];
            int label = -1;
            for (int j = 0; j < names.size(); j++) {
                String n = names.get(j);
                boolean isLabel = n.equals(options.label());
                int ti = target == null ? -1 : target.indexOf(n);
                boolean keep = isLabel || (target != null ? ti >= 0 : !options.drop().contains(n));
                keptIndex[j] = keep ? columns.size() : -1;
                if (keep) {
                    label = isLabel ? columns.size() : label;
                    columns.add(new ColumnValues(n, isLabel, ti >= 0 ? target.feature(ti) : null));
                }
            }
            labelKept = label;
        }

        final int[] keptIndex;
        final int labelKept;

        void add(List<String> cells, long line) {
            if (rows == lines.length) {
                lines = Arrays.copyOf(lines, rows * 2);
            }
            lines[rows] = line;
            if (policy.policy() != MissingValues.Policy.ERROR) {
                for (int j = 0; j < cells.size(); j++) {
                    int k = keptIndex[j];
                    if (k >= 0 && cells.get(j).isEmpty()) {
                        if (policy.policy() == MissingValues.Policy.DROP) {
                            dropped++;
                            return;
                        }
                        if (columns.get(k).isLabel) {
                            throw new InputException(file.at(line) + ", column '" + names.get(j)
                                    + "': missing label (labels are never imputed; drop such rows)");
                        }
                    }
                }
            }
            for (int j = 0; j < cells.size(); j++) {
                int k = keptIndex[j];
                if (k >= 0) {
                    String cell = cells.get(j);
                    if (cell.isEmpty() && policy.policy().imputes()) {
                        columns.get(k).addMissing(rows);
                    } else {
                        columns.get(k).add(rows, cell, file, line);
                    }
                }
            }
            rows++;
        }

        /** Called once all rows are read: empty cells get their column's fill. */
        void finish() {
            if (rows == 0) {
                throw new InputException(file + " has a header but no data rows"
                        + (dropped > 0 ? " left (" + dropped + " dropped for an empty cell)" : ""));
            }
            for (ColumnValues c : columns) {
                c.rows = rows;
                if (c.missing != null && !c.missing.isEmpty()) {
                    String given = policy.fills().get(c.name);
                    String fill = given != null ? given : c.fill(policy.policy(), file);
                    c.fillMissing(fill, file);
                    fillsUsed.put(c.name, fill);
                    filled.put(c.name, c.missing.cardinality());
                }
            }
        }

        Report report(Dataset d) {
            // Every fill the policy decided (given ones included), so that a model trained on these rows records them all.
            Map<String, String> all = new java.util.TreeMap<>(policy.fills());
            all.putAll(fillsUsed);
            if (policy.policy().imputes()) {
                for (ColumnValues c : columns) {
                    if (!c.isLabel && !all.containsKey(c.name) && c.numericCount + c.textCount > 0) {
                        all.put(c.name, c.fill(policy.policy(), file));
                    }
                }
            }
            return new Report(d, policy.withFills(all), filled, dropped, unseen, Arrays.copyOf(lines, rows));
        }

        Dataset toDataset(Source file, Schema schema) {
            int d = schema.width();
            ColumnValues[] byFeature = new ColumnValues[d];
            for (int f = 0; f < d; f++) {
                for (ColumnValues c : columns) {
                    if (!c.isLabel && c.name.equals(schema.feature(f).name())) {
                        byFeature[f] = c;
                    }
                }
            }
            double[][] x = new double[rows][d];
            for (int f = 0; f < d; f++) {
                Column col = schema.feature(f);
                ColumnValues cv = byFeature[f];
                if (col.isCategorical()) {
                    Map<String, Integer> index = new HashMap<>();
                    for (int k = 0; k < col.categories().size(); k++) {
                        index.put(col.categories().get(k), k);
                    }
                    for (int i = 0; i < rows; i++) {
                        Integer k = index.get(cv.text(i));
                        x[i][f] = k == null ? -1 : k;
                        if (k == null) {
                            Map<Integer, String> m = unseen.computeIfAbsent(col.name(), n -> new HashMap<>());
                            if (m.size() < MAX_UNSEEN_KEPT) {
                                m.put(i, cv.text(i));
                            }
                        }
                    }
                } else {
                    for (int i = 0; i < rows; i++) {
                        double v = cv.nums[i];
                        if (Double.isNaN(v)) {
                            throw cv.notANumber(file, lines[i], cv.text(i));
                        }
                        x[i][f] = v;
                    }
                }
            }
            int[] y = null;
            if (labelKept >= 0) {
                ColumnValues lc = columns.get(labelKept);
                Map<String, Integer> index = new HashMap<>();
                for (int k = 0; k < schema.classes().size(); k++) {
                    index.put(schema.classes().get(k), k);
                }
                y = new int[rows];
                for (int i = 0; i < rows; i++) {
                    Integer k = index.get(lc.text(i));
                    if (k == null) {
                        throw new InputException(file.at(lines[i]) + ", column '" + lc.name + "': label '"
                                + abbreviate(lc.text(i)) + "' is not one of the model's classes " + schema.classes());
                    }
                    y[i] = k;
                }
            }
            return new Dataset(schema, x, y);
        }
    }
}
