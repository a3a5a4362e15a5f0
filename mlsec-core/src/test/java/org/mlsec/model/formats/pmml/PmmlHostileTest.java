package org.mlsec.model.formats.pmml;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * Bad and hostile PMML files end in an {@link InputException} with a one-line message naming the file and what is
 * wrong: never another exception, a hang, a stack overflow or an entity expansion.
 */
class PmmlHostileTest {
    @TempDir
    Path tmp;

    static final String DICT = "<DataDictionary>"
            + "<DataField name=\"y\" optype=\"categorical\" dataType=\"string\"><Value value=\"0\"/><Value value=\"1\"/>"
            + "</DataField><DataField name=\"x\" optype=\"continuous\" dataType=\"double\"/>"
            + "<DataField name=\"c\" optype=\"categorical\" dataType=\"string\"><Value value=\"a\"/>"
            + "<Value value=\"b\"/><Value value=\"z\"/></DataField></DataDictionary>";
    static final String SCHEMA = "<MiningSchema><MiningField name=\"y\" usageType=\"target\"/>"
            + "<MiningField name=\"x\"/><MiningField name=\"c\"/></MiningSchema>";

    static String leaf(String id, int zeros, int ones, String predicate) {
        return "<Node id=\"" + id + "\">" + predicate + "<ScoreDistribution value=\"0\" recordCount=\"" + zeros
                + "\"/><ScoreDistribution value=\"1\" recordCount=\"" + ones + "\"/></Node>";
    }

    /** A one-split tree with the given attributes on TreeModel and root Node, and the given first predicate. */
    static String tree(String modelAttrs, String rootAttrs, String predicate) {
        return "<?xml version=\"1.0\"?><PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">" + DICT
                + "<TreeModel functionName=\"classification\" " + modelAttrs + ">" + SCHEMA
                + "<Node id=\"root\" " + rootAttrs + "><True/>" + leaf("L", 8, 2, predicate)
                + leaf("R", 1, 9, "<True/>") + "</Node></TreeModel></PMML>";
    }

    static String tree(String predicate) {
        return tree("", "", predicate);
    }

    Path file(String content) throws IOException {
        Path f = tmp.resolve("model-" + System.nanoTime() + ".bin");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    /** Loading fails with an InputException whose single-line message names the file and contains {@code what}. */
    InputException refused(String content, String what) throws IOException {
        return FixtureAssertions.refusedToLoad(file(content), what);
    }

    @Test
    void theMinimalTreeReads() throws IOException {
        assertTrue(Models.load(file(tree("<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>")))
                .kind().equals("decision_tree"));
    }

    @Test
    void notWellFormedXml() throws IOException {
        refused("<?xml version=\"1.0\"?><PMML version=\"4.4\"><DataDictionary>", "not well-formed XML");
        String t = tree("<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>");
        refused(t.substring(0, t.length() / 2), "not well-formed XML");
        refused(t.replace("</TreeModel>", "</Tree>"), "not well-formed XML");
    }

    @Test
    void externalEntitiesAreNeverFetched() throws IOException {
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "SECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE PMML [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + tree("<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>")
                .replace("<?xml version=\"1.0\"?>", "").replace("value=\"1\"/>", "value=\"&xxe;\"/>");
        InputException e = refused(xxe, "DOCTYPE");
        assertFalse(e.getMessage().contains("SECRET"));
        // The parser's own configuration refuses it too, without the first pass.
        InputException inner = assertThrows(InputException.class,
                () -> PmmlXml.parseChecked(xxe.getBytes(StandardCharsets.UTF_8)));
        assertFalse(inner.getMessage().contains("SECRET"), inner.getMessage());
    }

    @Test
    void billionLaughsIsRefusedWithoutExpansion() throws IOException {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE PMML [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            b.append("<!ENTITY lol").append(i).append(" \"");
            for (int k = 0; k < 10; k++) {
                b.append("&lol").append(i - 1).append(';');
            }
            b.append("\">");
        }
        b.append("]><PMML version=\"4.4\"><Header description=\"&lol9;\"/></PMML>");
        String bomb = b.toString();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            refused(bomb, "DOCTYPE");
            InputException inner = assertThrows(InputException.class,
                    () -> PmmlXml.parseChecked(bomb.getBytes(StandardCharsets.UTF_8)));
            assertFalse(inner.getMessage().contains("lollollol"), inner.getMessage());
        });
    }

    @Test
    void undeclaredEntityReferencesAreRefused() throws IOException {
        refused(tree("<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"&foo;\"/>"), "foo");
    }

    @Test
    void unknownAndUnsupportedModels() throws IOException {
        String t = tree("<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>");
        refused(t.replace("TreeModel", "FancyModel"), "unknown element <FancyModel>");
        Path nn = file(t.replace("TreeModel", "NeuralNetwork"));
        NotWhiteBoxException e = assertThrows(NotWhiteBoxException.class, () -> Models.load(nn));
        assertTrue(e.getMessage().contains("NeuralNetwork") && e.getMessage().contains(nn.toString()));
        refused(t.replace("version=\"4.4\"", "version=\"3.2\""), "PMML version 3.2 is not read");
        refused(t.replace("</PMML>", t.substring(t.indexOf("<TreeModel"), t.indexOf("</PMML>")) + "</PMML>"),
                "a second model");
        refused(t.replace("</Header>", "").replace(DICT, ""), "no <DataDictionary>");
    }

    @Test
    void predicatesOnUnknownFieldsAreRefusedNamingTheNode() throws IOException {
        refused(tree("<SimplePredicate field=\"nope\" operator=\"lessOrEqual\" value=\"1\"/>"),
                "<SimplePredicate> (line 1): field 'nope' is not a field of the file");
        refused(tree("<SimplePredicate field=\"c\" operator=\"equal\" value=\"q\"/>"),
                "value 'q' is not one of c's declared values [a, b, z]");
        refused(tree("<SimplePredicate field=\"x\" operator=\"equal\" value=\"1\"/>"), "not one threshold test");
        refused(tree("<SimpleSetPredicate field=\"c\" booleanOperator=\"isIn\"><Array type=\"string\" n=\"2\">a b"
                + "</Array></SimpleSetPredicate>"), "a set of 2 values of 'c'");
        refused(tree("<CompoundPredicate booleanOperator=\"and\"><SimplePredicate field=\"x\" operator=\"lessOrEqual\""
                + " value=\"1\"/><SimplePredicate field=\"x\" operator=\"greaterThan\" value=\"0\"/></CompoundPredicate>"),
                "does not reduce to one threshold test");
    }

    @Test
    void nanAndNonNumericThresholdsAreRefused() throws IOException {
        refused(tree("<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"NaN\"/>"),
                "threshold \"NaN\" is not a finite number");
        refused(tree("<SimplePredicate field=\"x\" operator=\"lessThan\" value=\"1e999\"/>"), "not a finite number");
        refused(tree("<SimplePredicate field=\"x\" operator=\"lessThan\" value=\"0x1p3\"/>"), "not a finite number");
    }

    @Test
    void outOfRangeCountsAndReferencesAreRefused() throws IOException {
        String p = "<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>";
        refused(tree(p).replace("recordCount=\"8\"", "recordCount=\"-8\""), "record count -8.0 is not in");
        refused(tree(p).replace("recordCount=\"8\"", "recordCount=\"1e300\""), "is not in [0, 1.0E15]");
        refused(tree("", "recordCount=\"9e99\"", p), "recordCount 9.0E99 is not in");
        refused(tree(p).replace("<ScoreDistribution value=\"1\" recordCount=\"2\"/>",
                "<ScoreDistribution value=\"7\" recordCount=\"2\"/>"), "class '7' is not one of the target's classes");
        refused(tree("missingValueStrategy=\"defaultChild\"", "defaultChild=\"elsewhere\"", p),
                "defaultChild=\"elsewhere\" is not one of its reachable children");
        refused(tree("missingValueStrategy=\"defaultChild\"", "", p), "names no defaultChild");
        refused(tree(p).replace("recordCount=\"8\"", "recordCount=\"8\" probability=\"1.5\""), "not in [0, 1]");
    }

    @Test
    void missingValueSemanticsMlsecCannotReproduceAreRefused() throws IOException {
        String p = "<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>";
        refused(tree("missingValueStrategy=\"lastPrediction\"", "", p), "predicts missing values from inner nodes");
        refused(tree("missingValueStrategy=\"weightedConfidence\"", "", p), "from inner nodes");
        String pair = tree("noTrueChildStrategy=\"returnLastPrediction\"", "", p)
                .replace(leaf("R", 1, 9, "<True/>"),
                        leaf("R", 1, 9, "<SimplePredicate field=\"x\" operator=\"greaterThan\" value=\"1\"/>"));
        refused(pair, "predicts from this inner node");
        refused(tree(p).replace(leaf("R", 1, 9, "<True/>"),
                leaf("R", 1, 9, "<SimplePredicate field=\"x\" operator=\"greaterThan\" value=\"2\"/>")),
                "no child's predicate holds");
        refused(tree(p).replace("<MiningField name=\"x\"/>", "<MiningField name=\"x\" outliers=\"asExtremeValues\"/>"),
                "outliers=\"asExtremeValues\"");
        refused(tree(p).replace("<MiningField name=\"c\"/>", "<MiningField name=\"c\" missingValueReplacement=\"a\"/>"),
                "missingValueReplacement on a categorical field");
    }

    @Test
    void derivedFieldCyclesAreRefused() throws IOException {
        String lr = "<?xml version=\"1.0\"?><PMML version=\"4.4\">" + DICT
                + "<TransformationDictionary><DerivedField name=\"a\" optype=\"continuous\" dataType=\"double\">"
                + "<FieldRef field=\"b\"/></DerivedField><DerivedField name=\"b\" optype=\"continuous\""
                + " dataType=\"double\"><Apply function=\"*\"><FieldRef field=\"a\"/><Constant>2</Constant></Apply>"
                + "</DerivedField></TransformationDictionary>"
                + "<RegressionModel functionName=\"classification\" normalizationMethod=\"logit\">" + SCHEMA
                + "<RegressionTable targetCategory=\"1\" intercept=\"0.5\"><NumericPredictor name=\"a\""
                + " coefficient=\"1\"/></RegressionTable><RegressionTable targetCategory=\"0\" intercept=\"0\"/>"
                + "</RegressionModel></PMML>";
        refused(lr, "derived fields refer to each other in a cycle: a -> b -> a");
        refused(lr.replace("<FieldRef field=\"b\"/>", "<FieldRef field=\"x\" mapMissingTo=\"0\"/>"), "mapMissingTo");
        refused(lr.replace("<FieldRef field=\"b\"/>", "<Apply function=\"log\"><FieldRef field=\"x\"/>"
                + "<Constant>2</Constant></Apply>"), "function \"log\" is not a linear transformation");
        String chain = new String(Files.readAllBytes(PmmlFidelityTest.DIR.resolve("xgboost-binary.pmml")),
                StandardCharsets.UTF_8);
        refused(chain.replace("<NumericPredictor name=\"xgbValue\"", "<NumericPredictor name=\"itself\""),
                "'itself' is not the predicted value of an earlier segment");
    }

    @Test
    void tenThousandLevelsAreBoundedWithoutStackOverflow() throws IOException {
        // 20,000 nested elements: refused by the XML depth bound.
        StringBuilder deep = new StringBuilder(tree("<True/>").substring(0, tree("<True/>").indexOf("<Node id=\"L\"")));
        for (int i = 0; i < 20_000; i++) {
            deep.append("<Node><True/>");
        }
        refused(deep.toString(), "nested deeper than " + PmmlXml.MAX_DEPTH);
        // A valid chain of 10,050 splits: read iteratively, then refused by the tree depth bound.
        StringBuilder chain = new StringBuilder();
        String head = tree("<True/>");
        chain.append(head, 0, head.indexOf("<Node id=\"root\""));
        chain.append("<Node id=\"root\"><True/>");
        int levels = 10_050;
        for (int i = 0; i < levels; i++) {
            chain.append("<Node><SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"").append(levels - i)
                    .append("\"/>");
        }
        chain.append("<ScoreDistribution value=\"0\" recordCount=\"1\"/><ScoreDistribution value=\"1\""
                + " recordCount=\"1\"/>");
        for (int i = 0; i < levels; i++) {
            chain.append("</Node>").append(leaf("r" + i, 1, 2, "<True/>"));
        }
        chain.append("</Node></TreeModel></PMML>");
        refused(chain.toString(), "levels deep; at most 10000");
    }

    @Test
    void hugeAttributesTextsAndCountsAreRefused() throws IOException {
        String p = "<SimplePredicate field=\"x\" operator=\"lessOrEqual\" value=\"1\"/>";
        refused(tree(p).replace("value=\"1\"/>", "value=\"" + "9".repeat(100_000) + "\"/>"),
                "an attribute value longer than " + PmmlXml.MAX_ATTRIBUTE);
        refused(tree(attributes(70), "", p), "attributes, more than " + PmmlXml.MAX_ATTRIBUTES);
        refused(tree("<SimpleSetPredicate field=\"c\" booleanOperator=\"isIn\"><Array type=\"string\">"
                + "a ".repeat(PmmlXml.MAX_TEXT / 2 + 10) + "</Array></SimpleSetPredicate>"), "is longer than "
                + PmmlXml.MAX_TEXT);
        StringBuilder many = new StringBuilder("<PMML version=\"4.4\"><Extension>");
        many.append("<a/>".repeat(PmmlXml.MAX_ELEMENTS + 1));
        many.append("</Extension></PMML>");
        refused(many.toString(), "more than " + PmmlXml.MAX_ELEMENTS + " elements");
    }

    private static String attributes(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("a").append(i).append("=\"1\" ");
        }
        return b.toString();
    }

    @Test
    void otherXmlIsNotTakenForPmml() throws IOException {
        Path f = file("<?xml version=\"1.0\"?><project><modelVersion>4.0.0</modelVersion></project>");
        InputException e = assertThrows(InputException.class, () -> Models.load(f));
        assertTrue(e.getMessage().contains("an XML document, not a model format"), e.getMessage());
        PmmlFormat fmt = new PmmlFormat();
        assertFalse(fmt.recognises("<PMMLX version=\"4.4\"/>".getBytes(StandardCharsets.UTF_8)));
        assertFalse(fmt.recognises("{\"PMML\": 1}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(fmt.recognises(("\uFEFF<?xml version=\"1.0\"?>\n<!-- a comment -->\n<pmml:PMML"
                + " xmlns:pmml=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void regressionsThatAreNotOneVsRestLogisticAreNotWhiteBox() throws IOException {
        String three = "<?xml version=\"1.0\"?><PMML version=\"4.4\">" + DICT.replace("<Value value=\"1\"/>",
                "<Value value=\"1\"/><Value value=\"2\"/>")
                + "<RegressionModel functionName=\"classification\" normalizationMethod=\"softmax\">" + SCHEMA
                + "<RegressionTable targetCategory=\"0\" intercept=\"0.5\"><NumericPredictor name=\"x\""
                + " coefficient=\"1\"/></RegressionTable><RegressionTable targetCategory=\"1\" intercept=\"0\"/>"
                + "<RegressionTable targetCategory=\"2\" intercept=\"0.1\"/></RegressionModel></PMML>";
        Path f = file(three);
        NotWhiteBoxException e = assertThrows(NotWhiteBoxException.class, () -> Models.load(f));
        assertTrue(e.getMessage().contains("not a one-vs-rest logistic model"), e.getMessage());
        Path g = file(three.replace("softmax", "simplemax"));
        assertThrows(NotWhiteBoxException.class, () -> Models.load(g));
        refused(three.replace("softmax", "logit").replace("<Value value=\"2\"/>", ""), "has 3 RegressionTables for 2");
        String two = three.replace("softmax", "logit").replace("<Value value=\"2\"/>", "")
                .replace("<RegressionTable targetCategory=\"2\" intercept=\"0.1\"/>", "");
        Models.load(file(two)); // first table with terms, second empty: read
        refused(two.replace("<RegressionTable targetCategory=\"1\" intercept=\"0\"/>",
                "<RegressionTable targetCategory=\"1\" intercept=\"0.2\"/>"), "the second table must be empty");
    }
}
