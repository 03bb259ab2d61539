#!/usr/bin/env bash
# Installs everything Runner needs to build, run and test on Debian 12.
# Idempotent: packages already present are not touched, and apt is only consulted when
# something is missing. Used by the README, by .ci/run and by the container image.
#
# With no argument (the README and CI): every package below plus the npm test tools.
# The container image's stages ask for less (see Dockerfile):
#   --build     only what compiling Runner needs (toolchain and -dev libraries); no npm
#   --runtime   only what `runner serve` needs at run time: the JDK, Maven with Debian's offline
#               plugin repository, Gradle, JUnit, the shared libraries the binary links, and the
#               image's own tools (tini, curl for the health check, setcap); no npm
#   --no-npm    skip the npm test tools (tools/npm)
# --build and --runtime may be combined.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

want_build=0
want_runtime=0
want_npm=1
for arg in "$@"; do
  case $arg in
    --build) want_build=1 want_npm=0 ;;
    --runtime) want_runtime=1 want_npm=0 ;;
    --no-npm) want_npm=0 ;;
    -h | --help) usage && exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2 && usage >&2 && exit 2 ;;
  esac
done

# Compiling Runner (the image's build stage). The JDK and JUnit are there for the Java test host
# built with the runner (src/testhost).
build_packages=(
  build-essential cmake ninja-build pkg-config openjdk-17-jdk-headless junit5 libasm-java
  libzip-dev libpqxx-dev libseccomp-dev nlohmann-json3-dev libyaml-cpp-dev libpugixml-dev
  libfmt-dev libcli11-dev libcurl4-openssl-dev libssl-dev libcpp-httplib-dev
)

# Running `runner serve` (the image's runtime stage). The libraries are the runtime halves of the
# -dev packages above that the binary links (readelf -d build/runner | grep NEEDED). tini reaps
# and forwards signals as PID 1, curl serves the HEALTHCHECK, libcap2-bin gives setcap.
runtime_packages=(
  openjdk-17-jdk-headless maven gradle junit5 junit4 libsurefire-java libasm-java
  libmaven-compiler-plugin-java libmaven-resources-plugin-java libmaven-jar-plugin-java
  libmaven-dependency-plugin-java
  # what Python PITs run with: Debian's interpreter and pytest (docs/python.md)
  python3 python3-pytest
  libzip4 libpqxx-6.4 libseccomp2 libyaml-cpp0.7 libpugixml1v5 libfmt9 libcurl4 libssl3
  libcpp-httplib0.11 ca-certificates
  tini curl libcap2-bin
)

# Everything (no option): build, run, test, benchmark, develop.
all_packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format git
  # libraries
  libgtest-dev libgmock-dev libzip-dev libpqxx-dev libseccomp-dev nlohmann-json3-dev
  libyaml-cpp-dev libpugixml-dev libfmt-dev libcli11-dev libcurl4-openssl-dev
  libssl-dev libcpp-httplib-dev
  # what graded projects build with: JDK 17, Maven + an offline plugin repository, Gradle, JUnit
  openjdk-17-jdk-headless maven gradle junit5 junit4 libsurefire-java libasm-java
  libmaven-compiler-plugin-java libmaven-resources-plugin-java libmaven-jar-plugin-java
  libmaven-dependency-plugin-java
  # Python PITs: Debian's interpreter and pytest (docs/python.md)
  python3-pytest
  # tests, examples and benchmarks (7zip's 7zz and python3 also build the archive-style tests)
  zip unzip 7zip python3 hyperfine time
  # the sandbox: bubblewrap for the start-up comparison (bench/sandbox_startup.sh); setcap for
  # the test of a non-root runner with file capabilities (as in the container image)
  bubblewrap libcap2-bin
  # AWS client checks: botocore re-verifies signatures; the aws CLI cross-checks S3 and SQS
  python3-botocore awscli
  # the worker's database: tests and scripts/local-stack.sh run a private cluster on loopback
  postgresql
  # scripts/check-deploy.py (the deploy/ lint test) reads the CloudFormation template
  python3-yaml
  # the grade-all e2e test opens report.html in a headless browser (tests/e2e/grade_all_test.cpp)
  chromium
)

if ((want_build || want_runtime)); then
  packages=()
  if ((want_build)); then packages+=("${build_packages[@]}"); fi
  if ((want_runtime)); then packages+=("${runtime_packages[@]}"); fi
else
  packages=("${all_packages[@]}")
fi

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
if ((want_npm)); then install_npm_tools; fi
