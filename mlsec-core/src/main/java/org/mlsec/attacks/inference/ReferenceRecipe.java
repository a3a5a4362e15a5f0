package org.mlsec.attacks.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlsec.InputException;
import org.mlsec.data.Column;
import org.mlsec.data.ColumnType;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.defences.postprocessor.OutputHardening;
import org.mlsec.defences.postprocessor.OutputMode;
import org.mlsec.defences.trainer.DpLogisticRegression;
import org.mlsec.defences.trainer.DpRandomForest;
import org.mlsec.internal.Validate;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.TrainConfig;

/**
 * A reference trainer described by plain parameters (text keys and values), so that another machine rebuilds the
 * same trainer from the description alone: an engine ships the recipe, never code or serialized objects, and the
 * receiving side parses it into one of a closed list of mlsec's own trainers ({@link #trainer()}); anything else is
 * refused. The kinds are {@code like} (mlsec's trainer with a {@link TrainConfig}), {@code dp-logistic}
 * ({@link DpLogisticRegression}) and {@code dp-forest} ({@link DpRandomForest} with its public bounds), each
 * optionally behind an output hardening ({@link OutputHardening#forStudies}); every number is kept in Java's
 * round-trip text form, so the rebuilt trainer makes the same models bit for bit.
 *
 * @param kind   which trainer: like, dp-logistic or dp-forest
 * @param params its parameters, as text
 */
public record ReferenceRecipe(String kind, Map<String, String> params) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Copies the parameters, in key order.
     *
     * @param kind   which trainer: like, dp-logistic or dp-forest
     * @param params its parameters, as text
     */
    public ReferenceRecipe {
        Validate.notNull(kind, "kind");
        params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
    }

    /** A trainer that can say how to rebuild it; an engine that trains references elsewhere ships its recipe. */
    public interface Described extends MembershipInference.ReferenceTrainer {
        /**
         * How to rebuild this trainer.
         *
         * @return its recipe
         */
        ReferenceRecipe recipe();
    }

    /**
     * mlsec's own trainer with these settings (each reference's seed replaces the config's).
     *
     * @param c the settings
     * @return the recipe
     * @throws InputException if the settings train robust trees, which a recipe does not describe
     */
    public static ReferenceRecipe like(TrainConfig c) {
        if (c.robust() != null) {
            // Rebuilt without them, an engine would train ordinary trees under a robust model's name.
            throw InputException.about("robust training settings (robust_radius " + c.robust().radius()
                    + ") do not travel in a reference recipe: train the references with the local engine", "c");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("algorithm", c.algorithm().name());
        p.put("trees", Integer.toString(c.trees()));
        p.put("max_depth", Integer.toString(c.maxDepth()));
        p.put("min_leaf", Integer.toString(c.minLeaf()));
        p.put("max_features", Double.toString(c.maxFeatures()));
        p.put("learning_rate", Double.toString(c.learningRate()));
        p.put("l2", Double.toString(c.l2()));
        p.put("seed", Long.toString(c.seed()));
        p.put("threads", Integer.toString(c.threads()));
        c.monotone().forEach((k, v) -> p.put("monotone." + k, Integer.toString(v)));
        return new ReferenceRecipe("like", p);
    }

    /**
     * Differentially private logistic regression (objective perturbation).
     *
     * @param epsilon the budget
     * @param lambda  the regularisation
     * @return the recipe
     */
    public static ReferenceRecipe dpLogistic(double epsilon, double lambda) {
        return new ReferenceRecipe("dp-logistic", Map.of("epsilon", Double.toString(epsilon),
                "lambda", Double.toString(lambda)));
    }

    /**
     * A differentially private random forest on public bounds (each reference's seed replaces the config's).
     *
     * @param bounds       the public bounds
     * @param boundsSource where they come from
     * @param c            the forest's settings
     * @return the recipe
     */
    public static ReferenceRecipe dpForest(Schema bounds, String boundsSource, DpRandomForest.Config c) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bounds", schemaText(bounds));
        p.put("bounds_source", boundsSource);
        p.put("trees", Integer.toString(c.trees()));
        p.put("max_depth", Integer.toString(c.maxDepth()));
        p.put("epsilon", Double.toString(c.epsilon()));
        p.put("delta", Double.toString(c.delta()));
        p.put("composition", c.composition().name());
        return new ReferenceRecipe("dp-forest", p);
    }

    /**
     * This recipe with every model's answers hardened as {@link OutputHardening#forStudies} does.
     *
     * @param mode      the output mode
     * @param noiseSeed the hardening's noise seed
     * @return the recipe with the hardening
     */
    public ReferenceRecipe withOutput(OutputMode mode, long noiseSeed) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("output", mode.name());
        p.put("output_seed", Long.toString(noiseSeed));
        return new ReferenceRecipe(kind, p);
    }

    /**
     * This recipe with {@code threads} training threads, where the trainer has that setting (results do not depend
     * on it).
     *
     * @param threads worker threads, at least 1
     * @return the recipe
     */
    public ReferenceRecipe withThreads(int threads) {
        Validate.isTrue(threads >= 1, "threads must be at least 1, got " + threads);
        if (!"like".equals(kind)) {
            return this;
        }
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("threads", Integer.toString(threads));
        return new ReferenceRecipe(kind, p);
    }

    /**
     * The trainer this recipe describes, parsed from its parameters.
     *
     * @return a trainer that is {@link Described} by this recipe
     * @throws InputException for an unknown kind or a parameter that does not parse
     */
    public Described trainer() {
        MembershipInference.ReferenceTrainer base;
        try {
            base = switch (kind) {
                case "like" -> MembershipInference.like(config());
                case "dp-logistic" -> {
                    double eps = num("epsilon");
                    double lambda = num("lambda");
                    yield (pool, rows, seed) -> DpLogisticRegression.train(pool.subset(rows), eps, lambda, seed);
                }
                case "dp-forest" -> {
                    Schema bounds = schemaOf(get("bounds"));
                    String source = get("bounds_source");
                    int trees = Integer.parseInt(get("trees"));
                    int depth = Integer.parseInt(get("max_depth"));
                    double eps = num("epsilon");
                    double delta = num("delta");
                    DpRandomForest.Composition comp = DpRandomForest.Composition.valueOf(get("composition"));
                    yield (pool, rows, seed) -> DpRandomForest.train(pool.subset(rows), bounds, source,
                            new DpRandomForest.Config(trees, depth, eps, delta, comp, seed)).model();
                }
                default -> throw new InputException("unknown reference recipe '" + kind
                        + "' (expected like, dp-logistic or dp-forest)");
            };
        } catch (IllegalArgumentException e) {
            throw new InputException("reference recipe '" + kind + "': " + e.getMessage());
        }
        MembershipInference.ReferenceTrainer trained = base;
        java.util.function.UnaryOperator<Classifier> output = output();
        MembershipInference.ReferenceTrainer out = params.get("output") == null ? trained
                : (pool, rows, seed) -> output.apply(trained.train(pool, rows, seed));
        ReferenceRecipe self = this;
        return new Described() {
            @Override
            public ReferenceRecipe recipe() {
                return self;
            }

            @Override
            public Classifier train(Dataset pool, int[] rows, long seed) {
                return out.train(pool, rows, seed);
            }
        };
    }

    /**
     * What the recipe's output hardening does to a trained model: each model gets its own hardening (and noise
     * generator), so a target and its reference models see the same noise sequence whatever order they train in.
     *
     * @return the hardening, or the identity when the recipe has none
     */
    public java.util.function.UnaryOperator<Classifier> output() {
        String output = params.get("output");
        if (output == null) {
            return m -> m;
        }
        OutputMode mode;
        long noiseSeed;
        try {
            mode = OutputMode.valueOf(output);
            noiseSeed = Long.parseLong(get("output_seed"));
        } catch (IllegalArgumentException e) {
            throw new InputException("reference recipe '" + kind + "': " + e.getMessage());
        }
        return m -> HardenedOutput.of(m, OutputHardening.forStudies(mode, noiseSeed));
    }

    /**
     * The settings of a {@code like} recipe.
     *
     * @return the training settings
     */
    public TrainConfig config() {
        Validate.isTrue("like".equals(kind), "a " + kind + " recipe has no TrainConfig");
        Map<String, Integer> monotone = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith("monotone.")) {
                monotone.put(k.substring("monotone.".length()), Integer.parseInt(v));
            }
        });
        return new TrainConfig(Algorithm.valueOf(get("algorithm")), Integer.parseInt(get("trees")),
                Integer.parseInt(get("max_depth")), Integer.parseInt(get("min_leaf")), num("max_features"),
                num("learning_rate"), num("l2"), Long.parseLong(get("seed")), Integer.parseInt(get("threads")),
                Map.copyOf(monotone));
    }

    private String get(String key) {
        String v = params.get(key);
        if (v == null) {
            throw new InputException("reference recipe '" + kind + "' has no parameter '" + key + "'");
        }
        return v;
    }

    private double num(String key) {
        return Double.parseDouble(get(key));
    }

    static String schemaText(Schema s) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode cols = root.putArray("features");
        for (Column c : s.features()) {
            ObjectNode o = cols.addObject();
            o.put("name", c.name());
            o.put("type", c.type().name());
            o.put("min", Double.toString(c.min()));
            o.put("max", Double.toString(c.max()));
            if (c.categories() != null) {
                ArrayNode cats = o.putArray("categories");
                c.categories().forEach(cats::add);
            }
        }
        if (s.label() != null) {
            root.put("label", s.label());
        }
        if (s.classes() != null) {
            ArrayNode classes = root.putArray("classes");
            s.classes().forEach(classes::add);
        }
        return root.toString();
    }

    static Schema schemaOf(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            List<Column> cols = new ArrayList<>();
            for (JsonNode o : root.path("features")) {
                List<String> cats = null;
                if (o.has("categories")) {
                    cats = new ArrayList<>();
                    for (JsonNode c : o.get("categories")) {
                        cats.add(c.asText());
                    }
                }
                cols.add(new Column(o.path("name").asText(), ColumnType.valueOf(o.path("type").asText()),
                        Double.parseDouble(o.path("min").asText()), Double.parseDouble(o.path("max").asText()), cats));
            }
            List<String> classes = root.has("classes") ? new ArrayList<>() : null;
            root.path("classes").forEach(c -> classes.add(c.asText()));
            return new Schema(cols, root.has("label") ? root.get("label").asText() : null, classes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException("reference recipe: bounds are not a schema: " + e.getOriginalMessage());
        }
    }
}
