#!/usr/bin/env bash
# Start-up cost of the sandbox, in one run: spawning /bin/true and `java -version` bare, through
# each launcher level (build/sandbox-probe: mean per run inside one process, the way the runner
# spawns), and with bubblewrap doing comparable isolation (new user/pid/mount/net/ipc/uts
# namespaces, read-only /usr, private /tmp, /proc, /dev, dropped capabilities); then the
# overhead of `full` on a real grade (runner grade, RUNNER_SANDBOX=none vs full).
# Usage (as root): bench/sandbox_startup.sh [build dir, default build] [runs, default 200]
# Needs: scripts/install.sh (bubblewrap, hyperfine) and a build with sandbox-probe and runner.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-200}
probe=$build/sandbox-probe
[[ -x $probe ]] || { echo "build first: ninja -C $build sandbox-probe runner" >&2; exit 1; }
command -v bwrap >/dev/null || { echo "bwrap missing (scripts/install.sh)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine missing (scripts/install.sh)" >&2; exit 1; }
JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
work=$(mktemp -d /tmp/runner-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "host: $($probe --report)"
bwrap_cmd=(bwrap --unshare-all --die-with-parent --new-session --cap-drop ALL --uid 1000 --gid 1000
  --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64
  --symlink usr/sbin /sbin --ro-bind /etc/alternatives /etc/alternatives
  --ro-bind /etc/java-17-openjdk /etc/java-17-openjdk --proc /proc --dev /dev --tmpfs /tmp
  --bind "$work" "$work" --chdir "$work" --clearenv --setenv PATH /usr/bin:/bin)

# hyperfine -N: no shell, one fork/exec per run; prints the mean in ms.
hf() {
  local n=$1
  shift
  hyperfine -N --style none --runs "$n" --warmup 3 --export-json "$work/h.json" -- "$*" >/dev/null
  python3 -c "import json;print('%.2f' % (json.load(open('$work/h.json'))['results'][0]['mean']*1000))"
}
# sandbox-probe: N runs in one process; prints the mean in ms.
sp() {
  local level=$1 n=$2
  shift 2
  "$probe" "$level" "$n" "$@" | awk '{print $2}'
}

table() {  # title, runs, program...
  local title=$1 n=$2
  shift 2
  local bare hf_bwrap none basic full
  bare=$(hf "$n" "$@")
  bwrap_ms=$(hf "$n" "${bwrap_cmd[@]}" "$@")
  none=$(sp none "$n" "$@")
  basic=$(sp basic "$n" "$@")
  full=$(sp full "$n" "$@")
  echo
  echo "$title ($n runs each, mean ms per spawn; ratio to bare exec)"
  for row in "bare exec (hyperfine -N):$bare" "launcher none:$none" "launcher basic:$basic" \
             "launcher full:$full" "bwrap (comparable isolation):$bwrap_ms"; do
    python3 -c "import sys;n,v=sys.argv[1].rsplit(':',1);print('  %-32s %8.2f ms  %5.2fx' % (n,float(v),float(v)/$bare))" "$row"
  done
  python3 -c "print('  full / bwrap: %.2fx' % ($full/$bwrap_ms))"
}

table "/bin/true" "$runs" /bin/true
table "java -version" $((runs / 10 > 5 ? runs / 10 : 5)) "$JAVA" -version

# A real grade: the example submission, Maven and javac, sandbox none vs full.
(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)
mkdir -p "$work/javac"
cp -r examples/pits/calculator "$work/javac/calculator"
sed -i 's/^build: maven/build: javac/' "$work/javac/calculator/pit.yaml"
echo
echo "real grade (runner grade, mean of 5 runs after 1 warm-up)"
for pit in examples/pits/calculator "$work/javac/calculator"; do
  hyperfine --style none --runs 5 --warmup 1 --export-json "$work/g.json" \
    -n none "RUNNER_SANDBOX=none $build/runner grade $work/correct.zip --pit $pit --out $work/o1" \
    -n full "RUNNER_SANDBOX=full $build/runner grade $work/correct.zip --pit $pit --out $work/o2" \
    >/dev/null
  python3 - "$work/g.json" "$(basename "$(dirname "$pit")")/$(basename "$pit")" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
none, full = r["none"]["mean"], r["full"]["mean"]
print(f"  {sys.argv[2]:28s} none {none:6.2f} s ± {r['none']['stddev']:.2f}   full {full:6.2f} s ± {r['full']['stddev']:.2f}   overhead {100*(full/none-1):+5.1f}%")
PY
done
