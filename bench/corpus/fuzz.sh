#!/bin/sh
# Fuzzes each scanner target in turn (Jazzer, -Xmx256m, nice 10); logs to /tmp/fuzz-TARGET.log.
# Crashing inputs land in mlsec-core/src/test/resources/org/mlsec/scan/ScannerFuzzTestInputs/TARGET/ and are
# replayed by mvn verify from then on. Usage (from the worktree root): bench/corpus/fuzz.sh [TARGET...]
for t in ${*:-pickle zip numpy keras archives}; do
  JAZZER_FUZZ=1 nice -n 10 mvn -o -pl mlsec-core test -Dtest="ScannerFuzzTest#$t" -Dtest.heap=-Xmx256m \
    -Dsurefire.failIfNoSpecifiedTests=false > /tmp/fuzz-$t.log 2>&1
  echo "$t rc $? $(grep -oE '^#[0-9]+.*exec/s: [0-9]+ rss: [0-9]+Mb' /tmp/fuzz-$t.log | tail -1)"
done
