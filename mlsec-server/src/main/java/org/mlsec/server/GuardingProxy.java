package org.mlsec.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlsec.InputException;
import org.mlsec.data.CsvOptions;
import org.mlsec.data.CsvReader;
import org.mlsec.data.Dataset;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.InputSchema;
import org.mlsec.internal.Validate;
import org.mlsec.model.remote.ClassDiscovery;
import org.mlsec.model.remote.HttpClassifier;

/**
 * Sets up a guarding proxy ({@link GuardedServer#proxy}) in front of an existing scoring API from what its operator
 * has: the input schema of the data the API was trained on (its fields are what is validated and forwarded; with
 * {@code features} only those the API reads), genuine reference rows (read in the schema's fields: the extraction
 * detectors learn their dependencies) and the API's classes — given, else the reference's label column, else learnt
 * from the API's answers to a seeded sample of the reference rows ({@link ClassDiscovery}; those requests are made
 * here, before the proxy starts). What was decided is said in {@link #notes()}, one line each.
 */
public final class GuardingProxy {
    /** Seed of the reference rows whose answers teach the API's classes. */
    static final long DISCOVERY_SEED = 18;

    private final GuardedServer server;
    private final UpstreamModel upstream;
    private final List<String> notes;

    private GuardingProxy(GuardedServer server, UpstreamModel upstream, List<String> notes) {
        this.server = server;
        this.upstream = upstream;
        this.notes = List.copyOf(notes);
    }

    /**
     * Prepares the proxy (not yet listening: {@link #server()} then {@code start}).
     *
     * @param api       the API's address, answer paths and extra headers
     * @param schema    the input schema (may name more fields than the API reads: see {@code features})
     * @param features  the fields the API reads, or null for every field of the schema
     * @param guards    the guards
     * @param reference a CSV file of genuine rows, or null
     * @param classes   the API's classes, or null to read or learn them
     * @return the proxy
     */
    public static GuardingProxy open(HttpClassifier.Config api, InputSchema schema, List<String> features,
                                     GuardConfig guards, Path reference, List<String> classes) {
        Validate.notNull(api, "api");
        Validate.notNull(schema, "schema");
        Validate.notNull(guards, "guards");
        List<String> notes = new ArrayList<>();
        InputSchema s = schema;
        if (features != null) {
            InputSchema.Restricted r = schema.restrictTo(features);
            List<String> missing = features.stream()
                    .filter(f -> r.schema().features().stream().noneMatch(x -> x.name().equals(f))).toList();
            if (!missing.isEmpty()) {
                throw InputException.about("features names " + missing + ", which the input schema does not have",
                        "features");
            }
            s = r.schema();
            if (r.note() != null) {
                notes.add(r.note());
            }
        }
        String label = s.label() == null ? "label" : s.label();
        Schema fields = new Schema(s.toSchema().features(), label, List.of());
        List<String> known = classes;
        if ((known == null || known.isEmpty()) && reference != null && s.label() != null
                && CsvReader.header(reference, CsvOptions.unlabelled()).contains(s.label())) {
            known = CsvReader.read(reference, CsvOptions.labelled(s.label())).schema().classes();
            notes.add("the API's classes are the " + s.label() + " values of " + reference + ": " + known);
        }
        Dataset ref = reference == null ? null : CsvReader.read(reference, fields, CsvOptions.unlabelled());
        if ((known == null || known.isEmpty()) && ref == null) {
            throw InputException.about("the API's answers cannot be read without its classes: give them, or reference rows to learn"
                    + " them from",
                    "classes", "reference");
        }
        ClassDiscovery.Discovered found = ClassDiscovery.connect(api, ref != null ? ref
                : new Dataset(fields, new double[0][], null), known, ClassDiscovery.DEFAULT_SAMPLE, DISCOVERY_SEED);
        if (found.learnt()) {
            notes.add("learnt the API's classes " + found.classes() + " from its answers to " + found.queries()
                    + " reference rows");
        }
        Schema upstreamSchema = found.classifier().schema();
        UpstreamModel up = UpstreamModel.of(upstreamSchema, api, guards);
        GuardedServer server = GuardedServer.proxy(up, s, guards,
                ref == null ? null : new Dataset(upstreamSchema, ref.x(), null));
        if (server.detectorNote() != null) {
            notes.add(server.detectorNote());
        }
        return new GuardingProxy(server, up, notes);
    }

    /**
     * The server; {@code start} it to listen.
     *
     * @return the guarded server in front of the API
     */
    public GuardedServer server() {
        return server;
    }

    /**
     * The API behind it.
     *
     * @return the upstream the admitted rows are sent to
     */
    public UpstreamModel upstream() {
        return upstream;
    }

    /**
     * What was decided while setting up, one line each (fields ignored, classes, what the detectors see).
     *
     * @return the notes, possibly empty
     */
    public List<String> notes() {
        return notes;
    }
}
