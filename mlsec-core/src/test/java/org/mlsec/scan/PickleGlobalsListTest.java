package org.mlsec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 19: every entry of the maintained list of pickle globals gives its verdict, in a real pickle. */
class PickleGlobalsListTest {
    static Stream<Map.Entry<String, Severity>> entries() {
        return PickleRules.LIST.entrySet().stream();
    }

    /** The findings of GLOBAL module name; REDUCE; STOP, scanned as a stream. */
    static List<Finding> scan(String module, String name) throws java.io.IOException {
        List<Finding> out = new ArrayList<>();
        Consumer<Finding> sink = out::add;
        byte[] p = Pickles.protocol(2).global(module, name).op(')').op('R').op('.').bytes();
        new PickleScanner(new java.io.ByteArrayInputStream(p), "t.pkl", sink).scan();
        return out;
    }

    @ParameterizedTest
    @MethodSource("entries")
    void eachEntryGivesItsVerdict(Map.Entry<String, Severity> e) throws java.io.IOException {
        String n = e.getKey();
        String module = n.endsWith(".*") ? n.substring(0, n.length() - 2) : n.substring(0, n.lastIndexOf('.'));
        String name = n.endsWith(".*") ? "anything" : n.substring(n.lastIndexOf('.') + 1);
        List<Finding> f = scan(module, name);
        if (e.getValue() == null) {
            assertEquals(List.of(), f, n + " is allowed");
        } else {
            assertEquals(1, f.size(), n + ": " + f);
            assertEquals(e.getValue(), f.get(0).severity(), n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pip:main", "pip._internal.cli.main:main", "venv:create", "cProfile:run", "profile:run",
            "pydoc:pipepager", "trace:Trace.run", "idlelib.pyshell:ModifiedInterpreter.runcode",
            "idlelib.run:Executive.runcode", "doctest:debug_script", "torch._inductor.codecache:compile_file",
            "uuid:_get_command_stdout", "logging.config:listen", "builtins:eval.__call__", "timeit:timeit",
            "torch.storage:_load_from_bytes", "numpy.testing._private.utils:runstring", "code:InteractiveInterpreter.runsource"})
    void knownCodeExecutionGadgetsAreAtLeastHigh(String g) throws java.io.IOException {
        String[] mn = g.split(":");
        List<Finding> f = scan(mn[0], mn[1]);
        assertTrue(!f.isEmpty() && f.get(0).severity().compareTo(Severity.HIGH) >= 0, g + ": " + f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"builtins:len", "collections.abc:Iterable", "__future__:annotations", "builtins:abs",
            "collections:OrderedDict", "typing:List"})
    void harmlessStandardLibraryDataHelpersAreNotFlagged(String g) throws java.io.IOException {
        String[] mn = g.split(":");
        assertEquals(List.of(), scan(mn[0], mn[1]), g);
    }
}
