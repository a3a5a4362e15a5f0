#!/bin/sh
# Extracts the shipped model-file fixtures of picklescan, modelscan, fickling and ModelAudit from their git
# repositories (as the search tool's fetch mirrors them, or any clone) into a corpus folder, one folder per project.
# Only fixture files are copied, never their code. Usage: bench/corpus/extract.sh OUT [MIRRORS]
set -eu
OUT=${1:?usage: extract.sh OUT [MIRRORS]}
M=${2:-/work/.mirror}
mkdir -p "$OUT"
take() { # project repo paths...
  p=$1; r=$2; shift 2
  mkdir -p "$OUT/$p"
  git -C "$r" archive --format=tar HEAD "$@" | tar -x -C "$OUT/$p"
}
take picklescan "$M/mmaitre314+picklescan/repo" tests/data tests/data2
take modelscan "$M/protectai+modelscan/repo" tests/data
# fickling ships no binary fixtures (test/fixtures holds a generator script and a TorchScript file the mirror lacks)
take fickling "$M/trailofbits+fickling/repo" test/fixtures/generate_fixtures.py
take modelaudit "$M/promptfoo+modelaudit/repo" tests/assets/exploits tests/assets/pickles tests/assets/samples/pickles \
  tests/assets/samples/archives tests/assets/samples/keras tests/assets/samples/pytorch \
  tests/assets/scenarios/license_scenarios tests/assets/scenarios/security_scenarios
find "$OUT" -type f | wc -l
