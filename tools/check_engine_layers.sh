#!/usr/bin/env bash
# Checks that the engine's includes point only down its layers (host/engine/CMakeLists.txt):
# store, model -> scripting -> instance -> behaviours -> runtime -> the Engine's own files in
# src/. A file may include from its own layer or one below; a layer folder never includes a
# file of src/ itself. Prints every include that points up and exits 1 if there is one.
#   tools/check_engine_layers.sh [ENGINE_SRC_DIR]
set -euo pipefail

src="${1:-$(cd "$(dirname "$0")/.." && pwd)/host/engine/src}"
[[ -d "${src}" ]] || { echo "check_engine_layers: no such folder: ${src}" >&2; exit 2; }

declare -A rank=([store]=0 [model]=0 [scripting]=1 [instance]=2 [behaviours]=3 [runtime]=4)
top=5  # the Engine's files directly in src/

rank_of_path() {  # a path relative to src/: its layer's rank
  local folder="${1%%/*}"
  if [[ "${folder}" == "$1" ]]; then echo "${top}"; else echo "${rank[${folder}]:--1}"; fi
}

violations=0 checked=0
while IFS= read -r file; do
  relative="${file#"${src}/"}"
  own="$(rank_of_path "${relative}")"
  if ((own < 0)); then
    echo "check_engine_layers: ${relative} is in a folder that is no layer" >&2
    violations=$((violations + 1))
    continue
  fi
  while IFS= read -r included; do
    # Only the engine's own files: those that exist below src/.
    [[ -f "${src}/${included}" ]] || continue
    checked=$((checked + 1))
    target="$(rank_of_path "${included}")"
    if ((target > own)); then
      echo "check_engine_layers: ${relative} includes ${included}, a layer above it" >&2
      violations=$((violations + 1))
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "${file}")
done < <(find "${src}" -name '*.cpp' -o -name '*.hpp' | sort)

((checked > 0)) || { echo "check_engine_layers: no engine include found below ${src}" >&2; exit 2; }
if ((violations > 0)); then
  echo "check_engine_layers: ${violations} include(s) point up a layer" >&2
  exit 1
fi
echo "check_engine_layers: ${checked} includes, all point down or within a layer"
