package org.mlsec.attacks.evasion;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.internal.Json;

/**
 * The cost model of a change, read from {@code costs.json}:
 * <pre>{"norm": "linf",
 *  "immutable": ["gender", "age"],
 *  "features": {"income": {"cost_per_unit": 0.00001, "direction": "increase"},
 *               "education": {"change_cost": 2}, "debt": {"immutable": true}}}</pre>
 * Features not named cost one unit per standard deviation of the data (a category change costs 1), so that with no
 * file a cost of 0.5 reads "half a standard deviation".
 *
 * @param norm      how per-feature costs add up
 * @param immutable features that must not change
 * @param features  per-feature settings
 */
public record Costs(Norm norm, Set<String> immutable, Map<String, FeatureCost> features) {
    /**
     * @param costPerUnit cost of changing a number by one unit (null: one per standard deviation)
     * @param changeCost  cost of changing a category (null: 1)
     * @param direction   "any", "increase" or "decrease": the only way the feature may move
     */
    public record FeatureCost(Double costPerUnit, Double changeCost, String direction) {
    }

    /**
     * Copies the immutable features and the per-feature settings.
     *
     * @param norm how per-feature costs add up
     * @param immutable features that must not change
     * @param features per-feature settings
     */
    public Costs {
        immutable = Set.copyOf(immutable);
        features = Map.copyOf(features);
    }

    /**
     * No file: no immutable feature, every feature at its default cost.
     *
     * @param norm how per-feature costs add up
     * @return the costs
     */
    public static Costs defaults(Norm norm) {
        return new Costs(norm, Set.of(), Map.of());
    }

    /**
     * The same costs with more immutable features (from the command line).
     *
     * @param more feature names to add
     * @return the new costs
     */
    public Costs withImmutable(Iterable<String> more) {
        Set<String> all = new LinkedHashSet<>(immutable);
        more.forEach(all::add);
        return new Costs(norm, all, features);
    }

    /**
     * The same costs added up by another norm.
     *
     * @param n the norm
     * @return the new costs
     */
    public Costs withNorm(Norm n) {
        return new Costs(n, immutable, features);
    }

    /**
     * Reads a {@code costs.json} file; unknown keys, bad directions and negative costs are refused naming the file.
     *
     * @param file the JSON file
     * @return the costs
     * @throws InputException when the file is missing or not a costs file
     */
    public static Costs read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (java.io.FileNotFoundException e) {
            throw new InputException("no such costs file: " + file);
        } catch (IOException e) {
            throw new InputException(file + " is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(file + ": expected a JSON object with \"features\"");
        }
        onlyKeys(root, file + "", "norm", "immutable", "features");
        Norm norm = root.has("norm") ? Norm.parse(text(root.get("norm"), file + ": norm")) : Norm.LINF;
        Set<String> immutable = new LinkedHashSet<>();
        if (root.has("immutable")) {
            JsonNode a = root.get("immutable");
            if (!a.isArray()) {
                throw new InputException(file + ": immutable must be a list of feature names");
            }
            a.forEach(n -> immutable.add(text(n, file + ": immutable")));
        }
        Map<String, FeatureCost> features = new LinkedHashMap<>();
        JsonNode fs = root.get("features");
        if (fs != null) {
            if (!fs.isObject()) {
                throw new InputException(file + ": features must be an object of feature name -> settings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = fs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = file + ": features." + e.getKey();
                JsonNode f = e.getValue();
                if (!f.isObject()) {
                    throw new InputException(where + ": expected an object");
                }
                onlyKeys(f, where, "cost_per_unit", "change_cost", "direction", "immutable");
                if (f.has("immutable") && f.get("immutable").asBoolean(false)) {
                    immutable.add(e.getKey());
                }
                String dir = f.has("direction") ? text(f.get("direction"), where + ".direction") : "any";
                if (!Set.of("any", "increase", "decrease").contains(dir)) {
                    throw new InputException(where + ".direction: expected any, increase or decrease, got '" + dir + "'");
                }
                features.put(e.getKey(), new FeatureCost(positive(f, "cost_per_unit", where),
                        positive(f, "change_cost", where), dir));
            }
        }
        return new Costs(norm, immutable, features);
    }

    private static Double positive(JsonNode f, String key, String where) {
        if (!f.has(key)) {
            return null;
        }
        JsonNode v = f.get(key);
        if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
            throw new InputException(where + "." + key + ": expected a positive number, got " + v);
        }
        return v.asDouble();
    }

    private static String text(JsonNode n, String where) {
        if (n == null || !n.isTextual()) {
            throw new InputException(where + ": expected a string, got " + n);
        }
        return n.asText();
    }

    private static void onlyKeys(JsonNode node, String where, String... keys) {
        Set<String> allowed = Set.of(keys);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new InputException(where + ": unknown key '" + k + "' (expected one of " + String.join(", ", keys) + ")");
            }
        }
    }
}
