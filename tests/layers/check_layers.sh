#!/usr/bin/env bash
# The layers are enforced by the compiler: every library of src/ compiles against a view of only
# the folders it declares (src/layers.cmake). This test proves the views do what they promise:
#   - through each view, one header of every visible folder preprocesses (the view is complete:
#     a visible header's own includes are visible too);
#   - through each view, a header of every other folder of src/ is not found (an upward or
#     undeclared include fails to compile);
#   - no view shows a folder at or above its own floor in the architecture below (README.md,
#     "Architecture"), and every folder of src/ has its floor.
# Usage: check_layers.sh <source dir> <build dir> <c++ compiler>
set -uo pipefail
src=$1/src
views=$2/layers
cxx=$3
failures=0
checked=0

# The floors, from the ground up; a folder may see only folders on lower floors.
floors=(util "archive exec aws" "sandbox pit" "workspace report" drivers grading "db batch" config
        service app cli)
declare -A floor_of
for i in "${!floors[@]}"; do
  for folder in ${floors[$i]}; do floor_of[$folder]=$i; done
done
for folder_path in "$src"/*/; do
  folder=$(basename "$folder_path")
  [[ $folder == testhost ]] && continue  # Java, built by its own CMake file
  if [[ -z ${floor_of[$folder]:-} ]]; then
    echo "✗ src/$folder has no floor in this test (and README.md's architecture)"
    failures=$((failures + 1))
  fi
done

first_header() { find "$src/$1" -maxdepth 1 -name '*.hpp' | sort | head -1; }

for view in "$views"/runner_*; do
  layer=${view##*/runner_}
  for seen in "$view"/*; do
    folder=$(basename "$seen")
    [[ $folder == "$layer" ]] && continue
    if [[ -n ${floor_of[$layer]:-} && ${floor_of[$folder]:-99} -ge ${floor_of[$layer]} ]]; then
      echo "✗ $layer (floor ${floor_of[$layer]}) sees $folder (floor ${floor_of[$folder]:-?}): not below it"
      failures=$((failures + 1))
    fi
  done
  for folder_path in "$src"/*/; do
    folder=$(basename "$folder_path")
    header=$(first_header "$folder")
    [[ -n $header ]] || continue
    include="$folder/$(basename "$header")"
    if out=$(printf '#include "%s"\n' "$include" |
             "$cxx" -std=c++20 -E -x c++ -I "$view" -I "$2/src/generated" - -o /dev/null 2>&1); then
      found=yes
    else
      found=no
    fi
    checked=$((checked + 1))
    if [[ -e $view/$folder ]]; then
      if [[ $found == no ]]; then
        echo "✗ $layer: $include (a visible folder) does not compile: $(echo "$out" | head -1)"
        failures=$((failures + 1))
      fi
    elif [[ $found == yes ]]; then
      echo "✗ $layer: $include compiles, but $folder is not a layer $layer declares"
      failures=$((failures + 1))
    fi
  done
done
# A relative include would step around the views.
if grep -rnE '#include "\.\./' "$src" --include='*.cpp' --include='*.hpp'; then
  echo "✗ relative includes (above) bypass the layers: include \"<folder>/<file>.hpp\""
  failures=$((failures + 1))
fi
[[ $checked -gt 0 ]] || { echo "✗ no layer views under $views"; exit 1; }
if [[ $failures -gt 0 ]]; then
  echo "✗ $failures of $checked include checks failed"
  exit 1
fi
echo "✓ $checked include checks: every layer sees exactly the folders it declares"
