#!/bin/sh
# Fuzzes each reader target in turn (Jazzer, -Xmx256m, nice 10, 1,000,000 executions or the target's maxDuration);
# logs to /tmp/fuzz-TARGET.log. Targets: ReaderFuzzTest's csv mlsecModel sklearn xgboostJson xgboostUbj lightgbm onnx
# pmml bundle statement (mlsec-core) and RequestFuzzTest's body (mlsec-server). Crashing inputs land in
# mlsec-core/src/test/resources/org/mlsec/ReaderFuzzTestInputs/TARGET/ or
# mlsec-server/src/test/resources/org/mlsec/server/RequestFuzzTestInputs/body/ and are replayed by mvn verify
# (ReaderFuzzRegressionTest, RequestFuzzRegressionTest). Run from the worktree root after
# `mvn -o -q install -DskipTests -pl mlsec-core,mlsec-server`. Usage: bench/fuzz-readers.sh [TARGET...]
for t in ${*:-csv mlsecModel sklearn xgboostJson xgboostUbj lightgbm onnx pmml bundle statement body}; do
  if [ "$t" = body ]; then module=mlsec-server; test="RequestFuzzTest#body"; else module=mlsec-core; test="ReaderFuzzTest#$t"; fi
  start=$(date +%s)
  # Jazzer instruments the fuzz test's own package by default; org.mlsec.server would leave out the core's readers
  JAZZER_FUZZ=1 JAZZER_INSTRUMENTATION_INCLUDES='org.mlsec.**' nice -n 10 mvn -o -pl $module test -Dtest="$test" -Dtest.heap=-Xmx256m \
    -Dsurefire.failIfNoSpecifiedTests=false > /tmp/fuzz-$t.log 2>&1
  echo "$t rc $? $(( $(date +%s) - start )) s $(grep -oE '^#[0-9]+.*exec/s: [0-9]+ rss: [0-9]+Mb' /tmp/fuzz-$t.log | tail -1)"
done
