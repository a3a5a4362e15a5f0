package org.mlsec.defences;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.Result;
import org.mlsec.internal.Json;
import org.mlsec.internal.Validate;
import org.mlsec.report.ChartData;
import org.mlsec.report.Threat;

/**
 * One defence study's table, as {@link MembershipDefences}, {@link InversionDefences}, {@link EvasionDefences} and
 * {@link PoisoningDefences} return it and the defend commands write it as JSON ({@code mlsec defend membership},
 * {@code inversion}, {@code evasion}, {@code poisoning}): per defence, its utility and what the adaptive attack, re-run against the defended
 * model, still achieves. {@link #tradeOff()} turns it into the chart an audit report shows: privacy (or robustness, or
 * poisoning resistance) against utility, one point per defence.
 *
 * @param threat the threat the defences answer
 * @param rows   one result per defence, each naming its {@code defence}
 */
public record DefenceStudy(Threat threat, List<Result> rows) {
    /** Per threat: the utility figure, the attack figure, the chart's title and its two axes. */
    private record Axes(String utilityKey, String attackKey, String title, String utility, String attack) {
    }

    private static final Map<Threat, Axes> AXES = Map.of(
            Threat.MEMBERSHIP_INFERENCE, new Axes("test_accuracy", "auc", "Membership inference: privacy against utility",
                    "test accuracy", "AUC of the adaptive attack (0.5 is chance)"),
            Threat.MODEL_INVERSION, new Axes("test_accuracy", "advantage_members",
                    "Model inversion: the sensitive attribute's privacy against utility", "test accuracy",
                    "attribute-inference advantage on members"),
            Threat.EVASION, new Axes("test_accuracy", "median_cost", "Evasion: robustness against utility",
                    "test accuracy", "median cost of the adaptive attack (higher is more robust)"),
            Threat.POISONING, new Axes("clean_accuracy_before", "accuracy_drop",
                    "Poisoning: resistance against utility", "accuracy without poisoning",
                    "accuracy the adaptive poisoning takes away"));

    /**
     * Validates the study and copies its rows.
     *
     * @param threat the threat the defences answer
     * @param rows   one result per defence
     * @throws InputException if there are no rows, a row answers another threat or names no defence
     */
    public DefenceStudy {
        Validate.notNull(threat, "threat");
        Validate.isTrue(rows != null && !rows.isEmpty(), "a defence study needs at least one row", "rows");
        rows = List.copyOf(rows);
        for (Result r : rows) {
            Validate.isTrue(r.threat() == threat, "a " + threat.key() + " study has a " + r.threat().key() + " row",
                    "rows");
            Validate.isTrue(r.has("defence"), "every row of a defence study names its defence; one has "
                    + r.metrics().keySet(), "rows");
        }
    }

    /**
     * The study of these rows, whose threat they share.
     *
     * @param rows one result per defence
     * @return the study
     */
    public static DefenceStudy of(List<Result> rows) {
        Validate.isTrue(rows != null && !rows.isEmpty(), "a defence study needs at least one row", "rows");
        return new DefenceStudy(rows.get(0).threat(), rows);
    }

    /**
     * Reads a study a defend command wrote as JSON: an object whose {@code defences} list holds the rows.
     *
     * @param file the JSON file
     * @return the study
     * @throws InputException naming the file when it is not such a study
     */
    public static DefenceStudy read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InputException(file + ": cannot read it as JSON: " + (e instanceof
                    com.fasterxml.jackson.core.JsonProcessingException j ? Json.describe(j) : e.getMessage()));
        }
        JsonNode rows = root == null ? null : root.get("defences");
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            throw new InputException(file + ": not a defence study (the JSON a defend command writes: mlsec defend"
                    + " membership, inversion, evasion or poisoning; its 'defences' list holds the rows)");
        }
        List<Result> out = new ArrayList<>();
        for (JsonNode row : rows) {
            try {
                out.add(Result.fromJson(Json.MAPPER.convertValue(row, Json.MAPPER.getTypeFactory()
                        .constructMapType(java.util.LinkedHashMap.class, String.class, Object.class))));
            } catch (IllegalArgumentException | InputException e) {
                throw new InputException(file + ", defence " + (out.size() + 1) + ": " + e.getMessage());
            }
        }
        try {
            return of(out);
        } catch (InputException e) {
            throw new InputException(file + ": " + e.getMessage());
        }
    }

    /**
     * The trade-off chart: per defence, its utility against the attack's strength on it. A row without both figures
     * (a defended model that never answers the attacked class, say) is left out.
     *
     * @return the chart data
     * @throws InputException if the threat has no such trade-off (extraction detectors, say) or no row has both figures
     */
    public ChartData.TradeOff tradeOff() {
        Axes a = AXES.get(threat);
        if (a == null) {
            throw new InputException("a " + threat.key() + " defence study has no utility against attack trade-off to"
                    + " chart (studies of membership inference, model inversion, evasion and poisoning do)");
        }
        List<String> names = new ArrayList<>();
        List<Double> utility = new ArrayList<>();
        List<Double> attack = new ArrayList<>();
        for (Result r : rows) {
            double u;
            double s;
            try {
                u = r.metricOr(a.utilityKey(), Double.NaN);
                s = r.metricOr(a.attackKey(), Double.NaN);
            } catch (IllegalArgumentException notANumber) {
                throw new InputException("defence '" + r.text("defence") + "': " + notANumber.getMessage());
            }
            if (Double.isFinite(u) && Double.isFinite(s)) {
                names.add(r.text("defence"));
                utility.add(u);
                attack.add(s);
            }
        }
        if (names.isEmpty()) {
            throw new InputException("no row of the " + threat.key() + " defence study has both '" + a.utilityKey()
                    + "' and '" + a.attackKey() + "'");
        }
        return new ChartData.TradeOff(a.title(), a.utility(), a.attack(), names, utility, attack);
    }
}
