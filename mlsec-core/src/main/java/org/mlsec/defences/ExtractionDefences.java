package org.mlsec.defences;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.mlsec.InputException;
import org.mlsec.Progress;
import org.mlsec.attacks.extraction.Extraction;
import org.mlsec.attacks.extraction.Extraction.Strategy;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.data.Split;
import org.mlsec.defences.detector.ExtractionAlert;
import org.mlsec.defences.detector.ExtractionDetector;
import org.mlsec.defences.detector.ExtractionMonitor;
import org.mlsec.defences.detector.ExtractionProfile;
import org.mlsec.defences.detector.OnAlert;
import org.mlsec.defences.postprocessor.HardenedOutput;
import org.mlsec.internal.Validate;
import org.mlsec.model.Algorithm;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;

/**
 * The extraction detectors measured offline, without HTTP: how many queries each extraction strategy sends before
 * each detector fires, and how often each fires on benign traffic. The detectors are the guarded server's own
 * ({@link ExtractionMonitor}), fed exactly what the server feeds them: each request's rows and the model's own
 * probabilities of them.
 *
 * <p>The reference rows (genuine data in the model's schema) are split at random, by the seed, into three parts: half
 * is what the operator gives the server as its reference rows (the detectors' {@link ExtractionProfile}); a quarter
 * is the attacker's known rows; a quarter is the benign clients' traffic, on which the stolen copies' fidelity is
 * measured too. Then:
 * <ol>
 * <li>each strategy that applies to the model runs within the budget against the model's API as the server would
 * serve it (labels only; probabilities for equation solving), one row per request as a scripted attacker sends them;
 * a fresh detector watches it, and for each detector the study records the queries sent before the request on which
 * it first fired (with {@code on_alert: block}, the answers the attacker got), or that it never fired. The attack runs
 * to its end (as under {@code on_alert: log}), so every detector is measured and the copy's fidelity too;</li>
 * <li>the benign rows, shuffled, are replayed by {@link Config#benignClients} clients taking turns, each request
 * holding 1 to {@link Config#benignMaxBatch} rows (uniformly, seeded) as a normal client batches its applications;
 * a detector's false-alarm rate is the share of requests on which it fired.</li>
 * </ol>
 * The strategies: {@code learn} and {@code learn-active} always; {@code sweep} (the two most important features over
 * the known rows' range in as many steps as fill the budget, at least 10, the others at their medians) always; {@code path} for tree models (trees, forests, boosted
 * trees); {@code equation} for a two-class logistic regression. Every random choice follows the seed.
 */
public final class ExtractionDefences {
    /**
     * How the study runs.
     *
     * @param budget         queries per strategy (equation solving needs only d + 1 of them)
     * @param seed           of the split, the attacks and the benign batches
     * @param attackBatch    rows per attacker request
     * @param benignClients  benign clients taking turns
     * @param benignMaxBatch most rows per benign request (each holds 1 to this many)
     * @param benignRows     most benign rows replayed
     */
    public record Config(int budget, long seed, int attackBatch, int benignClients, int benignMaxBatch, int benignRows) {
        /**
         * Validates the configuration.
         *
         * @param budget         queries per strategy, at least 10
         * @param seed           of the split, the attacks and the benign batches
         * @param attackBatch    rows per attacker request, positive
         * @param benignClients  benign clients taking turns, positive
         * @param benignMaxBatch most rows per benign request, positive
         * @param benignRows     most benign rows replayed, positive
         * @throws org.mlsec.InputException if the budget is below 10 or a count is not positive
         */
        public Config {
            Validate.atLeast(budget, 10, "budget");
            Validate.positive(attackBatch, "attackBatch");
            Validate.positive(benignClients, "benignClients");
            Validate.positive(benignMaxBatch, "benignMaxBatch");
            Validate.positive(benignRows, "benignRows");
        }

        /**
         * Single-row attacker requests; 10,000 benign rows over 5 clients in requests of 1 to 10 rows.
         *
         * @param budget queries per strategy, at least 10
         * @param seed   of the split, the attacks and the benign batches
         * @return the configuration
         */
        public static Config of(int budget, long seed) {
            return new Config(budget, seed, 1, 5, 10, 10_000);
        }
    }

    /**
     * One strategy's run.
     *
     * @param strategy               the strategy that ran
     * @param queries                the queries it sent
     * @param queriesBeforeDetection per detector, the queries sent before the first request it fired on; absent when
     *                               it never fired
     * @param fidelity               the copy's agreement with the model on the benign rows (NaN when it failed)
     * @param failure                why the attack made no copy (its answers taught nothing), or null
     */
    public record Attack(Strategy strategy, long queries, Map<ExtractionAlert, Long> queriesBeforeDetection,
                         double fidelity, String failure) {
        /**
         * Copies the detections.
         *
         * @param strategy               the strategy that ran
         * @param queries                the queries it sent
         * @param queriesBeforeDetection per detector, the queries sent before the first request it fired on
         * @param fidelity               the copy's agreement with the model on the benign rows (NaN when it failed)
         * @param failure                why the attack made no copy, or null
         */
        public Attack {
            queriesBeforeDetection = Map.copyOf(queriesBeforeDetection);
        }

        /**
         * The queries before {@code detector} fired, or null when it did not within {@link #queries()}.
         *
         * @param detector the detector asked about
         * @return the queries sent before its first alert, or null
         */
        public Long before(ExtractionAlert detector) {
            return queriesBeforeDetection.get(detector);
        }
    }

    /**
     * The study's figures.
     *
     * @param budget               queries per strategy
     * @param attacks              one run per strategy that applies, in {@link Strategy} order
     * @param skipped              strategies that do not apply to the model, with the reason
     * @param falseAlarmRate       per detector, the share of benign requests it fired on
     * @param benignClientsAlerted per detector, the benign clients it fired on at least once (blocked under block)
     * @param benignQueries        benign rows replayed
     * @param benignRequests       benign requests sent
     * @param benignClients        benign clients taking turns
     * @param profileRows          reference rows given to the detectors
     * @param attackerRows         reference rows the attacker knows
     * @param benignRows           reference rows replayed (and the fidelity's rows)
     */
    public record Report(int budget, List<Attack> attacks, Map<Strategy, String> skipped,
                         Map<ExtractionAlert, Double> falseAlarmRate, Map<ExtractionAlert, Integer> benignClientsAlerted,
                         long benignQueries, long benignRequests, int benignClients, int profileRows, int attackerRows,
                         int benignRows) {
        /**
         * Copies the lists and maps.
         *
         * @param budget               queries per strategy
         * @param attacks              one run per strategy that applies
         * @param skipped              strategies that do not apply to the model, with the reason
         * @param falseAlarmRate       per detector, the share of benign requests it fired on
         * @param benignClientsAlerted per detector, the benign clients it fired on at least once
         * @param benignQueries        benign rows replayed
         * @param benignRequests       benign requests sent
         * @param benignClients        benign clients taking turns
         * @param profileRows          reference rows given to the detectors
         * @param attackerRows         reference rows the attacker knows
         * @param benignRows           reference rows replayed
         */
        public Report {
            attacks = List.copyOf(attacks);
            skipped = Map.copyOf(skipped);
            falseAlarmRate = Map.copyOf(falseAlarmRate);
            benignClientsAlerted = Map.copyOf(benignClientsAlerted);
        }

        /**
         * The JSON form: {@code strategies} (each with {@code strategy}, {@code queries},
         * {@code queries_before_detection} per detector, null when it never fired, {@code fidelity} and, when the
         * attack failed, {@code failed}), {@code skipped}, {@code false_alarm_rate} and {@code benign_clients_alerted}
         * per detector, {@code benign_queries}, {@code benign_requests}, {@code benign_clients}, {@code budget} and
         * {@code reference_rows} (how the reference was split).
         *
         * @return the JSON object, a new map
         */
        public Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("budget", budget);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Attack a : attacks) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("strategy", a.strategy().key());
                r.put("queries", a.queries());
                Map<String, Object> before = new LinkedHashMap<>();
                for (ExtractionAlert d : ExtractionAlert.values()) {
                    before.put(d.key(), a.before(d));
                }
                r.put("queries_before_detection", before);
                r.put("fidelity", Double.isNaN(a.fidelity()) ? null : a.fidelity());
                if (a.failure() != null) {
                    r.put("failed", a.failure());
                }
                rows.add(r);
            }
            out.put("strategies", rows);
            Map<String, Object> skip = new LinkedHashMap<>();
            for (Strategy s : Strategy.values()) {
                if (skipped.containsKey(s)) {
                    skip.put(s.key(), skipped.get(s));
                }
            }
            out.put("skipped", skip);
            Map<String, Object> rate = new LinkedHashMap<>();
            Map<String, Object> alerted = new LinkedHashMap<>();
            for (ExtractionAlert d : ExtractionAlert.values()) {
                rate.put(d.key(), falseAlarmRate.get(d));
                alerted.put(d.key(), benignClientsAlerted.get(d));
            }
            out.put("false_alarm_rate", rate);
            out.put("benign_clients_alerted", alerted);
            out.put("benign_queries", benignQueries);
            out.put("benign_requests", benignRequests);
            out.put("benign_clients", benignClients);
            Map<String, Object> parts = new LinkedHashMap<>();
            parts.put("detector_profile", profileRows);
            parts.put("attacker", attackerRows);
            parts.put("benign", benignRows);
            out.put("reference_rows", parts);
            return out;
        }
    }

    private ExtractionDefences() {
    }

    /**
     * Runs the study.
     *
     * @param model     the model an API would serve
     * @param reference genuine rows in the model's schema (at least 8)
     * @param config    the budget, the seed and how requests are batched
     * @param progress  receives one update per strategy and one for the benign replay
     * @return the study's figures
     * @throws org.mlsec.InputException if the model is null or the reference has fewer than 8 rows
     */
    public static Report study(LocalModel model, Dataset reference, Config config, Progress progress) {
        Validate.notNull(model, "model");
        Validate.isTrue(reference != null && reference.rows() >= 8,
                "the reference needs at least 8 rows, got " + (reference == null ? 0 : reference.rows()));
        model.schema().requireCompatible(reference.schema(), "reference");
        Split first = Split.random(reference, 0.5, config.seed());
        Split rest = Split.random(first.test(), 0.5, config.seed() + 1);
        Dataset profileRows = first.train();
        Dataset known = rest.train();
        Dataset benign = rest.test();
        ExtractionProfile profile = ExtractionProfile.of(model.schema(), profileRows.x());
        Map<Strategy, String> skipped = new EnumMap<>(Strategy.class);
        List<Strategy> run = new ArrayList<>();
        for (Strategy s : Strategy.values()) {
            String why = inapplicable(s, model);
            if (why == null) {
                run.add(s);
            } else {
                skipped.put(s, why);
            }
        }
        List<Attack> attacks = new ArrayList<>();
        for (Strategy s : run) {
            attacks.add(attack(s, model, known, benign, profile.newDetector(), config));
            progress.update("strategies", attacks.size(), run.size() + 1);
        }
        Report report = replay(model, benign, profile, config, attacks, skipped, profileRows.rows(), known.rows());
        progress.update("strategies", run.size() + 1, run.size() + 1);
        return report;
    }

    /** Why the strategy does not apply to the model, or null when it does. */
    static String inapplicable(Strategy s, LocalModel model) {
        String kind = model.kind();
        switch (s) {
            case PATH:
                return kind.equals(Algorithm.TREE.kind()) || kind.equals(Algorithm.RF.kind())
                        || kind.equals(Algorithm.GBT.kind()) ? null
                        : "path-finding copies tree models; this is a " + kind.replace('_', ' ');
            case EQUATION:
                return kind.equals(Algorithm.LR.kind()) && model.classes().size() == 2 ? null
                        : "equation solving copies a two-class logistic regression; this is a "
                        + kind.replace('_', ' ') + " of " + model.classes().size() + " classes";
            default:
                return null;
        }
    }

    private static Attack attack(Strategy s, LocalModel model, Dataset known, Dataset eval, ExtractionDetector detector,
                                 Config c) {
        Watched api = new Watched(model, detector, c.attackBatch());
        Classifier served = s == Strategy.EQUATION ? api : HardenedOutput.labelOnly(api);
        TrainConfig surrogate = TrainConfig.defaults(Algorithm.RF).withSeed(c.seed());
        Extraction.Stolen stolen = null;
        String failure = null;
        try {
            // A sweep takes as many steps per feature as fill the budget with the grid (at least the demo's 10).
            Extraction.Plan plan = s != Strategy.SWEEP ? Extraction.Plan.of(s, known, c.budget(), c.seed())
                    : Extraction.Plan.sweep(Extraction.sweepGrid(model.schema(), known, ranked(model),
                    Math.max(10, (int) Math.sqrt(c.budget()) - 1)), Map.of(), known, c.budget(), c.seed());
            stolen = Extraction.extract(served, plan.withSurrogate(surrogate), Progress.NONE);
        } catch (InputException e) {
            // The answers an attack collected may teach nothing (one class everywhere on a sweep's grid).
            failure = e.getMessage();
        }
        double fidelity = stolen == null ? Double.NaN : Extraction.evaluate(stolen, model, eval).metric("fidelity");
        return new Attack(s, api.sent, api.first, fidelity, failure);
    }

    /** The model's features, most important first. */
    private static List<String> ranked(LocalModel model) {
        double[] imp = model.columnImportances();
        Schema s = model.schema();
        return IntStream.range(0, s.width()).boxed().sorted(Comparator.comparingDouble((Integer j) -> -imp[j]))
                .map(j -> s.feature(j).name()).toList();
    }

    private static Report replay(LocalModel model, Dataset benign, ExtractionProfile profile, Config c,
                                 List<Attack> attacks, Map<Strategy, String> skipped, int profileRows, int attackerRows) {
        SplittableRandom rng = new SplittableRandom(c.seed() + 2);
        int n = Math.min(benign.rows(), c.benignRows());
        int[] order = IntStream.range(0, benign.rows()).toArray();
        Split.shuffle(order, rng);
        ExtractionMonitor monitor = new ExtractionMonitor(profile, OnAlert.LOG, c.benignClients());
        Map<ExtractionAlert, Integer> alertedRequests = new EnumMap<>(ExtractionAlert.class);
        Map<ExtractionAlert, Set<String>> alertedClients = new EnumMap<>(ExtractionAlert.class);
        long requests = 0;
        for (int pos = 0; pos < n; requests++) {
            int size = Math.min(n - pos, 1 + rng.nextInt(c.benignMaxBatch()));
            double[][] x = new double[size][];
            for (int i = 0; i < size; i++) {
                x[i] = benign.row(order[pos + i]);
            }
            pos += size;
            String client = "client-" + (requests % c.benignClients());
            double[][] p = model.hasProbabilities() ? model.predictProba(x) : null;
            for (ExtractionAlert a : monitor.observe(client, x, p).alerts()) {
                alertedRequests.merge(a, 1, Integer::sum);
                alertedClients.computeIfAbsent(a, k -> new HashSet<>()).add(client);
            }
        }
        Map<ExtractionAlert, Double> rate = new EnumMap<>(ExtractionAlert.class);
        Map<ExtractionAlert, Integer> clients = new EnumMap<>(ExtractionAlert.class);
        for (ExtractionAlert a : ExtractionAlert.values()) {
            rate.put(a, requests == 0 ? 0 : (double) alertedRequests.getOrDefault(a, 0) / requests);
            clients.put(a, alertedClients.getOrDefault(a, Set.of()).size());
        }
        return new Report(c.budget(), attacks, skipped, rate, clients, n, requests, c.benignClients(), profileRows,
                attackerRows, benign.rows());
    }

    /**
     * The model as the server sees it being queried: each call's rows go out in requests of {@code batch} rows, and
     * each request is shown to the detector with the model's own probabilities, as the server does.
     */
    private static final class Watched implements Classifier {
        private final LocalModel model;
        private final ExtractionDetector detector;
        private final int batch;
        private final Map<ExtractionAlert, Long> first = new EnumMap<>(ExtractionAlert.class);
        private long sent;

        Watched(LocalModel model, ExtractionDetector detector, int batch) {
            this.model = model;
            this.detector = detector;
            this.batch = batch;
        }

        private void watch(double[][] rows) {
            for (int i = 0; i < rows.length; i += batch) {
                double[][] request = Arrays.copyOfRange(rows, i, Math.min(rows.length, i + batch));
                for (ExtractionAlert a : detector.observe(request, model.hasProbabilities() ? model.predictProba(request) : null)) {
                    first.putIfAbsent(a, sent);
                }
                sent += request.length;
            }
        }

        @Override
        public Schema schema() {
            return model.schema();
        }

        @Override
        public double[][] predictProba(double[][] rows) {
            watch(rows);
            return model.predictProba(rows);
        }

        @Override
        public int[] predict(double[][] rows) {
            watch(rows);
            return model.predict(rows);
        }

        @Override
        public long queries() {
            return sent;
        }
    }
}
