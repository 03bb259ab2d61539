#!/usr/bin/env bash
# Download and upload throughput of a 50 MB object, Runner's AWS client (build/aws-probe) vs the
# aws CLI, against the same local fauxqs server, plus each command's peak memory
# (/usr/bin/time -f %M). Usage: bench/aws_throughput.sh [runs, default 3]
# Needs: scripts/install.sh (fauxqs, aws CLI, GNU time) and a build (build/aws-probe).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
probe=build/aws-probe
cli=${AWS_CLI:-$(command -v aws || true)}
[[ -x $probe ]] || { echo "build first: cmake -S . -B build -G Ninja && ninja -C build aws-probe" >&2; exit 1; }
[[ -n $cli ]] || { echo "no aws CLI (scripts/install.sh installs one)" >&2; exit 1; }

work=$(mktemp -d)
coproc FAUXQS { exec node tests/aws/servers/fauxqs_server.mjs tools/npm/node_modules/fauxqs/dist/app.js; }
server_pid=$FAUXQS_PID
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT
read -r -t 30 word port <&"${FAUXQS[0]}"
[[ $word == PORT ]] || { echo "fauxqs did not start" >&2; exit 1; }

export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench/secret AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port
unset AWS_PROFILE AWS_CA_BUNDLE
size=$((50 * 1024 * 1024))
head -c $size /dev/urandom > "$work/src.bin"
sum=$(sha256sum < "$work/src.bin")
$probe s3 mb bench > /dev/null

# Runs a command under GNU time; prints "seconds peak_kb".
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null
  cat "$work/time"
}
check() { [[ $(sha256sum < "$1") == "$sum" ]] || { echo "corrupt download: $1" >&2; exit 1; }; }

declare -A secs mem
for ((i = 1; i <= runs; i++)); do
  read -r s m < <(measure $probe s3 put bench probe.bin "$work/src.bin")
  secs[probe_up]+="$s "; mem[probe_up]+="$m "
  read -r s m < <(measure "$cli" s3 cp --only-show-errors "$work/src.bin" s3://bench/cli.bin)
  secs[cli_up]+="$s "; mem[cli_up]+="$m "
  rm -f "$work/dl.bin"
  read -r s m < <(measure $probe s3 get bench probe.bin "$work/dl.bin")
  secs[probe_down]+="$s "; mem[probe_down]+="$m "; check "$work/dl.bin"
  rm -f "$work/dl.bin"
  read -r s m < <(measure "$cli" s3 cp --only-show-errors s3://bench/cli.bin "$work/dl.bin")
  secs[cli_down]+="$s "; mem[cli_down]+="$m "; check "$work/dl.bin"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
maxof() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }

echo "50 MiB object, $runs runs each, median wall time; aws CLI: $("$cli" --version 2>&1 | cut -d' ' -f1)"
echo
echo "| operation | client | median s | MiB/s | peak RSS MiB | CLI/client time |"
echo "|---|---|---|---|---|---|"
for op in up down; do
  name=$([[ $op == up ]] && echo "upload (PutObject)" || echo "download (GetObject)")
  p=$(echo "${secs[probe_$op]}" | median); c=$(echo "${secs[cli_$op]}" | median)
  pm=$(echo "${mem[probe_$op]}" | maxof); cm=$(echo "${mem[cli_$op]}" | maxof)
  awk -v n="$name" -v p="$p" -v c="$c" -v pm="$pm" -v cm="$cm" 'BEGIN {
    printf "| %s | aws-probe | %.2f | %.0f | %.1f | %.1fx |\n", n, p, 50 / (p > 0 ? p : 0.01), pm / 1024, c / (p > 0 ? p : 0.01)
    printf "| %s | aws CLI | %.2f | %.0f | %.1f | |\n", n, c, 50 / (c > 0 ? c : 0.01), cm / 1024 }'
done
