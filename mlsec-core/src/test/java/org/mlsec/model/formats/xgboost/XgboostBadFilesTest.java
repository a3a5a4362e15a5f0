package org.mlsec.model.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.fixture;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.InputException;
import org.mlsec.model.Models;
import org.mlsec.model.formats.FixtureAssertions;
import org.mlsec.model.tree.BoostedModel;

/**
 * Malformed and hostile XGBoost files end in an {@link InputException} whose one-line message names the file and
 * what is wrong where; never another exception, a hang or a stack overflow. Most are the real binary.json fixture
 * with one field changed, written as JSON or (as XGBoost's UBJWriter would) UBJSON.
 */
class XgboostBadFilesTest {
    static final ObjectMapper MAPPER = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
    static final String TREE0 = "/learner/gradient_booster/model/trees/0";

    @TempDir
    Path dir;
    private int files;

    static ObjectNode binary() throws IOException {
        return (ObjectNode) MAPPER.readTree(fixture("binary.json").toFile());
    }

    private Path write(byte[] bytes, String ext) throws IOException {
        return Files.write(dir.resolve("bad-" + files++ + ext), bytes);
    }

    private String refused(Path f, String fragment) {
        return FixtureAssertions.refusedToLoad(f, fragment).getMessage();
    }

    /** Refused as JSON and as UBJSON, with the same message apart from the format's name. */
    private void refused(JsonNode root, String fragment) throws IOException {
        refused(write(MAPPER.writeValueAsBytes(root), ".json"), fragment);
        refused(write(UbjWriter.write(root), ".ubj"), fragment);
    }

    private static ObjectNode tree0(JsonNode root) {
        return (ObjectNode) root.at(TREE0);
    }

    private static void set(ObjectNode tree, String array, int i, double v) {
        ((ArrayNode) tree.get(array)).set(i, MAPPER.getNodeFactory().numberNode(v));
    }

    private static void set(ObjectNode tree, String array, int i, int v) {
        ((ArrayNode) tree.get(array)).set(i, MAPPER.getNodeFactory().numberNode(v));
    }

    @Test
    void truncatedFilesAreRefused() throws IOException {
        byte[] json = Files.readAllBytes(fixture("binary.json"));
        byte[] ubj = Files.readAllBytes(fixture("binary.ubj"));
        refused(write(Arrays.copyOf(json, json.length / 2), ".json"), "XGBoost JSON: JSON: Unexpected end-of-input");
        refused(write(Arrays.copyOf(ubj, ubj.length / 2), ".ubj"), "(truncated?)");
        for (int cut = 20; cut < ubj.length; cut += 1009) {
            refused(write(Arrays.copyOf(ubj, cut), ".ubj"), "XGBoost UBJSON: UBJSON: ");
        }
        for (int cut = 20; cut < json.length; cut += 1009) {
            refused(write(Arrays.copyOf(json, cut), ".json"), "XGBoost JSON: JSON: ");
        }
    }

    @Test
    void randomlyDamagedFilesLoadOrFailCleanly() throws IOException {
        Random rnd = new Random(15);
        for (String name : new String[] {"binary.ubj", "binary.json"}) {
            byte[] good = Files.readAllBytes(fixture(name));
            for (int k = 0; k < 100; k++) {
                byte[] bad = good.clone();
                for (int j = 0; j < 1 + rnd.nextInt(4); j++) {
                    bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
                }
                Path f = write(bad, ".bin");
                try {
                    Models.load(f);
                } catch (InputException e) {
                    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                }
            }
        }
    }

    @Test
    void declaredUbjsonLengthsBeyondTheFileAreRefused() throws IOException {
        byte[] ubj = Files.readAllBytes(fixture("binary.ubj"));
        byte[] typed = "[$d#L".getBytes(StandardCharsets.US_ASCII);
        int at = FixtureAssertions.indexOf(ubj, typed);
        assertTrue(at > 0);
        byte[] bad = ubj.clone();
        bad[at + typed.length + 2] = 1; // the int64 count becomes about 2^40
        refused(write(bad, ".ubj"), "elements but only");
        byte[] key = "Lfeature_names".getBytes(StandardCharsets.US_ASCII);
        bad = ubj.clone();
        int k = FixtureAssertions.indexOf(ubj, Arrays.copyOfRange(key, 1, key.length)) - 8;
        bad[k] = 0x10; // the key's length becomes 2^60
        refused(write(bad, ".ubj"), "bytes declared but only");
        refused(write(UbjsonTest.b("{", 'L', 0, 0, 0, 0, 0, 0, 0, 7, "learner", "{", 'L', 0x7f, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xff, "}}"), ".ubj"), "key of 9223372036854775807 bytes declared but only 2 bytes follow");
    }

    @Test
    void unsupportedVersionsAreRefused() throws IOException {
        for (String v : new String[] {"[0, 90, 0]", "[3, 0, 0]"}) {
            ObjectNode root = binary();
            root.set("version", MAPPER.readTree(v));
            refused(root, "is not read (mlsec reads model files of XGBoost 1.0 to 2.x)");
        }
        ObjectNode root = binary();
        root.set("version", MAPPER.readTree("[1, 7]"));
        refused(root, "version has 2 elements");
        root.remove("version");
        refused(root, "the document.version is missing");
    }

    @Test
    void unsupportedObjectivesAndBoostersAreRefused() throws IOException {
        for (String o : new String[] {"reg:squarederror", "rank:pairwise", "survival:cox", "count:poisson"}) {
            ObjectNode root = binary();
            ((ObjectNode) root.at("/learner/objective")).put("name", o);
            refused(root, "objective '" + o + "' is not a classifier mlsec reads");
        }
        ObjectNode root = binary();
        ((ObjectNode) root.at("/learner/gradient_booster")).put("name", "gbfoo");
        refused(root, "booster 'gbfoo' is not read");
        root = binary();
        ((ObjectNode) root.at("/learner/learner_model_param")).put("num_target", "2");
        refused(root, "multi-output models are not read");
        root = binary();
        ((ObjectNode) root.at("/learner/learner_model_param")).put("base_score", "1.5");
        refused(root, "base_score 1.5 must be a probability in (0, 1)");
        ((ObjectNode) root.at("/learner/learner_model_param")).put("base_score", "abc");
        refused(root, "base_score 'abc' is not a finite number");
        root = binary();
        ((ObjectNode) root.at("/learner/learner_model_param")).put("num_class", "3");
        refused(root, "binary:logistic with num_class 3");
    }

    @Test
    void multiClassGblinearIsRefused() throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(fixture("gblinear.json").toFile());
        ((ObjectNode) root.at("/learner/learner_model_param")).put("num_class", "3");
        ((ObjectNode) root.at("/learner/objective")).put("name", "multi:softprob");
        refused(root, "gblinear with 3 classes is not read: XGBoost takes a softmax");
        root = (ObjectNode) MAPPER.readTree(fixture("gblinear.json").toFile());
        ((ArrayNode) root.at("/learner/gradient_booster/model/weights")).remove(0);
        refused(root, "weights has 23 elements, expected 24");
    }

    @Test
    void childIndicesOutOfRangeCyclesAndSharedChildrenAreRefused() throws IOException {
        ObjectNode root = binary();
        set(tree0(root), "left_children", 0, 999);
        refused(root, "tree 0: left_children[0] is 999, out of range [-1, 30]");
        root = binary();
        set(tree0(root), "left_children", 1, 0);
        set(tree0(root), "right_children", 1, 1);
        refused(root, "tree 0 node 1: child 0 is reached twice (a cycle or a shared child)");
        root = binary();
        ObjectNode t = tree0(root);
        set(t, "left_children", 2, t.get("left_children").get(1).intValue());
        set(t, "right_children", 2, t.get("right_children").get(1).intValue());
        refused(root, "is reached twice (a cycle or a shared child)");
        root = binary();
        t = tree0(root);
        set(t, "right_children", 0, t.get("left_children").get(0).intValue() + 2);
        refused(root, "tree 0 node 0: right child 3 is not left child 1 + 1");
        root = binary();
        set(tree0(root), "split_indices", 0, 23);
        refused(root, "tree 0 node 0: splits on feature 23 but the model has 23");
        root = binary();
        ((ArrayNode) tree0(root).get("loss_changes")).remove(0);
        refused(root, "tree 0.loss_changes has 30 elements, expected 31");
        root = binary();
        tree0(root).put("id", 1);
        refused(root, "trees[1].id 1 is used twice");
        root = binary();
        ((ArrayNode) root.at("/learner/gradient_booster/model/tree_info")).set(3, 1);
        refused(root, "tree_info[3] is 1, out of range [0, 0]");
    }

    @Test
    void classesWithFewerTreesArePaddedWithZeroTrees() throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(fixture("multi.json").toFile());
        ObjectNode model = (ObjectNode) root.at("/learner/gradient_booster/model");
        ((ArrayNode) model.get("trees")).remove(89);
        ((ArrayNode) model.get("tree_info")).remove(89);
        ((ObjectNode) model.get("gbtree_model_param")).put("num_trees", "89");
        BoostedModel m = (BoostedModel) Models.load(write(MAPPER.writeValueAsBytes(root), ".json"));
        assertEquals(90, m.trees().size());
        assertEquals(1, m.trees().get(89).nodes());
        assertEquals(0.0, m.trees().get(89).value()[0]);
        assertTrue(m.provenance().imported().notes().stream().anyMatch(n -> n.contains("padded")));
        for (int i = 0; i < 89; i++) {
            ((ArrayNode) model.get("tree_info")).set(i, i < 45 ? 0 : 1);
        }
        ((ArrayNode) model.get("tree_info")).set(88, 2);
        assertEquals(135, ((BoostedModel) Models.load(write(MAPPER.writeValueAsBytes(root), ".json"))).trees().size());
        // 200 one-leaf trees of class 0 among 10,000 classes would need 2 million padding trees: refused.
        ((ObjectNode) root.at("/learner/learner_model_param")).put("num_class", "10000");
        ArrayNode trees = model.putArray("trees");
        ArrayNode info = model.putArray("tree_info");
        for (int i = 0; i < 200; i++) {
            ObjectNode t = (ObjectNode) MAPPER.readTree("{\"tree_param\": {\"num_nodes\": \"1\"}, \"left_children\": [-1],"
                    + "\"right_children\": [-1], \"split_indices\": [0], \"split_conditions\": [0.5],"
                    + "\"default_left\": [0], \"loss_changes\": [0], \"sum_hessian\": [1], \"base_weights\": [1]}");
            trees.add(t.put("id", i));
            info.add(0);
        }
        ((ObjectNode) model.get("gbtree_model_param")).put("num_trees", "200");
        refused(root, "the classes have 0 to 200 trees each, too uneven to pad");
    }

    @Test
    void nanSplitConditionsAndCategoricalSplitsAreRefused() throws IOException {
        ObjectNode root = binary();
        set(tree0(root), "split_conditions", 0, Double.NaN);
        refused(root, "tree 0 node 0: split condition is NaN");
        root = binary();
        set(tree0(root), "split_type", 0, 1);
        refused(root, "tree 0 node 0: categorical split on feature 5");
        root = binary();
        int leaf = 0;
        ArrayNode left = (ArrayNode) tree0(root).get("left_children");
        while (left.get(leaf).intValue() != -1) {
            leaf++;
        }
        set(tree0(root), "split_conditions", leaf, Double.POSITIVE_INFINITY);
        refused(root, "tree 0 node " + leaf + ": leaf value Infinity is not finite");
    }

    /** A model of one chain tree: every internal node splits, its left child is a leaf, its right child goes on. */
    static ObjectNode chain(int depth) throws IOException {
        ObjectNode root = binary();
        ObjectNode model = (ObjectNode) root.at("/learner/gradient_booster/model");
        int n = 2 * depth + 1;
        ObjectNode t = tree0(root).deepCopy();
        t.put("id", 0);
        ((ObjectNode) t.get("tree_param")).put("num_nodes", Integer.toString(n));
        String[] arrays = {"left_children", "right_children", "parents", "split_indices", "split_conditions",
            "split_type", "default_left", "loss_changes", "sum_hessian", "base_weights"};
        for (String a : arrays) {
            ArrayNode arr = t.putArray(a);
            for (int i = 0; i < n; i++) {
                boolean internal = i % 2 == 0 && i < n - 1;
                switch (a) {
                    case "left_children":
                        arr.add(internal ? i + 1 : -1);
                        break;
                    case "right_children":
                        arr.add(internal ? i + 2 : -1);
                        break;
                    case "parents":
                        arr.add(i == 0 ? 2147483647 : (i % 2 == 1 ? i - 1 : i - 2));
                        break;
                    case "split_conditions":
                        arr.add(internal ? 0.5 : 0.01);
                        break;
                    case "split_indices":
                    case "split_type":
                    case "default_left":
                        arr.add(0);
                        break;
                    default:
                        arr.add(1.0);
                }
            }
        }
        model.putArray("trees").add(t);
        model.putArray("tree_info").add(0);
        ((ObjectNode) model.get("gbtree_model_param")).put("num_trees", "1");
        return root;
    }

    @Test
    void treesDeeperThanTenThousandLevelsAreRefused() throws IOException {
        refused(chain(10_001), "tree 0 is more than 10000 levels deep");
        BoostedModel ok = (BoostedModel) Models.load(write(UbjWriter.write(chain(10_000)), ".ubj"));
        assertEquals(10_000, ok.trees().get(0).depth());
    }

    @Test
    void filesThatAreNotXgboostModelsAreToldApart() throws IOException {
        refused(write("{\"learner\": {\"generic_param\": {}}, \"version\": [1, 7, 4]}".getBytes(StandardCharsets.UTF_8),
                ".json"), "an XGBoost configuration (Booster.save_config), not a model");
        refused(write("{\"model\": {}}".getBytes(StandardCharsets.UTF_8), ".json"),
                "is a JSON document, not a model format mlsec reads (mlsec, ");
        ObjectNode root = binary();
        ((ObjectNode) root.get("learner")).remove("gradient_booster");
        refused(root, "learner.gradient_booster is missing");
        root = binary();
        ((ArrayNode) root.at("/learner/feature_names")).set(1, MAPPER.getNodeFactory().textNode("LIMIT_BAL"));
        refused(root, "learner.feature_names[1] 'LIMIT_BAL' is a duplicate");
        root = binary();
        ((ArrayNode) root.at("/learner/feature_types")).set(1, MAPPER.getNodeFactory().textNode("text"));
        refused(root, "learner.feature_types[1] 'text' is not an XGBoost feature type");
    }
}
