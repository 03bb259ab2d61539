#!/usr/bin/env bash
# Grades every bundled example submission against the bundled example PIT and prints the results.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p build/examples
for dir in examples/submissions/*/; do
  name=$(basename "$dir")
  zip_file="build/examples/$name.zip"
  rm -f "$zip_file"
  (cd "$dir" && zip -qr "../../../$zip_file" .)
  echo
  echo "━━━ $name ━━━"
  [[ $name == infinite-loop ]] && echo "(this one loops forever: it takes the PIT's 60 s timeout)"
  ./build/runner grade "$zip_file" --pit examples/pits/calculator --out "build/examples/$name" ||
    echo "(runner exited with $?)"
done
