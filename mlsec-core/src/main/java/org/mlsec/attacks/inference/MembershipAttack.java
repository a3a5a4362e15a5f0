package org.mlsec.attacks.inference;

import org.mlsec.Progress;
import org.mlsec.data.Dataset;
import org.mlsec.internal.Validate;
import org.mlsec.model.Classifier;
import org.mlsec.model.LocalModel;
import org.mlsec.model.TrainConfig;

/**
 * A membership-inference attack, configured step by step and run with {@link #infer}: the common case is
 * {@code Mlsec.membership(model).infer(members, nonMembers)} (RMIA with 8 reference models trained like the model).
 * Each setter returns a new attack; the defaults are the CLI's.
 */
public final class MembershipAttack {
    private final Classifier target;
    private final MembershipMethod method;
    private final int references;
    private final long seed;
    private final TrainConfig trainedLike;
    private final Dataset population;
    private final ReferenceEngine engine;
    private final Progress progress;

    private MembershipAttack(Classifier target, MembershipMethod method, int references, long seed,
                             TrainConfig trainedLike, Dataset population, ReferenceEngine engine, Progress progress) {
        this.target = Validate.notNull(target, "target");
        this.method = Validate.notNull(method, "method");
        this.references = references;
        this.seed = seed;
        this.trainedLike = trainedLike;
        this.population = population;
        this.engine = Validate.notNull(engine, "engine");
        this.progress = Validate.notNull(progress, "progress");
        new MembershipInference.Config(method, references, seed); // validates the combination now, not at infer
    }

    /**
     * An attack on {@code target}: RMIA, 8 references, seed 42.
     *
     * @param target the model to attack
     * @return the attack with its defaults
     */
    public static MembershipAttack on(Classifier target) {
        return new MembershipAttack(target, MembershipMethod.RMIA, 8, 42, null, null, ReferenceEngine.LOCAL,
                Progress.NONE);
    }

    /**
     * The attack (see {@link MembershipMethod}).
     *
     * @param method the attack
     * @return this attack
     */
    public MembershipAttack method(MembershipMethod method) {
        return new MembershipAttack(target, method, references, seed, trainedLike, population, engine, progress);
    }

    /**
     * Reference (or shadow) models to train: more is stronger and slower (papers use 64 to 256).
     *
     * @param references 1 to 256
     * @return this attack
     */
    public MembershipAttack references(int references) {
        return new MembershipAttack(target, method, references, seed, trainedLike, population, engine, progress);
    }

    /**
     * Seed of every random choice.
     *
     * @param seed the seed
     * @return this attack
     */
    public MembershipAttack seed(long seed) {
        return new MembershipAttack(target, method, references, seed, trainedLike, population, engine, progress);
    }

    /**
     * How the attacker trains look-alike models. Needed for a black-box target (an API, an ONNX graph); a white-box
     * target is copied from its own provenance when this is not given.
     *
     * @param config the look-alikes' family and hyperparameters
     * @return this attack
     */
    public MembershipAttack trainedLike(TrainConfig config) {
        return new MembershipAttack(target, method, references, seed, Validate.notNull(config, "config"), population,
                engine, progress);
    }

    /**
     * Other rows from the same population, for the references to train on instead of halves of the candidates.
     *
     * @param population rows from the target's population, read in its schema
     * @return this attack
     */
    public MembershipAttack population(Dataset population) {
        return new MembershipAttack(target, method, references, seed, trainedLike, population, engine, progress);
    }

    /**
     * Where the references are trained (local threads by default; Apache Spark with the mlsec-spark module).
     *
     * @param engine the engine
     * @return this attack
     */
    public MembershipAttack engine(ReferenceEngine engine) {
        return new MembershipAttack(target, method, references, seed, trainedLike, population, engine, progress);
    }

    /**
     * Reports reference training as it goes.
     *
     * @param progress told the references trained
     * @return this attack
     */
    public MembershipAttack progress(Progress progress) {
        return new MembershipAttack(target, method, references, seed, trainedLike, population, engine, progress);
    }

    /**
     * Runs the attack: were the rows of {@code members} and of {@code nonMembers} in the target's training data?
     * Both must be read in the target's schema ({@code Mlsec.read(file, model)}); otherwise this fails saying what
     * differs.
     *
     * @param members rows known to be in the training data
     * @param nonMembers rows known not to be
     * @return the attack's figures, ROC and per-row scores
     */
    public MembershipInference.Report infer(Dataset members, Dataset nonMembers) {
        Validate.notNull(members, "members");
        Validate.notNull(nonMembers, "nonMembers");
        MembershipInference.ReferenceTrainer trainer;
        if (trainedLike != null) {
            trainer = MembershipInference.like(trainedLike);
        } else if (target instanceof LocalModel local && local.provenance() != null) {
            trainer = MembershipInference.like(local);
        } else {
            throw org.mlsec.InputException.about("the target is a black box: say how its look-alikes are trained "
                    + "with trainedLike", "trainedLike");
        }
        return MembershipInference.infer(target, members, nonMembers, population,
                new MembershipInference.Config(method, references, seed), trainer, engine, progress);
    }
}
