package org.mlsec.model.formats.sklearn;

import java.util.Set;
import org.mlsec.InputException;

/**
 * The only globals a scikit-learn file may import to be read: the estimators and transformers mlsec maps, the
 * Cython tree and loss objects they hold, numpy's array, dtype and scalar reconstructors (numpy 1 and 2 module
 * names), numpy's random-state constructors (gradient boosting pickles its RandomState), joblib's array wrapper,
 * and a few pure builtins pickle uses for plain values. Any other name is refused the moment the opcode naming it
 * is read, before anything could use it: these names are never looked up or called in any case, the list only
 * keeps the reader to files whose meaning it knows.
 */
final class AllowList {
    private AllowList() {
    }

    /** The globals scikit-learn models, their numpy arrays and joblib's wrappers need; nothing else is accepted. */
    static final Set<String> NAMES = Set.of(
            "sklearn.ensemble._forest.RandomForestClassifier",
            "sklearn.ensemble._forest.ExtraTreesClassifier",
            "sklearn.ensemble.forest.RandomForestClassifier",
            "sklearn.ensemble.forest.ExtraTreesClassifier",
            "sklearn.tree._classes.DecisionTreeClassifier",
            "sklearn.tree._classes.DecisionTreeRegressor",
            "sklearn.tree._classes.ExtraTreeClassifier",
            "sklearn.tree._classes.ExtraTreeRegressor",
            "sklearn.tree.tree.DecisionTreeClassifier",
            "sklearn.tree.tree.DecisionTreeRegressor",
            "sklearn.tree.tree.ExtraTreeClassifier",
            "sklearn.tree.tree.ExtraTreeRegressor",
            "sklearn.tree._tree.Tree",
            "sklearn.ensemble._gb.GradientBoostingClassifier",
            "sklearn.ensemble.gradient_boosting.GradientBoostingClassifier",
            "sklearn.ensemble._gb_losses.BinomialDeviance",
            "sklearn.ensemble._gb_losses.MultinomialDeviance",
            "sklearn.ensemble._gb_losses.ExponentialLoss",
            "sklearn.ensemble.gradient_boosting.BinomialDeviance",
            "sklearn.ensemble.gradient_boosting.MultinomialDeviance",
            "sklearn.ensemble.gradient_boosting.LogOddsEstimator",
            "sklearn.ensemble.gradient_boosting.PriorProbabilityEstimator",
            "sklearn._loss.loss.HalfBinomialLoss",
            "sklearn._loss.loss.HalfMultinomialLoss",
            "sklearn._loss.loss.ExponentialLoss",
            "sklearn._loss.link.LogitLink",
            "sklearn._loss.link.MultinomialLogit",
            "sklearn._loss.link.Interval",
            "sklearn._loss._loss.CyHalfBinomialLoss",
            "sklearn._loss._loss.CyHalfMultinomialLoss",
            "sklearn._loss._loss.CyExponentialLoss",
            "sklearn._loss._loss.__pyx_unpickle_CyHalfBinomialLoss",
            "sklearn._loss._loss.__pyx_unpickle_CyHalfMultinomialLoss",
            "sklearn._loss._loss.__pyx_unpickle_CyExponentialLoss",
            "sklearn.dummy.DummyClassifier",
            "sklearn.linear_model._logistic.LogisticRegression",
            "sklearn.linear_model.logistic.LogisticRegression",
            "sklearn.pipeline.Pipeline",
            "sklearn.preprocessing._data.StandardScaler",
            "sklearn.preprocessing.data.StandardScaler",
            "sklearn.preprocessing._encoders.OneHotEncoder",
            "sklearn.compose._column_transformer.ColumnTransformer",
            "sklearn.compose._column_transformer._RemainderColsList",
            "sklearn.preprocessing._function_transformer.FunctionTransformer",
            "numpy.core.multiarray._reconstruct",
            "numpy._core.multiarray._reconstruct",
            "numpy.core.multiarray.scalar",
            "numpy._core.multiarray.scalar",
            "numpy.core.numeric._frombuffer",
            "numpy._core.numeric._frombuffer",
            "numpy.ndarray",
            "numpy.dtype",
            "numpy.float64", "numpy.float32", "numpy.int64", "numpy.int32", "numpy.uint8", "numpy.bool_",
            "numpy.object_", "numpy.str_",
            "numpy.random._pickle.__randomstate_ctor",
            "numpy.random._pickle.__bit_generator_ctor",
            "numpy.random._pickle.__generator_ctor",
            "numpy.random._mt19937.MT19937",
            "numpy.random.bit_generator.SeedSequence",
            "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
            "joblib.numpy_pickle.NumpyArrayWrapper",
            "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
            "_codecs.encode",
            "builtins.set", "builtins.frozenset", "builtins.slice", "builtins.bytearray", "builtins.bytes",
            "builtins.object",
            "copyreg._reconstructor",
            "collections.OrderedDict");

    /** Refuses a global not on the list, naming it and where the file imports it. */
    static void check(String module, String name, String opcode, int at, String where) {
        String dotted = module + "." + name;
        if (NAMES.contains(dotted)) {
            return;
        }
        String why = module.startsWith("sklearn.")
                ? "mlsec reads RandomForest, ExtraTrees, DecisionTree, GradientBoosting and LogisticRegression "
                + "classifiers and Pipelines of StandardScaler, OneHotEncoder and ColumnTransformer"
                : "scikit-learn files are read only when they import the estimators, numpy arrays and joblib "
                + "wrappers mlsec knows";
        throw new InputException(where + ": refuses global " + PickleMachine.shorten(dotted) + " (" + opcode
                + " at offset " + at + "): " + why + "; nothing in the file was run");
    }
}
