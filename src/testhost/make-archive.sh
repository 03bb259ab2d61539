#!/bin/sh
# Builds the class-data-sharing archives of the JVMs a grade starts, by running each once on the
# bundled training project with -XX:ArchiveClassesAtExit:
#   runner-testhost.jsa  the test host: its own, javac's, JUnit's and the security manager's classes;
#   maven.jsa            Maven's own JVM (compiling; it runs no test).
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
asm=/usr/share/java/asm.jar
work=$(mktemp -d "${TMPDIR:-/tmp}/runner-testhost-archive-XXXXXX")
trap 'rm -rf "$work"' EXIT

cp -r "$dir/training" "$work/project"
# As a job's folder is laid out (grading/workspace.cpp): the tests outside the project.
mkdir -p "$work/tests/src"
mv "$work/project/src/test" "$work/tests/src/test"
find "$work/project/src/main/java" -name '*.java' | sort >"$work/main-sources.txt"
find "$work/tests/src/test/java" -name '*.java' | sort >"$work/test-sources.txt"
od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$work/key"

# The same flags the runner starts the host with (drivers/testhost_driver.cpp), except the
# archive itself.
if ! (cd "$work/project" && "$java" -XX:ArchiveClassesAtExit="$work/archive.jsa" \
  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1 -XX:+DisableAttachMechanism \
  -Djava.security.manager=allow -Xlog:cds=error -Xlog:cds+dynamic=error \
  -cp "$dir/runner-testhost.jar:$junit:$asm" runner.testhost.TestHost --key-file "$work/key" \
  --main-classes "$work/classes" --main-sources "$work/main-sources.txt" \
  --test-sources "$work/test-sources.txt" --test-classes "$work/test-classes" \
  --test-root "$work/tests" --project "$work/project" --junit "$junit" \
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
  --global-settings "$share/maven/settings.xml" -Dmaven.compiler.proc=none compile \
  dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=test) >"$work/maven-output.txt" 2>&1; then
  echo "make-archive.sh: the Maven training run failed:" >&2
  cat "$work/maven-output.txt" >&2
  exit 1
fi
mv "$work/maven.jsa" "$dir/maven.jsa"
echo "make-archive.sh: $dir/maven.jsa ($(du -k "$dir/maven.jsa" | cut -f1) KiB)"
