#!/usr/bin/env bash
# `runner grade` of the Python example against bare pytest on the same files, side by side in
# one run, at RUNNER_SANDBOX=none and (where the host allows it) full.
# Usage: bench/python_grade.sh [runs]   (needs scripts/install.sh and scripts/build.sh first)
# Prints a table of mean wall times and their ratio to bare pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
root=$(pwd)
work=$(mktemp -d /tmp/runner-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd examples/submissions-python/correct && zip -qr "$work/correct.zip" .)
# The project laid out by hand: the submission beside the PIT's tests.
project="$work/project"
mkdir -p "$project"
cp -r examples/submissions-python/correct/. "$project/"
cp -r examples/pits/calculator-py/overlay/. "$project/"

commands=(
  -n "bare: python3 -m pytest -q -p no:cacheprovider"
  "cd $project && /usr/bin/python3 -B -m pytest -q -p no:cacheprovider tests >/dev/null"
  -n "runner grade (sandbox none)"
  "RUNNER_SANDBOX=none $root/build/runner grade $work/correct.zip --pit $root/examples/pits/calculator-py --out $work/out-none"
)
if RUNNER_SANDBOX=full "$root/build/runner" grade "$work/correct.zip" \
  --pit "$root/examples/pits/calculator-py" --out "$work/probe" >/dev/null 2>&1; then
  commands+=(-n "runner grade (sandbox full)"
    "RUNNER_SANDBOX=full $root/build/runner grade $work/correct.zip --pit $root/examples/pits/calculator-py --out $work/out-full")
else
  echo "(the full sandbox is not available here: its row is left out)"
fi
hyperfine --style basic --runs "$runs" --warmup 2 --export-json "$work/python.json" \
  "${commands[@]}" >/dev/null
python3 bench/hyperfine_table.py "$work/python.json" "python (pytest)" mean
