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
  # the sandbox: bubblewrap for the start-up comparison (bench/sandbox_startup.sh)
  bubblewrap
  # AWS client checks: botocore re-verifies signatures; the aws CLI cross-checks S3 and SQS
  python3-botocore awscli
  # the worker's database: tests and scripts/local-stack.sh run a private cluster on loopback
  postgresql
)

# Development-only tools from npm (local S3/SQS servers for the integration tests), pinned by
# tools/npm/package-lock.json. Installed after the apt packages (npm comes with nodejs).
install_npm_tools() {
  [[ -f tools/npm/package-lock.json ]] || return 0
  # Keep a Node that is already there (fauxqs needs Node >= 20; Debian 12's own is 18).
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    echo "install.sh: installing nodejs npm"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends nodejs npm
  fi
  if [[ -d tools/npm/node_modules ]] && [[ tools/npm/node_modules/.package-lock.json -nt tools/npm/package-lock.json ]]; then
    return 0
  fi
  echo "install.sh: npm ci in tools/npm"
  npm ci --prefix tools/npm --no-audit --no-fund
}

cd "$(dirname "$0")/.."

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install.sh: all ${#packages[@]} packages present"
else
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "install.sh: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
install_npm_tools
