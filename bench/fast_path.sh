#!/usr/bin/env bash
# The fast path, side by side in one run (the goal: grade a typical Java assignment in under a
# second, sandboxed). Needs scripts/install.sh and scripts/build.sh first, and root for `full`.
#
#   bench/fast_path.sh [runs=10] [jobs=30]
#
# 1. javac: `runner grade` at `full` against the naive bare pipeline (one javac JVM, then one
#    console-launcher JVM, no sandbox), with the archive switched off.
# 2. The test host's JVM flags and archive alone (the host run by hand, no runner).
# 3. maven: `runner grade` at `full` against a plain `mvn -o test` of the same project.
#    The `none` rows of 1 and 3 give the sandbox's overhead on a real grade.
# 4. Throughput: `runner serve` on the local stack with RUNNER_CONCURRENCY=1, then 2.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
jobs=${2:-30}
root=$(pwd)
runner=$root/build/runner
host_dir=$root/build/testhost
work=$(mktemp -d /tmp/runner-fastpath-XXXXXX)
chmod 755 "$work"
trap 'scripts/local-stack.sh stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
SA=/usr/share/java/junit-platform-console-standalone.jar

(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)
mkdir -p "$work/pits" "$work/javac"
cp -r examples/pits/calculator "$work/pits/"
cp -r examples/pits/calculator "$work/javac/"
sed -i 's/^build: maven/build: javac/' "$work/javac/calculator/pit.yaml"
project=$work/project
mkdir -p "$project"
cp -r examples/submissions/correct/. examples/pits/calculator/overlay/. "$project/"
# The test host without its archive, for the "no archive" row.
mkdir -p "$work/host-no-archive"
cp "$host_dir/runner-testhost.jar" "$work/host-no-archive/"

table() {  # name, then hyperfine arguments; ratios are to the first command
  local name=$1
  shift
  hyperfine --style none --runs "$runs" --warmup 1 --export-json "$work/table.json" "$@" >/dev/null
  python3 bench/hyperfine_table.py "$work/table.json" "$name" median
}

grade() {  # level, pit dir, extra env...
  local level=$1 pit=$2
  shift 2
  echo "env RUNNER_SANDBOX=$level $* $runner grade $work/correct.zip --pit $pit --out $work/out"
}

table "javac: runner grade vs the naive bare pipeline" \
  -n "bare: javac JVM + console-launcher JVM, no sandbox" \
  "bash -c 'cd $project && rm -rf $work/c $work/r && javac -d $work/c -encoding UTF-8 -proc:none -cp $SA \$(find src -name \"*.java\") && java -jar $SA --disable-banner --details=none -cp $work/c --select-class edu.uoc.CalculatorTest --reports-dir $work/r >/dev/null'" \
  -n "runner grade, full, fast path (default)" "$(grade full "$work/javac/calculator")" \
  -n "runner grade, full, fast path, workspace on tmpfs" "$(grade full "$work/javac/calculator" RUNNER_WORK_DIR=/dev/shm)" \
  -n "runner grade, full, test host without its archive" "$(grade full "$work/javac/calculator" RUNNER_TESTHOST_DIR="$work/host-no-archive")" \
  -n "runner grade, none, fast path" "$(grade none "$work/javac/calculator")"

# The host by hand, no runner and no sandbox: what each JVM option is worth on its own.
mkdir -p "$work/hosttests/src"
cp -r "$project/src/test" "$work/hosttests/src/"
find "$project/src/main/java" -name '*.java' >"$work/main-sources.txt"
find "$work/hosttests/src/test/java" -name '*.java' >"$work/test-sources.txt"
host() {  # JVM flags...
  echo "bash -c 'od -An -N32 -tx1 /dev/urandom | tr -d \" \\n\" >$work/key && rm -rf $work/hc $work/htc && java -Djava.security.manager=allow $* -cp $host_dir/runner-testhost.jar:$SA:/usr/share/java/asm.jar runner.testhost.TestHost --key-file $work/key --main-classes $work/hc --main-sources $work/main-sources.txt --test-sources $work/test-sources.txt --test-classes $work/htc --test-root $work/hosttests --project $project --junit $SA --select-class edu.uoc.CalculatorTest >/dev/null'"
}
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1"
archive="-XX:SharedArchiveFile=$host_dir/runner-testhost.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
table "test host JVM options (no runner, no sandbox)" \
  -n "host, default JVM options" "$(host)" \
  -n "host, C1 + serial GC" "$(host "$flags")" \
  -n "host, archive" "$(host "$archive")" \
  -n "host, C1 + serial GC + archive (what the runner uses)" "$(host "$flags $archive")"

MVN_FLAGS="-B -q -o -s $root/share/maven/settings.xml -gs $root/share/maven/settings.xml -Dmaven.test.failure.ignore=true"
table "maven: runner grade vs plain mvn -o test" \
  -n "bare: mvn -o test (plain Surefire, as by hand)" "bash -c 'cd $project && rm -rf target && mvn $MVN_FLAGS test >/dev/null'" \
  -n "runner grade, full (Maven JVM: C1, serial GC, archive)" "$(grade full "$work/pits/calculator")" \
  -n "runner grade, none (Maven JVM: C1, serial GC, archive)" "$(grade none "$work/pits/calculator")" \
  -n "runner grade, full, without the archives (C1 + serial GC kept)" "$(grade full "$work/pits/calculator" RUNNER_TESTHOST_DIR="$work/host-no-archive")"

# Throughput of the worker: the same javac submission, $jobs times, at concurrency 1 then 2.
export RUNNER_STACK_DIR=$work/stack
RUNNER_BIN=$runner scripts/local-stack.sh >/dev/null
# shellcheck disable=SC1091
source "$RUNNER_STACK_DIR/env"
export RUNNER_PITS_DIR=$work/javac RUNNER_LOG_FORMAT=json RUNNER_HTTP_PORT=0 RUNNER_POLL_INTERVAL_MS=1000 RUNNER_SANDBOX=full
echo
echo "throughput: runner serve, $jobs javac grades at full, local stack"
for concurrency in 1 2; do
  for i in $(seq "$jobs"); do
    "$runner" enqueue "$work/correct.zip" --pit calculator --submission-id "c$concurrency-$i" >/dev/null
  done
  start=$(date +%s.%N)
  RUNNER_VERDICT_CACHE=false RUNNER_CONCURRENCY=$concurrency "$runner" serve >"$work/serve-$concurrency.log" 2>&1 &
  pid=$!
  until (( $(grep -c '"stage":"done"' "$work/serve-$concurrency.log" || true) >= jobs )); do sleep 0.2; done
  end=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid" || true
  python3 - "$concurrency" "$jobs" "$start" "$end" "$work" <<'PY'
import sys
c, jobs, start, end, work = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
rate = jobs / (end - start) * 60
open(f"{work}/rate-{c}", "w").write(str(rate))
line = f"  RUNNER_CONCURRENCY={c}: {jobs} grades in {end - start:5.1f} s = {rate:5.1f} per minute"
if c > 1:
    line += f"  ({rate / float(open(f'{work}/rate-1').read()):.2f}x concurrency 1)"
print(line)
PY
done
