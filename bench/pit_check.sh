#!/usr/bin/env bash
# What `runner pit check` costs a teacher, side by side in one run: the Maven example PIT with its
# build plan learnt afresh (the first check) and cached (every later one), the same tests as a
# javac PIT, and one `runner grade` of the correct submission as the yardstick.
# Usage: bench/pit_check.sh [runs]   (needs scripts/install.sh and scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
root=$(pwd)
work=$(mktemp -d /tmp/runner-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)
mkdir -p "$work/pits"
cp -r examples/pits/calculator "$work/pits/calculator"
cp -r examples/pits/calculator "$work/pits/calculator-javac"
sed -i 's/^id: calculator$/id: calculator-javac/; s/^build: maven$/build: javac/' \
  "$work/pits/calculator-javac/pit.yaml"
runner="$root/build/runner"
pits="$work/pits"

hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$work/pit_check.json" \
  -n "runner grade correct.zip (maven PIT, plan cached)" \
  "RUNNER_CACHE_DIR=$work/cache $runner grade $work/correct.zip --pit $pits/calculator --out $work/out" \
  -n "pit check calculator (maven, plan cached)" \
  "RUNNER_CACHE_DIR=$work/cache $runner pit check $pits/calculator" \
  -n "pit check calculator (maven, plan learnt afresh)" \
  "rm -rf $work/fresh && RUNNER_CACHE_DIR=$work/fresh $runner pit check $pits/calculator" \
  -n "pit check calculator-javac" \
  "RUNNER_CACHE_DIR=$work/cache $runner pit check $pits/calculator-javac" \
  >/dev/null
python3 bench/hyperfine_table.py "$work/pit_check.json" "runner pit check (no solution)" median
