package org.mlsec.model.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.mlsec.InputException;
import org.mlsec.model.tree.Tree;

/** One tree: XGBoost's split rule on float32, the missing direction, renumbering, leaf weights. */
class TreeReaderTest {
    /** Node 0 splits feature 0 at cond; node 1 (left) and node 2 (right) are leaves worth -1 and +1. */
    static JsonNode stump(float cond, int defaultLeft) {
        return StrictJson.parse(("{\"tree_param\": {\"num_nodes\": \"3\", \"size_leaf_vector\": \"0\"},"
                + "\"left_children\": [1, -1, -1], \"right_children\": [2, -1, -1], \"parents\": [2147483647, 0, 0],"
                + "\"split_indices\": [0, 0, 0], \"split_conditions\": [" + cond + ", -1.0, 1.0],"
                + "\"split_type\": [0, 0, 0], \"default_left\": [" + defaultLeft + ", 0, 0],"
                + "\"loss_changes\": [5.0, 0.0, 0.0], \"sum_hessian\": [10.0, 4.0, 6.0],"
                + "\"base_weights\": [0.0, -10.0, 10.0], \"id\": 0}").getBytes());
    }

    private static double predict(Tree t, double x) {
        return t.value()[t.leaf(new double[] {x})];
    }

    @Test
    void goesLeftExactlyWhenTheFloat32ValueIsBelowTheCondition() {
        Tree t = TreeReader.read(stump(1.0f, 0), "tree 0", 1, new boolean[1], 1f, false).tree();
        assertEquals(1.0, predict(t, 1.0));                           // 1 < 1 is false: right
        assertEquals(-1.0, predict(t, Math.nextDown(1.0f)));          // the float below 1: left
        assertEquals(1.0, predict(t, 1.0 - Math.pow(2, -30)));       // rounds to 1.0f first: right, as XGBoost
        assertEquals(-1.0, predict(t, 1.0 - Math.pow(2, -23)));      // rounds below 1.0f: left
        assertEquals(1.0, predict(t, Double.NaN));                    // default_left 0: right
        Tree l = TreeReader.read(stump(1.0f, 1), "tree 0", 1, new boolean[1], 1f, false).tree();
        assertEquals(-1.0, predict(l, Double.NaN));
        assertEquals(1.0, predict(l, 5.0));
    }

    @Test
    void keepsGainsAndNoRowCountsAndAppliesWeightsInFloat32() {
        TreeReader.Read r = TreeReader.read(stump(0.5f, 0), "tree 0", 1, new boolean[1], 0.3f, true);
        assertArrayEquals(new double[] {5, 0, 0}, r.tree().gain());
        assertArrayEquals(new int[3], r.tree().samples());
        assertEquals(-(1.0f * 0.3f), r.tree().value()[2]);
        assertEquals(0.1, r.shrinkMin(), 1e-9);
        assertEquals(0.1, r.shrinkMax(), 1e-9);
    }

    @Test
    void nodesAreRenumberedBreadthFirstAndUnreachedOnesLeftOut() {
        // XGBoost may keep deleted nodes; here node 1 is unreachable and the root's children are 3 and 4.
        JsonNode j = StrictJson.parse(("{\"tree_param\": {\"num_nodes\": \"5\"},"
                + "\"left_children\": [3, -1, -1, -1, -1], \"right_children\": [4, -1, -1, -1, -1],"
                + "\"split_indices\": [1, 0, 0, 0, 0], \"split_conditions\": [2.5, 0, 0, -0.5, 0.5],"
                + "\"default_left\": [1, 0, 0, 0, 0], \"loss_changes\": [1, 0, 0, 0, 0],"
                + "\"sum_hessian\": [1, 1, 1, 1, 1], \"base_weights\": [0, 0, 0, -5, 5]}").getBytes());
        TreeReader.Read r = TreeReader.read(j, "tree 7", 2, new boolean[2], 1f, false);
        assertEquals(3, r.tree().nodes());
        assertEquals(2, r.skipped());
        assertArrayEquals(new int[] {1, -1, -1}, r.tree().left());
        assertArrayEquals(new double[] {0, -0.5, 0.5}, r.tree().value());
        assertTrue(r.tree().missingLeft()[0]);
        String m = assertThrows(InputException.class, () -> TreeReader.read(j, "tree 7", 1, new boolean[1], 1f,
                false)).getMessage();
        assertEquals("tree 7 node 0: splits on feature 1 but the model has 1", m);
    }
}
