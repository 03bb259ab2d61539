#!/usr/bin/env bash
# What the trusted execution path (every build's tests in the runner's test host, student code
# under the security manager and bytecode policy) costs or saves against the path before it,
# per build tool, side by side in one run. Needs scripts/install.sh and scripts/build.sh first,
# and root for `full`.
#
#   bench/trusted_path.sh [runs=10] [base=<the commit before the trusted path>] [level=full]
#
# The base commit is checked out in a temporary worktree and built (runner + test host only,
# a few minutes); then `runner grade` of the correct example runs with the base binary and with
# this tree's, for a javac, a Maven and a Gradle PIT. Ratios are to the base. BASE_BUILD=<dir>
# uses a build of the base made before instead (its runner and testhost/ in <dir>).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
base=${2:-9592704}
level=${3:-full}
root=$(pwd)
work=$(mktemp -d /tmp/runner-trusted-XXXXXX)
chmod 755 "$work"
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

base_build=${BASE_BUILD:-}
if [[ -z $base_build ]]; then
  git worktree add --detach "$work/base" "$base" >/dev/null 2>&1
  echo "building $base in $work/base (runner + test host) ..."
  cmake -S "$work/base" -B "$work/base/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$work/base/build" --target runner testhost >/dev/null
  base_build=$work/base/build
fi

(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)
for build in javac maven gradle; do
  mkdir -p "$work/$build"
  if [[ $build == gradle ]]; then
    cp -r examples/pits/calculator-gradle "$work/$build/calculator"
    sed -i 's/^id:.*/id: calculator/' "$work/$build/calculator/pit.yaml"
  else
    cp -r examples/pits/calculator "$work/$build/"
    sed -i "s/^build: maven/build: $build/" "$work/$build/calculator/pit.yaml"
  fi
done

for build in javac maven gradle; do
  grade() {  # runner binary
    echo "env RUNNER_SANDBOX=$level $1 grade $work/correct.zip --pit $work/$build/calculator --out $work/out"
  }
  hyperfine --style none --runs "$runs" --warmup 1 --export-json "$work/table.json" \
    -n "before ($base): $build" "$(grade "$base_build/runner")" \
    -n "trusted path: $build" "$(grade "$root/build/runner")" >/dev/null
  python3 bench/hyperfine_table.py "$work/table.json" "$build at $level: before vs the trusted path" median
done
