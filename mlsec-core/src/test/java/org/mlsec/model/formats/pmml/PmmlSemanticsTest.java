package org.mlsec.model.formats.pmml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Schema;
import org.mlsec.model.LocalModel;
import org.mlsec.model.Models;

/** PMML's scoring rules, checked on small files whose answers are known by hand. */
class PmmlSemanticsTest {
    @TempDir
    Path tmp;

    static final String P = "<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>";
    static final double[] L = {0.8, 0.2};
    static final double[] R = {0.1, 0.9};

    LocalModel load(String content) throws IOException {
        Path f = tmp.resolve("m" + System.nanoTime() + ".xml");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return Models.load(f);
    }

    static double[] p(LocalModel m, double x, double c) {
        return m.predictProba(new double[][] {{x, c}})[0];
    }

    @Test
    void schemaClassesAndProvenanceComeFromTheFile() throws IOException {
        LocalModel m = load(PmmlHostileTest.tree(P).replace("<DataField name=\"x\" optype=\"continuous\""
                + " dataType=\"double\"/>", "<DataField name=\"x\" optype=\"continuous\" dataType=\"integer\">"
                + "<Interval closure=\"closedClosed\" leftMargin=\"-3\" rightMargin=\"40\"/></DataField>")
                .replace("<Value value=\"a\"/><Value value=\"b\"/><Value value=\"z\"/>",
                        "<Value value=\"z\"/><Value value=\"a\"/><Value value=\"b\" property=\"valid\"/>"
                                + "<Value value=\"?\" property=\"missing\"/>"));
        Schema s = m.schema();
        assertEquals(List.of("x", "c"), s.featureNames());
        assertEquals(ColumnType.INTEGER, s.feature(0).type());
        assertEquals(-3, s.feature(0).min());
        assertEquals(40, s.feature(0).max());
        assertEquals(List.of("z", "a", "b"), s.feature(1).categories()); // the file's order
        assertEquals("y", s.label());
        assertEquals(List.of("0", "1"), s.classes());
        assertEquals("decision_tree", m.kind());
        assertNotNull(m.provenance().imported().sha256());
        assertArrayEquals(L, p(m, 1, 0), 1e-15);
        assertArrayEquals(R, p(m, 2, 0), 1e-15);
    }

    @Test
    void oneHotSplitsTestTheIndicatorOfTheDeclaredValue() throws IOException {
        for (String pred : new String[] {"<SimplePredicate field=\"c\" operator=\"equal\" value=\"b\"/>",
            "<SimpleSetPredicate field=\"c\" booleanOperator=\"isIn\"><Array type=\"string\" n=\"1\">\"b\"</Array>"
                + "</SimpleSetPredicate>"}) {
            LocalModel m = load(PmmlHostileTest.tree(pred));
            assertArrayEquals(L, p(m, 0, 1), 1e-15); // c = b
            assertArrayEquals(R, p(m, 0, 0), 1e-15); // c = a
            assertArrayEquals(R, p(m, 0, 2), 1e-15); // c = z
        }
        LocalModel not = load(PmmlHostileTest.tree("<SimplePredicate field=\"c\" operator=\"notEqual\" value=\"b\"/>"));
        assertArrayEquals(R, p(not, 0, 1), 1e-15);
        assertArrayEquals(L, p(not, 0, 0), 1e-15);
    }

    @Test
    void missingValuesGoWhereTheFileSendsThem() throws IOException {
        double nan = Double.NaN;
        assertArrayEquals(R, p(load(PmmlHostileTest.tree(P)), nan, 0), 1e-15); // none: the predicate is false
        assertArrayEquals(L, p(load(PmmlHostileTest.tree("missingValueStrategy=\"defaultChild\"",
                "defaultChild=\"L\"", P)), nan, 0), 1e-15);
        assertArrayEquals(R, p(load(PmmlHostileTest.tree("missingValueStrategy=\"defaultChild\"",
                "defaultChild=\"R\"", P)), nan, 0), 1e-15);
        String gt = "<SimplePredicate field=\"x\" operator=\"greaterThan\" value=\"1\"/>";
        LocalModel g = load(PmmlHostileTest.tree("missingValueStrategy=\"defaultChild\"", "defaultChild=\"L\"", gt));
        assertArrayEquals(L, p(g, nan, 0), 1e-15);
        assertArrayEquals(L, p(g, 2, 0), 1e-15);
        assertArrayEquals(R, p(g, 1, 0), 1e-15);
        assertArrayEquals(L, p(load(PmmlHostileTest.tree("<CompoundPredicate booleanOperator=\"or\">"
                + "<SimplePredicate field=\"x\" operator=\"isMissing\"/>" + P + "</CompoundPredicate>")), nan, 0), 1e-15);
        assertArrayEquals(R, p(load(PmmlHostileTest.tree("<CompoundPredicate booleanOperator=\"and\">"
                + "<SimplePredicate field=\"x\" operator=\"isNotMissing\"/>" + P + "</CompoundPredicate>")), nan, 0),
                1e-15);
        assertArrayEquals(L, p(load(PmmlHostileTest.tree("<CompoundPredicate booleanOperator=\"surrogate\">" + P
                + "<True/></CompoundPredicate>")), nan, 0), 1e-15);
        LocalModel replaced = load(PmmlHostileTest.tree(P).replace("<MiningField name=\"x\"/>",
                "<MiningField name=\"x\" missingValueReplacement=\"0.5\"/>"));
        assertArrayEquals(L, p(replaced, nan, 0), 1e-15); // as x = 0.5
        LocalModel nul = load(PmmlHostileTest.tree("missingValueStrategy=\"nullPrediction\"", "", P));
        assertTrue(nul.provenance().imported().notes().stream().anyMatch(n -> n.contains("nullPrediction")));
    }

    @Test
    void multiSplitsBecomeChainsAndNoTrueChildReturnsTheNodesPrediction() throws IOException {
        String t = PmmlHostileTest.tree("noTrueChildStrategy=\"returnLastPrediction\"", "", P)
                .replace(PmmlHostileTest.leaf("R", 1, 9, "<True/>"),
                        PmmlHostileTest.leaf("M", 5, 5, "<SimplePredicate field=\"x\" operator=\"lessThan\""
                                + " value=\"3\"/>") + "<ScoreDistribution value=\"0\" recordCount=\"3\"/>"
                                + "<ScoreDistribution value=\"1\" recordCount=\"1\"/>");
        LocalModel m = load(t);
        assertArrayEquals(L, p(m, 1, 0), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, p(m, 2.9, 0), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, p(m, Math.nextDown(3.0), 0), 1e-15);
        assertArrayEquals(new double[] {0.75, 0.25}, p(m, 3, 0), 1e-15); // the root's own distribution
    }

    @Test
    void majorityVoteProbabilitiesAreVoteSharesNotAverages() throws IOException {
        String segment = PmmlHostileTest.tree(P);
        String treeModel = segment.substring(segment.indexOf("<TreeModel"), segment.indexOf("</PMML>"));
        String single = "<TreeModel functionName=\"classification\">" + PmmlHostileTest.SCHEMA
                + "<Node><True/><ScoreDistribution value=\"0\" recordCount=\"3\"/>"
                + "<ScoreDistribution value=\"1\" recordCount=\"7\"/></Node></TreeModel>";
        String forest = segment.substring(0, segment.indexOf("<TreeModel"))
                + "<MiningModel functionName=\"classification\">" + PmmlHostileTest.SCHEMA
                + "<Segmentation multipleModelMethod=\"majorityVote\">"
                + "<Segment id=\"1\"><True/>" + treeModel + "</Segment>"
                + "<Segment id=\"2\"><True/>" + single + "</Segment>"
                + "<Segment id=\"3\"><True/>" + treeModel + "</Segment>"
                + "</Segmentation></MiningModel></PMML>";
        LocalModel vote = load(forest);
        assertEquals("random_forest", vote.kind());
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3}, p(vote, 0, 0), 1e-15);
        assertArrayEquals(new double[] {0, 1}, p(vote, 5, 0), 1e-15);
        LocalModel avg = load(forest.replace("majorityVote", "average"));
        assertArrayEquals(new double[] {(0.8 + 0.3 + 0.8) / 3, (0.2 + 0.7 + 0.2) / 3}, p(avg, 0, 0), 1e-15);
    }

    @Test
    void floatFieldsCompareInFloat32() throws IOException {
        String t = PmmlHostileTest.tree("<SimplePredicate field=\"x\" operator=\"lessThan\" value=\"0.1\"/>")
                .replace("name=\"x\" optype=\"continuous\" dataType=\"double\"",
                        "name=\"x\" optype=\"continuous\" dataType=\"float\"");
        LocalModel lt = load(t);
        LocalModel le = load(t.replace("lessThan", "lessOrEqual"));
        // The same through a cast, as converters write it: a float DerivedField over a double input.
        String cast = PmmlHostileTest.tree("<SimplePredicate field=\"float(x)\" operator=\"lessThan\" value=\"0.1\"/>")
                .replace("<Node id=\"root\"", "<LocalTransformations><DerivedField name=\"float(x)\""
                        + " optype=\"continuous\" dataType=\"float\"><FieldRef field=\"x\"/></DerivedField>"
                        + "</LocalTransformations><Node id=\"root\"");
        LocalModel castLt = load(cast);
        // A double view of a float input: float(x) < 0.1 with 0.1 as a double.
        LocalModel doubleOfFloat = load(t.replace("field=\"x\" operator", "field=\"double(x)\" operator")
                .replace("<Node id=\"root\"", "<LocalTransformations><DerivedField name=\"double(x)\""
                        + " optype=\"continuous\" dataType=\"double\"><FieldRef field=\"x\"/></DerivedField>"
                        + "</LocalTransformations><Node id=\"root\""));
        Random rnd = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            double x = i < 10 ? 0.1 + (i - 5) * Math.ulp(0.1) : 0.1 + (rnd.nextDouble() - 0.5) * 1e-7;
            assertArrayEquals((float) x < 0.1f ? L : R, p(lt, x, 0), 1e-15, "x=" + x);
            assertArrayEquals((float) x <= 0.1f ? L : R, p(le, x, 0), 1e-15, "x=" + x);
            assertArrayEquals((float) x < 0.1f ? L : R, p(castLt, x, 0), 1e-15, "x=" + x);
            assertArrayEquals((double) (float) x < 0.1 ? L : R, p(doubleOfFloat, x, 0), 1e-15, "x=" + x);
        }
    }

    @Test
    void standardScalingFoldsIntoTheLogisticModel() throws IOException {
        String lr = "<?xml version=\"1.0\"?><PMML version=\"4.4\">" + PmmlHostileTest.DICT
                + "<TransformationDictionary><DerivedField name=\"z\" optype=\"continuous\" dataType=\"double\">"
                + "<Apply function=\"/\"><Apply function=\"-\"><FieldRef field=\"x\"/><Constant>3</Constant></Apply>"
                + "<Constant>2</Constant></Apply></DerivedField></TransformationDictionary>"
                + "<RegressionModel functionName=\"classification\" normalizationMethod=\"logit\">"
                + PmmlHostileTest.SCHEMA
                + "<LocalTransformations><DerivedField name=\"n\" optype=\"continuous\" dataType=\"double\">"
                + "<NormContinuous field=\"x\"><LinearNorm orig=\"1\" norm=\"-1\"/><LinearNorm orig=\"5\" norm=\"3\"/>"
                + "</NormContinuous></DerivedField></LocalTransformations>"
                + "<RegressionTable targetCategory=\"0\" intercept=\"0.5\"><NumericPredictor name=\"z\""
                + " coefficient=\"1.5\"/><NumericPredictor name=\"n\" coefficient=\"-0.25\"/>"
                + "<CategoricalPredictor name=\"c\" value=\"z\" coefficient=\"2\"/></RegressionTable>"
                + "<RegressionTable targetCategory=\"1\" intercept=\"0\"/></RegressionModel></PMML>";
        LocalModel m = load(lr);
        assertEquals("logistic_regression", m.kind());
        for (double x : new double[] {-7, 0, 3, 4.5, 100}) {
            for (int c = 0; c < 3; c++) {
                double y = 0.5 + 1.5 * (x - 3) / 2 - 0.25 * (-1 + (x - 1) * 4 / 4) + (c == 2 ? 2 : 0);
                double p0 = 1 / (1 + Math.exp(-y));
                assertArrayEquals(new double[] {p0, 1 - p0}, p(m, x, c), 1e-12, "x=" + x + " c=" + c);
            }
        }
    }

    @Test
    void theBoostingChainsInterceptAndCoefficientAreHonouredExactly() throws IOException {
        String xgb = Files.readString(PmmlFidelityTest.DIR.resolve("xgboost-binary.pmml"));
        LocalModel m = load(xgb);
        String table = "<RegressionTable intercept=\"0.0\" targetCategory=\"1\">";
        assertTrue(xgb.contains(table) && xgb.contains("coefficient=\"1.0\""));
        LocalModel scaled = load(xgb.replace(table, "<RegressionTable intercept=\"0.25\" targetCategory=\"1\">")
                .replace("<NumericPredictor name=\"xgbValue\" coefficient=\"1.0\"/>",
                        "<NumericPredictor name=\"xgbValue\" coefficient=\"0.3\"/>"));
        LocalModel swapped = load(xgb.replace("targetCategory=\"1\">", "targetCategory=\"X\">")
                .replace("targetCategory=\"0\"/>", "targetCategory=\"1\"/>").replace("targetCategory=\"X\">",
                        "targetCategory=\"0\">"));
        Random rnd = new Random(11);
        double[][] rows = new double[2000][m.schema().width()];
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                r[j] = rnd.nextInt(j == 0 ? 500_000 : 12) - (j == 0 ? 0 : 2);
            }
        }
        double[][] p = m.predictProba(rows);
        double[][] ps = scaled.predictProba(rows);
        double[][] pw = swapped.predictProba(rows);
        for (int i = 0; i < rows.length; i++) {
            double margin = Math.log(p[i][1] / p[i][0]);
            double expected = 1 / (1 + Math.exp(-(0.25 + 0.3 * margin)));
            assertEquals(expected, ps[i][1], 1e-12);
            assertEquals(p[i][0], pw[i][1], 1e-15);
        }
        assertTrue(scaled.provenance().imported().notes().stream().anyMatch(n -> n.contains("one rounding")));
        assertEquals("JPMML-XGBoost library", m.provenance().tool());
        assertEquals("30", m.provenance().hyperparameters().get("trees"));
    }

    @Test
    void predefinedEntitiesAreReadAndClassesWithoutValuesComeFromTheModel() throws IOException {
        String t = PmmlHostileTest.tree("<SimpleSetPredicate field=\"c\" booleanOperator=\"isIn\">"
                + "<Array type=\"string\" n=\"1\">\"a&amp;&lt;b\"</Array></SimpleSetPredicate>")
                .replace("<Value value=\"b\"/>", "<Value value=\"a&amp;&lt;b\"/>")
                .replace("<Value value=\"0\"/><Value value=\"1\"/>", "");
        LocalModel m = load(t);
        assertEquals(List.of("a", "a&<b", "z"), m.schema().feature(1).categories());
        assertEquals(List.of("0", "1"), m.schema().classes());
        assertArrayEquals(L, p(m, 0, 1), 1e-15);
        assertArrayEquals(R, p(m, 0, 0), 1e-15);
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("declares no values")));
    }
}
