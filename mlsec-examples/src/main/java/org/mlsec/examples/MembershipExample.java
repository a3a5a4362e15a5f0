package org.mlsec.examples;

import java.nio.file.Path;
import org.mlsec.Mlsec;
import org.mlsec.data.Dataset;
import org.mlsec.model.LocalModel;

/**
 * Membership inference from Java: was a person's record in the model's training data? Opens a model, reads the rows
 * it trained on and rows it did not (both in the model's schema), runs RMIA and prints its AUC and its true-positive
 * rate at 0.1% false positives. Usage: {@code MembershipExample MODEL MEMBERS.csv NON_MEMBERS.csv}.
 */
public final class MembershipExample {
    private MembershipExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the model, the members and the non-members, both CSV files in the model's schema
     */
    public static void main(String[] args) {
        LocalModel model = Mlsec.open(Path.of(args[0]));
        Dataset members = Mlsec.read(Path.of(args[1]), model);
        Dataset nonMembers = Mlsec.read(Path.of(args[2]), model);
        var attack = Mlsec.membership(model).references(4).seed(1).infer(members, nonMembers);
        System.out.printf("AUC %.3f, TPR at 0.1%% FPR %.3f%n", attack.auc(), attack.tprAtFpr(0.001));
    }
}
