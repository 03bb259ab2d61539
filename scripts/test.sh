#!/usr/bin/env bash
# Builds Runner and runs the whole test suite: unit tests, then the end-to-end tests that grade
# real Java projects with javac, Maven and Gradle. Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/check-format.sh
scripts/build.sh
# Unit tests run in parallel; the end-to-end tests run one at a time, because each one starts
# JVMs and some assert that a timeout fires on time.
ctest --test-dir build --output-on-failure -L unit -j "$(nproc)" "$@"
ctest --test-dir build --output-on-failure -L e2e "$@"
# The sandbox: isolation concerns and the adversarial suite (run one at a time).
if ctest --test-dir build -N -L sandbox | grep -q "Total Tests: [1-9]"; then
  ctest --test-dir build --output-on-failure -L sandbox "$@"
fi
# Tests against real local servers (S3/SQS emulators, PostgreSQL), started by the tests themselves.
if ctest --test-dir build -N -L integration | grep -q "Total Tests: [1-9]"; then
  ctest --test-dir build --output-on-failure -L integration "$@"
fi
