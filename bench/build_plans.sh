#!/usr/bin/env bash
# Build plans (docs/build-drivers.md, "Build plans"), side by side in one run: Maven and Gradle
# PITs graded with their plan against the same PIT as javac, against the build tool per
# submission (build_plan: false) and against the plain build tool by hand; then the service's
# receive -> verdict published per job at concurrency 1 against `runner grade`, and throughput
# at concurrency 2. Needs scripts/install.sh and scripts/build.sh first, and root for `full`.
#
#   bench/build_plans.sh [runs=10] [jobs=20]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
jobs=${2:-20}
root=$(pwd)
runner=$root/build/runner
work=$(mktemp -d /tmp/runner-plans-XXXXXX)
chmod 755 "$work"
trap 'scripts/local-stack.sh stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export RUNNER_CACHE_DIR=$work/cache

(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)
mkdir -p "$work/pits" "$work/javac" "$work/tool"
cp -r examples/pits/calculator examples/pits/calculator-gradle "$work/pits/"
cp -r examples/pits/calculator examples/pits/calculator-gradle "$work/javac/"
sed -i 's/^build: maven/build: javac/' "$work/javac/calculator/pit.yaml"
# The Gradle example is the same assignment with JUnit 4 tests: its javac twin keeps them.
sed -i 's/^build: gradle/build: javac/' "$work/javac/calculator-gradle/pit.yaml"
rm "$work/javac/calculator-gradle/overlay/build.gradle"
cp -r examples/pits/calculator examples/pits/calculator-gradle "$work/tool/"
echo "build_plan: false" >>"$work/tool/calculator/pit.yaml"
echo "build_plan: false" >>"$work/tool/calculator-gradle/pit.yaml"
for tool in maven gradle; do
  pit=calculator
  [[ $tool == gradle ]] && pit=calculator-gradle
  mkdir -p "$work/project-$tool"
  cp -r examples/submissions/correct/. "examples/pits/$pit/overlay/." "$work/project-$tool/"
done

grade() {  # pit dir
  echo "env RUNNER_SANDBOX=full $runner grade $work/correct.zip --pit $1 --out $work/out"
}
MVN="mvn -B -q -o -s $root/share/maven/settings.xml -gs $root/share/maven/settings.xml -Dmaven.test.failure.ignore=true test"
# Plain Gradle as by hand, offline; the runner's init script only adds Debian's repository.
GRADLE="gradle -q --offline --no-daemon -I $root/share/gradle/init.gradle test"

# Interleaved rounds (each round runs every command once, in a rotated order) rather than
# hyperfine's one command at a time: a noisy minute on a shared machine then hits every command
# alike, and the ratios stay meaningful.
python3 - "$runs" "$work/grades.json" \
  "javac PIT: runner grade, full" "$(grade "$work/javac/calculator")" \
  "javac PIT, JUnit 4: runner grade, full" "$(grade "$work/javac/calculator-gradle")" \
  "maven PIT: runner grade, full, build plan" "$(grade "$work/pits/calculator")" \
  "maven PIT: runner grade, full, Maven per submission" "$(grade "$work/tool/calculator")" \
  "maven: plain mvn -o test" "cd $work/project-maven && rm -rf target && $MVN >/dev/null" \
  "gradle PIT: runner grade, full, build plan" "$(grade "$work/pits/calculator-gradle")" \
  "gradle PIT: runner grade, full, Gradle per submission" "$(grade "$work/tool/calculator-gradle")" \
  "gradle: plain gradle test --offline" "cd $work/project-gradle && rm -rf build .gradle && $GRADLE >/dev/null 2>&1" \
  <<'PY'
import json, subprocess, sys, time
runs, out, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
commands = list(zip(args[0::2], args[1::2]))
times = {name: [] for name, _ in commands}
for round_ in range(runs + 1):  # round 0 warms up
    order = commands[round_ % len(commands):] + commands[:round_ % len(commands)]
    for name, command in order:
        start = time.perf_counter()
        subprocess.run(["bash", "-c", command + " >/dev/null"], check=True)
        if round_ > 0:
            times[name].append(time.perf_counter() - start)
json.dump({"results": [{"command": n, "times": times[n]} for n, _ in commands]}, open(out, "w"))
PY
python3 - "$work/grades.json" <<'PY'
import json, sys
rows = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
med = {k: sorted(r["times"])[len(r["times"]) // 2] for k, r in rows.items()}
print("grading the correct example, medians of", len(next(iter(rows.values()))["times"]), "runs:")
for k, v in med.items():
    print(f"  {k:<58} {v:6.2f} s")
def ratio(a, b, target, op):
    r = med[a] / med[b]
    ok = r <= target
    print(f"  {a}\n    / {b}: {r:.2f}x (target {op} {target}) {'ok' if ok else 'MISSED'}")
print("ratios:")
ratio("maven PIT: runner grade, full, build plan", "maven: plain mvn -o test", 0.1, "<=")
ratio("maven PIT: runner grade, full, build plan", "javac PIT: runner grade, full", 1.25, "<=")
ratio("gradle PIT: runner grade, full, build plan", "javac PIT, JUnit 4: runner grade, full", 1.25, "<=")
ratio("gradle PIT: runner grade, full, build plan", "gradle: plain gradle test --offline", 0.2, "<=")
ratio("maven PIT: runner grade, full, build plan", "maven PIT: runner grade, full, Maven per submission", 1, "<=")
ratio("gradle PIT: runner grade, full, build plan", "gradle PIT: runner grade, full, Gradle per submission", 1, "<=")
open(sys.argv[1] + ".med", "w").write(json.dumps(med))
PY

# The service: receive -> verdict published for each job, concurrency 1, against runner grade.
export RUNNER_STACK_DIR=$work/stack
RUNNER_BIN=$runner scripts/local-stack.sh >/dev/null
# shellcheck disable=SC1091
source "$RUNNER_STACK_DIR/env"
# Every job is the same ZIP: without RUNNER_VERDICT_CACHE=false all but the first would be hits.
export RUNNER_LOG_FORMAT=json RUNNER_HTTP_PORT=0 RUNNER_POLL_INTERVAL_MS=1000 RUNNER_SANDBOX=full
export RUNNER_VERDICT_CACHE=false
# Latency, paired: one job at a time, each followed by a `runner grade` of the same ZIP, so
# both see the same machine. Throughput: `jobs` queued at once, drained at concurrency 1, then 2.
latency() {  # name pits-dir pit-id
  local name=$1
  RUNNER_PITS_DIR=$2 RUNNER_CONCURRENCY=1 "$runner" serve >"$work/serve-$name.log" 2>&1 &
  local pid=$!
  : >"$work/paired-$name"
  for i in $(seq "$jobs"); do
    RUNNER_PITS_DIR=$2 "$runner" enqueue "$work/correct.zip" --pit "$3" --submission-id "$name-$i" >/dev/null
    until grep -q "\"submission_id\":\"$name-$i\".*\"stage\":\"done\"" "$work/serve-$name.log"; do
      sleep 0.05
    done
    local start end
    start=$(date +%s.%N)
    RUNNER_SANDBOX=full "$runner" grade "$work/correct.zip" --pit "$2/$3" --out "$work/out" >/dev/null
    end=$(date +%s.%N)
    echo "$start $end" >>"$work/paired-$name"
  done
  kill -TERM "$pid"
  wait "$pid" || true
}
throughput() {  # name pits-dir concurrency
  local name=$1
  for i in $(seq "$jobs"); do
    RUNNER_PITS_DIR=$2 "$runner" enqueue "$work/correct.zip" --pit calculator --submission-id "$name-$i" >/dev/null
  done
  local start end
  start=$(date +%s.%N)
  RUNNER_PITS_DIR=$2 RUNNER_CONCURRENCY=$3 "$runner" serve >"$work/serve-$name.log" 2>&1 &
  local pid=$!
  until (( $(grep -c '"stage":"done"' "$work/serve-$name.log" || true) >= jobs )); do sleep 0.2; done
  end=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$start $end" >"$work/span-$name"
}
latency javac "$work/javac" calculator
latency maven "$work/pits" calculator
throughput maven1 "$work/pits" 1
throughput maven2 "$work/pits" 2
python3 - "$work" "$jobs" <<'PY'
import json, statistics, sys
work, jobs = sys.argv[1], int(sys.argv[2])
q = lambda v, p: sorted(v)[min(len(v) - 1, int(p * len(v)))]
def latencies(name, stage="done"):
    out = []
    for line in open(f"{work}/serve-{name}.log"):
        if line.startswith("{"):
            j = json.loads(line)
            if j.get("stage") == stage and j.get("duration_ms") is not None:
                out.append(j["duration_ms"] / 1000)
    return out
print(f"\nservice, {jobs} jobs each, full, local stack (PostgreSQL + S3/SQS on loopback):")
for name in ("javac", "maven"):
    v = latencies(name)
    m = statistics.median(v)
    paired = [e - s for s, e in (map(float, l.split()) for l in open(f"{work}/paired-{name}"))]
    g = statistics.median(paired)
    print(f"  {name} PIT, concurrency 1: receive -> verdict published median {m:.2f} s, "
          f"p95 {q(v, .95):.2f} s; runner grade of the same ZIP after each job {g:.2f} s; "
          f"ratio {m / g:.2f}x (target <= 1.2)")
    stages = ", ".join(f"{s} {statistics.median(latencies(name, s)) * 1000:.0f} ms"
                       for s in ("download", "grade", "upload", "db"))
    print(f"    median per stage: {stages}")
def rate(name):
    start, end = map(float, open(f"{work}/span-{name}").read().split())
    return jobs / (end - start) * 60
r1, r2 = rate("maven1"), rate("maven2")
print(f"  maven PIT throughput: concurrency 1 {r1:.1f}/min, concurrency 2 {r2:.1f}/min "
      f"({r2 / r1:.2f}x, 2 cores)")
PY
