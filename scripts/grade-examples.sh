#!/usr/bin/env bash
# Grades every bundled example submission against its bundled example PIT and prints the
# results: the Java ones (examples/submissions/) against examples/pits/calculator, the Python
# ones (examples/submissions-python/) against examples/pits/calculator-py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p build/examples
grade_all_in() {  # submissions folder, PIT, timeout words
  local folder=$1 pit=$2 timeout=$3
  for dir in "$folder"/*/; do
    name=$(basename "$dir")
    out="build/examples/$(basename "$folder")-$name"
    zip_file="$out.zip"
    rm -f "$zip_file"
    (cd "$dir" && zip -qr "$OLDPWD/$zip_file" .)
    echo
    echo "━━━ $name ($pit) ━━━"
    [[ $name == infinite-loop ]] && echo "(this one loops forever: it takes the PIT's $timeout timeout)"
    ./build/runner grade "$zip_file" --pit "examples/pits/$pit" --out "$out" ||
      echo "(runner exited with $?)"
  done
}
grade_all_in examples/submissions calculator "60 s"
grade_all_in examples/submissions-python calculator-py "10 s"
