#!/usr/bin/env bash
# Batch grading throughput: `runner grade-all` on N copies of the correct example with --jobs 1
# and --jobs 2, side by side in one hyperfine run (each run starts from an empty out folder, so
# nothing is resumed). Prints the table and the throughput ratio (jobs 2 over jobs 1).
# Needs scripts/install.sh and scripts/build.sh first, and root for the `full` level.
#
#   bench/grade_all.sh [copies=20] [runs=3] [pit=javac|maven]
#
# RUNNER_SANDBOX (default full) and RUNNER_UID_BASE (default 300000) pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-20}
runs=${2:-3}
build=${3:-javac}
runner=$(pwd)/build/runner
work=$(mktemp -d /tmp/runner-grade-all-XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/in" "$work/pits"
(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)
for i in $(seq 1 "$copies"); do cp "$work/correct.zip" "$work/in/student-$i.zip"; done
cp -r examples/pits/calculator "$work/pits/"
sed -i "s/^build: maven/build: $build/" "$work/pits/calculator/pit.yaml"
export RUNNER_SANDBOX=${RUNNER_SANDBOX:-full} RUNNER_UID_BASE=${RUNNER_UID_BASE:-300000}
export RUNNER_CACHE_DIR=$work/cache
# A Maven PIT learns its build plan once; do it before timing.
"$runner" pit check "$work/pits/calculator" >/dev/null

cmd() { echo "$runner grade-all $work/in --pit $work/pits/calculator --jobs $1 --no-cache --out $work/out"; }
hyperfine --style none --runs "$runs" --warmup 1 --prepare "rm -rf $work/out" \
  --export-json "$work/table.json" -n "grade-all --jobs 1" "$(cmd 1)" \
  -n "grade-all --jobs 2" "$(cmd 2)" >/dev/null
python3 - "$work/table.json" "$copies" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
copies = int(sys.argv[2])
print(f"| command | mean | submissions/min |")
print(f"|---|---|---|")
for r in results:
    print(f"| `{r['command']}` | {r['mean']:.2f} s ± {r['stddev']:.2f} | {copies / r['mean'] * 60:.1f} |")
print(f"throughput ratio (jobs 2 / jobs 1): {results[0]['mean'] / results[1]['mean']:.2f}x")
PY
