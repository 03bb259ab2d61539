#!/usr/bin/env bash
# The worker's own cost per job, outside the build and tests it runs: for each job, the time
# from "received" to "verdict published" (download + upload + PostgreSQL + delete) minus the
# grading itself, from the runner's JSON log lines; plus the runner's RSS idle and busy.
# Against the local stack (scripts/local-stack.sh: PostgreSQL + fauxqs on 127.0.0.1).
#
#   bench/worker_overhead.sh [jobs=60]    (needs build/runner, or RUNNER_BIN)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${1:-60}
runner=${RUNNER_BIN:-$root/build/runner}
export RUNNER_STACK_DIR=${RUNNER_STACK_DIR:-$(mktemp -d /tmp/runner-bench-XXXXXX)/stack}
work=$(dirname "$RUNNER_STACK_DIR")
chmod 755 "$work"  # PostgreSQL runs as the postgres user and must reach its data dir
trap 'scripts/local-stack.sh stop >/dev/null; [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

RUNNER_BIN=$runner scripts/local-stack.sh >/dev/null
# shellcheck disable=SC1091
source "$RUNNER_STACK_DIR/env"
# A javac copy of the example PIT: the grading part is then short, and it is subtracted anyway.
mkdir -p "$work/pits"
cp -r examples/pits/calculator "$work/pits/"
sed -i 's/^build: maven/build: javac/' "$work/pits/calculator/pit.yaml"
export RUNNER_PITS_DIR=$work/pits RUNNER_LOG_FORMAT=json RUNNER_HTTP_PORT=0 RUNNER_POLL_INTERVAL_MS=1000
(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)

RUNNER_VERDICT_CACHE=false "$runner" serve >"$work/serve.log" 2>&1 &
pid=$!
sleep 3
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

for i in $(seq "$jobs"); do
  "$runner" enqueue "$work/correct.zip" --pit calculator --submission-id "bench-$i" >/dev/null
done
peak_kb=$idle_kb
for _ in $(seq 600); do
  kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  (( kb > peak_kb )) && peak_kb=$kb
  n=$(grep -c '"stage":"done"' "$work/serve.log" || true)
  (( n >= jobs )) && break
  sleep 0.5
done
kill -TERM "$pid"; wait "$pid" || true; pid=

python3 - "$work/serve.log" "$idle_kb" "$peak_kb" <<'PY'
import json, statistics, sys
grade, done, stages = {}, {}, {}
for line in open(sys.argv[1]):
    if not line.startswith("{"): continue
    j = json.loads(line)
    sid, st, d = j.get("submission_id"), j.get("stage"), j.get("duration_ms")
    if sid is None or d is None: continue
    if st == "grade": grade[sid] = d
    if st == "done": done[sid] = d
    if st in ("download", "upload", "db"): stages.setdefault(st, []).append(d)
over = sorted(done[s] - grade[s] for s in done if s in grade)
q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))]
print(f"jobs: {len(over)}")
print(f"overhead per job (receive -> verdict published, minus grading): "
      f"median {statistics.median(over):.1f} ms, p95 {q(over, .95):.1f} ms, max {over[-1]:.1f} ms")
for st, v in sorted(stages.items()):
    v.sort(); print(f"  {st}: median {statistics.median(v):.1f} ms, p95 {q(v, .95):.1f} ms")
print(f"grading (javac PIT, for scale): median {statistics.median(grade.values()):.0f} ms")
print(f"runner RSS: idle {int(sys.argv[2]) / 1024:.1f} MiB, busy peak {int(sys.argv[3]) / 1024:.1f} MiB")
PY
