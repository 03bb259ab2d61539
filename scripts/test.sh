#!/usr/bin/env bash
# Builds Runner and runs the whole test suite: unit tests, the end-to-end tests that grade real
# Java projects with javac, Maven and Gradle, the sandbox tests (with the Python grades at each
# level) and the tests against local servers. Extra arguments go to ctest (e.g. -R Sandboxed). Every label must have tests, and each
# test runs once, under the first of its labels in that order. Set RUNNER_REQUIRE_SANDBOX=full or
# basic to fail, not skip, sandbox tests the host cannot run (README, "Development").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/check-format.sh
scripts/build.sh

labels=(unit e2e sandbox integration)
# Every test carries one of the labels: a test with none would never run here.
unlabelled=$(ctest --test-dir build -N -LE "^($(IFS='|' && echo "${labels[*]}"))\$" |
  sed -n 's/^Total Tests: //p')
if [[ $unlabelled != 0 ]]; then
  echo "test.sh: $unlabelled tests carry none of the labels ${labels[*]} (ctest -N -LE ...)" >&2
  exit 1
fi

# The ctest arguments that select label $1's tests but those run under an earlier label.
select_label() {
  local label=$1 earlier=()
  for l in "${labels[@]}"; do
    [[ $l == "$label" ]] && break
    earlier+=("$l")
  done
  printf '%s\n' -L "^${label}\$"
  if ((${#earlier[@]})); then printf '%s\n' -LE "^($(IFS='|' && echo "${earlier[*]}"))\$"; fi
}

# Fails, in one line, when label $1 selects no test (a folder not built, a label misspelt).
require_tests() {
  local label=$1 args count
  mapfile -t args < <(select_label "$label")
  count=$(ctest --test-dir build -N "${args[@]}" | sed -n 's/^Total Tests: //p')
  if [[ -z $count || $count == 0 ]]; then
    echo "test.sh: no tests with label '$label' (beyond those of earlier labels) in build/" >&2
    exit 1
  fi
}

run_label() {
  local label=$1 args
  shift
  mapfile -t args < <(select_label "$label")
  ctest --test-dir build --output-on-failure "${args[@]}" "$@"
}

for label in "${labels[@]}"; do require_tests "$label"; done
# Unit tests run in parallel; the end-to-end tests run one at a time, because each one starts
# JVMs and some assert that a timeout fires on time.
run_label unit -j "$(nproc)" "$@"
run_label e2e "$@"
# The sandbox: isolation concerns and the adversarial suite (run one at a time).
run_label sandbox "$@"
# Tests against real local servers (S3/SQS emulators, PostgreSQL), started by the tests themselves.
run_label integration "$@"
