#!/bin/sh
# Fuzzes each scanner target in turn (Jazzer, -Xmx256m, nice 10); logs to /tmp/fuzz-TARGET.log.
# Crashing inputs land in mlsec-core/src/test/resources/org/mlsec/scan/ScannerFuzzTestInputs/TARGET/ and are
# replayed by mvn verify from then on. Inputs that are slow only under Jazzer's instrumentation (over 1 s, under
# 10 s) are kept in mlsec-core/target/fuzz-slow/ and replayed after the run without instrumentation, each under the
# same one-second oracle (log: /tmp/fuzz-slow.log). Usage (from the worktree root): bench/corpus/fuzz.sh [TARGET...]
rm -rf mlsec-core/target/fuzz-slow
for t in ${*:-pickle zip numpy keras archives}; do
  JAZZER_FUZZ=1 nice -n 10 mvn -o -pl mlsec-core test -Dtest="ScannerFuzzTest#$t" -Dtest.heap=-Xmx256m \
    -Dsurefire.failIfNoSpecifiedTests=false > /tmp/fuzz-$t.log 2>&1
  echo "$t rc $? $(grep -oE '^#[0-9]+.*exec/s: [0-9]+ rss: [0-9]+Mb' /tmp/fuzz-$t.log | tail -1)"
done
FUZZ_SLOW=1 mvn -o -pl mlsec-core test -Dtest="ScannerFuzzRegressionTest#slowInputsScanWithinOneSecondUninstrumented" \
  -Dsurefire.failIfNoSpecifiedTests=false > /tmp/fuzz-slow.log 2>&1
echo "slow inputs rc $? $(grep -oE 'fuzz: [0-9]+ slow-under-instrumentation.*' /tmp/fuzz-slow.log | tail -1)"
