#!/bin/sh
# Builds the class-data-sharing archives of the JVMs a grade starts, by running each once on the
# bundled training project with -XX:ArchiveClassesAtExit:
#   runner-testhost.jsa  the test host (javac fast path): its own, javac's and JUnit's classes;
#   maven.jsa            Maven's own JVM (not the forked test JVM that runs student code).
# An archive holds those classes already parsed and verified, which is most of a JVM's start-up.
# It is only valid for this JDK build and these jar files (the JVM checks, and quietly ignores a
# stale one), so it is made where the runner runs: by the build, and again by the container
# image after installing.
# Usage: make-archive.sh TESTHOST_DIR SHARE_DIR   (the runner's share dir: Maven settings)
set -eu
dir=$(cd "$1" && pwd)
share=$(cd "$2" && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
junit=/usr/share/java/junit-platform-console-standalone.jar
work=$(mktemp -d "${TMPDIR:-/tmp}/runner-testhost-archive-XXXXXX")
trap 'rm -rf "$work"' EXIT

cp -r "$dir/training" "$work/project"
find "$work/project/src" -name '*.java' | sort | sed 's/.*/"&"/' >"$work/sources.txt"
od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$work/key"
mkdir "$work/classes"

# The same flags the runner starts the host with (drivers/testhost_driver.cpp), except the
# archive itself.
if ! (cd "$work/project" && "$java" -XX:ArchiveClassesAtExit="$work/archive.jsa" \
  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1 -XX:+DisableAttachMechanism \
  -Xlog:cds=error -Xlog:cds+dynamic=error \
  -cp "$dir/runner-testhost.jar:$junit" runner.testhost.TestHost --key-file "$work/key" \
  --classes "$work/classes" --sources "$work/sources.txt" --compile-class-path "$junit" \
  --select-class training.ShapesTest --select-class training.LegacyShapesTest \
  --select-class training.BrokenSetupTest --select-class training.DisabledClassTest) \
  >"$work/output.txt" 2>&1; then
  echo "make-archive.sh: the training run failed:" >&2
  cat "$work/output.txt" >&2
  exit 1
fi
grep -q '"event":"done"' "$work/output.txt" || {
  echo "make-archive.sh: the training run did not finish its tests:" >&2
  cat "$work/output.txt" >&2
  exit 1
}
mv "$work/archive.jsa" "$dir/runner-testhost.jsa"
echo "make-archive.sh: $dir/runner-testhost.jsa ($(du -k "$dir/runner-testhost.jsa" | cut -f1) KiB)"

# Maven, with the options the maven driver gives it (drivers/maven_driver.cpp, MAVEN_OPTS from
# drivers/common.cpp).
mkdir "$work/home"
if ! (cd "$work/project" && HOME="$work/home" \
  MAVEN_OPTS="-XX:ArchiveClassesAtExit=$work/maven.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=error -Xlog:cds+dynamic=error" \
  mvn --offline --batch-mode --no-transfer-progress --settings "$share/maven/settings.xml" \
  --global-settings "$share/maven/settings.xml" -Djvm="$share/maven/fork-jvm/bin/java" \
  -Dmaven.test.failure.ignore=true test) >"$work/maven-output.txt" 2>&1; then
  echo "make-archive.sh: the Maven training run failed:" >&2
  cat "$work/maven-output.txt" >&2
  exit 1
fi
mv "$work/maven.jsa" "$dir/maven.jsa"
echo "make-archive.sh: $dir/maven.jsa ($(du -k "$dir/maven.jsa" | cut -f1) KiB)"
