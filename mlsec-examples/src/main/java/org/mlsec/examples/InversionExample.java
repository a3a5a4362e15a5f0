package org.mlsec.examples;

import java.nio.file.Path;
import java.util.List;
import org.mlsec.Mlsec;
import org.mlsec.Result;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;

/**
 * Model inversion from Java: what does the model reveal about a person's sensitive attribute? Opens a model and infers
 * the attribute of the rows it trained on (members) and of rows it did not ({@code Mlsec.invert}): with the informed
 * maximum-a-posteriori attack of Fredrikson et al. 2014 on the model's answers and, for a tree model whose file holds
 * its training counts, the white-box attack of Fredrikson et al. 2015 on the file; it prints how often each is right
 * and how much better that is than a model-free guess from the same rows. Usage: {@code InversionExample MODEL MEMBERS.csv NON_MEMBERS.csv ATTRIBUTE}.
 */
public final class InversionExample {
    private InversionExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the model, members and non-members in its schema, and the attribute to infer
     */
    public static void main(String[] args) {
        LocalModel model = Mlsec.open(Path.of(args[0]));
        Dataset members = Mlsec.read(Path.of(args[1]), model);
        Dataset nonMembers = Mlsec.read(Path.of(args[2]), model);
        List<Result> results = Mlsec.invert(model, members, nonMembers, args[3]);
        for (Result r : results) {
            System.out.printf(java.util.Locale.ROOT,
                    "%s on %s: members %.1f%% right (model-free guess %.1f%%, advantage %+.1f points); "
                            + "non-members %.1f%% (advantage %+.1f points)%s%n",
                    r.technique(), r.text("sensitive"), 100 * r.metric("accuracy_members"),
                    100 * r.metric("baseline_model_free"), 100 * r.metric("advantage_members"),
                    100 * r.metric("accuracy_non_members"), 100 * r.metric("advantage_non_members"),
                    r.finding() ? " -- the model leaks it" : "");
        }
    }
}
