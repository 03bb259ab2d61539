#!/usr/bin/env bash
# Installs everything Runner needs to build, run and test on Debian 12.
# Idempotent: packages already present are not touched, and apt is only consulted when
# something is missing. Used by the README, by .ci/run and by the container image.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format git
  # libraries
  libgtest-dev libgmock-dev libzip-dev libpqxx-dev libseccomp-dev nlohmann-json3-dev
  libyaml-cpp-dev libpugixml-dev libspdlog-dev libfmt-dev libcli11-dev libcurl4-openssl-dev
  libssl-dev libcpp-httplib-dev
  # what graded projects build with: JDK 17, Maven + an offline plugin repository, Gradle, JUnit
  openjdk-17-jdk-headless maven gradle junit5 junit4 libsurefire-java
  libmaven-compiler-plugin-java libmaven-resources-plugin-java libmaven-jar-plugin-java
  # tests, examples and benchmarks
  zip unzip hyperfine time
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install.sh: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install.sh: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
