#!/usr/bin/env bash
# `runner grade` end to end against the same build run bare by hand, side by side in one run.
# Usage: bench/grade_vs_bare.sh [runs]   (needs scripts/install.sh and scripts/build.sh first)
# Prints one table per driver: mean wall time of each command and its ratio to the bare build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
root=$(pwd)
work=$(mktemp -d /tmp/runner-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

SA=/usr/share/java/junit-platform-console-standalone.jar
(cd examples/submissions/correct && zip -qr "$work/correct.zip" .)

# The example PIT, as is (maven) and switched to javac.
mkdir -p "$work/pits"
cp -r examples/pits/calculator "$work/pits/calculator"
mkdir -p "$work/javac/calculator"
cp -r examples/pits/calculator/. "$work/javac/calculator/"
sed -i 's/^build: maven/build: javac/' "$work/javac/calculator/pit.yaml"

# A project prepared by hand: submission + overlay, as a person would lay it out.
project="$work/project"
mkdir -p "$project"
cp -r examples/submissions/correct/. "$project/"
cp -r examples/pits/calculator/overlay/. "$project/"

export RUNNER_SANDBOX=none
bench() {  # name, then hyperfine commands
  local name=$1
  shift
  hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$work/$name.json" "$@" >/dev/null
  python3 bench/hyperfine_table.py "$work/$name.json" "$name" mean
}

bench javac \
  -n "bare: javac + console launcher" \
  "cd $project && rm -rf $work/c $work/r && javac -d $work/c -encoding UTF-8 -proc:none -cp $SA \$(find src -name '*.java') && java -jar $SA --disable-banner --details=none -cp $work/c --select-class edu.uoc.CalculatorTest --reports-dir $work/r" \
  -n "runner grade (javac)" \
  "$root/build/runner grade $work/correct.zip --pit $work/javac/calculator --out $work/out-javac"

MVN_FLAGS="-B -q -s $root/share/maven/settings.xml -gs $root/share/maven/settings.xml -Dmaven.test.failure.ignore=true"
bench maven \
  -n "bare: mvn -o test (plain Surefire, as by hand)" \
  "cd $project && rm -rf target && mvn $MVN_FLAGS test" \
  -n "bare: mvn with the runner's flags (no Surefire idle)" \
  "cd $project && rm -rf target && mvn $MVN_FLAGS -Dtest=edu.uoc.CalculatorTest test" \
  -n "runner grade (maven)" \
  "$root/build/runner grade $work/correct.zip --pit $work/pits/calculator --out $work/out-maven"

# Gradle: the PIT with its JUnit 4 tests, prepared by hand the same way.
gproject="$work/gradle-project"
mkdir -p "$gproject"
cp -r examples/submissions/correct/. "$gproject/"
cp -r examples/pits/calculator-gradle/overlay/. "$gproject/"
bench gradle \
  -n "bare: gradle with the runner's init script" \
  "cd $gproject && rm -rf build $work/gh && gradle -q --offline --no-daemon -g $work/gh --project-cache-dir $work/gpc -I $root/share/gradle/init.gradle -PrunnerReportsDir=$work/gr runnerTest" \
  -n "runner grade (gradle)" \
  "$root/build/runner grade $work/correct.zip --pit $root/examples/pits/calculator-gradle --out $work/out-gradle"
