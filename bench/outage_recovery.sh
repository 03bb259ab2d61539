#!/usr/bin/env bash
# How fast the worker gets back to work after an outage: PostgreSQL stopped for 90 s, S3 and SQS
# unreachable for 45 s (the integration tests in tests/service/service_outages_test.cpp, against
# a real PostgreSQL and fauxqs on 127.0.0.1). Prints, per outage, the seconds from the moment the
# dependency is back to the moment all three submissions are final, against the breaker's
# probe interval cap (30 s), which bounds how long a recovery can go unnoticed.
#
#   bench/outage_recovery.sh [runs=1]     (needs scripts/build.sh first; about 4 min a run)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
bin=build/tests/service/service_outages_tests
[[ -x $bin ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
filter='*PostgresDownFor90Seconds*:*S3UnreachableFor45Seconds*:*SqsUnreachableFor45Seconds*'
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for _ in $(seq "$runs"); do
  "$bin" --gtest_filter="$filter" | grep -E '^\[ recovery \]|^\[  (PASSED|FAILED)' | tee -a "$out"
done
echo
echo "| outage | runs | recovery (s): mean | max | max / probe cap (30 s) |"
echo "|---|---|---|---|---|"
awk '/recovery/ {d=$4; s=$(NF-1); n[d]++; sum[d]+=s; if (s>mx[d]) mx[d]=s}
     END {for (d in n) printf "| %s | %d | %.1f | %.1f | %.2f |\n", d, n[d], sum[d]/n[d], mx[d], mx[d]/30}' "$out"
