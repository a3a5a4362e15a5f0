package org.mlsec.scan;

import java.util.Set;

/** What a pickle in an ML model file may import, and what it must not. */
final class PickleRules {
    /** Whole modules whose every callable is dangerous. */
    private static final Set<String> DENIED_MODULES = Set.of("os", "posix", "nt", "subprocess", "sys", "runpy", "pty",
            "socket", "shutil", "importlib", "code", "codeop", "marshal", "types", "webbrowser", "asyncio",
            "multiprocessing", "ctypes", "_posixsubprocess", "pdb", "bdb", "timeit", "commands", "popen2", "platform",
            "signal", "tempfile", "glob", "pathlib", "io", "_io", "urllib", "urllib2", "http", "httplib", "requests",
            "ftplib", "telnetlib", "smtplib", "imaplib", "poplib", "pickle", "_pickle", "cPickle", "dill", "cloudpickle",
            "shelve", "zipimport", "pkgutil", "site", "sysconfig", "threading", "_thread", "thread", "gc", "inspect");

    /** Single callables that are dangerous although their module is not. */
    private static final Set<String> DENIED_NAMES = Set.of("builtins.eval", "builtins.exec", "builtins.compile",
            "builtins.open", "builtins.getattr", "builtins.setattr", "builtins.delattr", "builtins.__import__",
            "builtins.breakpoint", "builtins.globals", "builtins.locals", "builtins.vars", "builtins.input",
            "builtins.exit", "builtins.quit", "builtins.help", "builtins.memoryview",
            "operator.attrgetter", "operator.methodcaller", "operator.itemgetter", "functools.partial",
            "functools.reduce", "torch.load", "torch.hub.load", "torch.hub.load_state_dict_from_url",
            "torch.hub.download_url_to_file", "torch.jit.load", "torch.serialization.load", "torch._C._jit_load",
            "numpy.load", "numpy.loads", "numpy.fromfile", "numpy.save", "numpy.savetxt", "numpy.loadtxt",
            "numpy.genfromtxt", "numpy.memmap", "numpy.lib.npyio.load", "numpy.testing._private.utils.runstring",
            "numpy.f2py.compile", "numpy.distutils.exec_command.exec_command", "joblib.load", "joblib.dump",
            "scipy.io.loadmat", "pandas.read_pickle", "pandas.io.pickle.read_pickle", "keras.models.load_model",
            "tensorflow.keras.models.load_model", "copyreg.add_extension", "copy_reg.add_extension");

    /** Prefixes of modules whose classes model files legitimately reconstruct. */
    private static final Set<String> ALLOWED_PREFIXES = Set.of("sklearn.", "scipy.sparse.", "scipy.stats.",
            "xgboost.", "lightgbm.", "catboost.", "pandas.core.", "pandas._libs.", "numpy.random.",
            "torch.nn.modules.", "torch.optim.", "transformers.models.", "tokenizers.");

    /** Exact callables model files legitimately need. */
    private static final Set<String> ALLOWED_NAMES = Set.of(
            "numpy.core.multiarray._reconstruct", "numpy.core.multiarray.scalar", "numpy._core.multiarray._reconstruct",
            "numpy._core.multiarray.scalar", "numpy.ndarray", "numpy.dtype", "numpy.core.numeric._frombuffer",
            "numpy._core.numeric._frombuffer", "numpy.ma.core._mareconstruct", "numpy.matrix", "numpy.int64",
            "numpy.float64", "numpy.int32", "numpy.float32", "numpy.bool_", "numpy.uint8",
            "builtins.set", "builtins.frozenset", "builtins.list", "builtins.dict", "builtins.tuple", "builtins.slice",
            "builtins.complex", "builtins.bytearray", "builtins.bytes", "builtins.float", "builtins.int", "builtins.str",
            "builtins.bool", "builtins.range", "builtins.object", "builtins.type",
            "collections.OrderedDict", "collections.defaultdict", "collections.deque", "collections.Counter",
            "copyreg._reconstructor", "copy_reg._reconstructor", "copyreg.__newobj__", "_codecs.encode",
            "datetime.datetime", "datetime.date", "datetime.timedelta", "datetime.timezone", "decimal.Decimal",
            "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2", "torch.Size",
            "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
            "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage",
            "torch.BoolStorage", "torch.storage._load_from_bytes", "torch.float32", "torch.float16", "torch.bfloat16",
            "torch.int64", "torch.device", "torch.nn.parameter.Parameter",
            // scikit-learn estimators' random states: they build a NumPy bit generator by name; any callable handed
            // to them must itself be imported by the pickle, and is judged on its own.
            "numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__bit_generator_ctor",
            "numpy.random._pickle.__generator_ctor",
            // joblib's in-stream array wrapper: it rebuilds a NumPy array from the bytes that follow it.
            "joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper");

    private PickleRules() {
    }

    /** Python 2 pickles name builtins "__builtin__". */
    static String normalise(String module) {
        return "__builtin__".equals(module) ? "builtins" : module;
    }

    static Severity judge(String module, String name) {
        String m = normalise(module);
        String full = m + "." + name;
        String root = m.contains(".") ? m.substring(0, m.indexOf('.')) : m;
        if (DENIED_MODULES.contains(root) || DENIED_NAMES.contains(full) || DENIED_NAMES.contains(m)) {
            return Severity.CRITICAL;
        }
        if (ALLOWED_NAMES.contains(full)) {
            return null;
        }
        if (name.startsWith("__") && !"__newobj__".equals(name) && !"__reduce__".equals(name)) {
            return Severity.HIGH; // dunder access (such as __getattribute__) is how gadgets reach further
        }
        for (String p : ALLOWED_PREFIXES) {
            if ((m + ".").startsWith(p)) {
                return null;
            }
        }
        return Severity.MEDIUM;
    }
}
