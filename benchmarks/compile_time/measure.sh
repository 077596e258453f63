#!/usr/bin/env bash
# Compile-time benchmark: compiles the fixed programs in programs/ (and the quick start
# example) against an installed poolkit, with each compiler and optimisation level, and
# prints one table: CPU seconds per compile (user + system of the compiler: less
# sensitive to other load than wall time), the ratio to the std::regex program (e)
# compiled in the same run with the same compiler and flags, and the object's size.
# With --prebuilt FLAG (the -DPOOLKIT_PREBUILT=<id> that linking poolkit::prebuilt
# adds), each program is compiled a second time that way: three more columns.
# The machines are shared and noisy: read the ratios, not the seconds.
#
#   measure.sh --include DIR [--eigen DIR] [--quickstart FILE] [--compilers "g++ clang++"]
#              [--flags "-O2 -O0"] [--repeat N] [--work DIR] [--prebuilt FLAG]
#
# `cmake --build build/gcc --target compile_time` runs it against a staged install.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
include="" eigen="" quickstart="" compilers="g++ clang++" flag_sets="-O2 -O0" repeat=1 prebuilt=""
work="$(mktemp -d)"
while [ $# -gt 0 ]; do
  case "$1" in
    --include) include="$2"; shift 2 ;;
    --eigen) eigen="$2"; shift 2 ;;
    --quickstart) quickstart="$2"; shift 2 ;;
    --compilers) compilers="$2"; shift 2 ;;
    --flags) flag_sets="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --work) work="$2"; mkdir -p "$work"; shift 2 ;;
    --prebuilt) prebuilt="$2"; shift 2 ;;
    *) echo "measure.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$include" ] || [ ! -f "$include/poolkit/poolkit.hpp" ]; then
  echo "measure.sh: --include must name an installed poolkit's include directory" >&2
  exit 2
fi

# The programs, in table order: (e) first, so that every ratio has its reference.
programs=("$here/programs/e_std_regex.cpp" "$here/programs/a_include_only.cpp" "$here/programs/b_one_max_pool2d.cpp")
for p in "$here"/programs/c*.cpp; do
  case "$p" in
    *bilateral*) [ -n "$eigen" ] && programs+=("$p") ;;
    *) programs+=("$p") ;;
  esac
done
[ -n "$quickstart" ] && programs+=("$quickstart")

# CPU seconds of one compile to an object file: the best of --repeat runs.
compile_seconds() {
  local compiler="$1" flags="$2" source="$3" object="$4" best="" t
  local extra=(-I"$include")
  [ -n "$eigen" ] && extra+=(-isystem "$eigen")
  extra+=(-I"$(dirname "$source")")
  for ((i = 0; i < repeat; ++i)); do
    # bash's `time` reports the children's user and system seconds.
    t=$( { TIMEFORMAT='%U %S'; time "$compiler" -std=c++20 $flags "${extra[@]}" -c "$source" -o "$object" 2>&3; } 3>&2 2>&1 | awk '{print $1 + $2}')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN {exit !(t < b)}'; then best=$t; fi
  done
  printf '%.2f' "$best"
}

# One table row's numbers: seconds, ratio to the reference, object KB.
measure() {
  local compiler="$1" flags="$2" source="$3" object="$4" reference="$5" seconds bytes
  seconds=$(compile_seconds "$compiler" "$flags" "$source" "$object")
  # text + data + bss of the object: the code a program links.
  bytes=$(size "$object" | awk 'NR == 2 {print $4}')
  printf '%s | %s | %s' "$seconds" "$(awk -v s="$seconds" -v r="${reference:-$seconds}" 'BEGIN {printf "%.2f", s / r}')" \
    "$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1024}')"
}

if [ -n "$prebuilt" ]; then
  printf '| program | compiler | flags | seconds | x std::regex | object KB | prebuilt seconds | prebuilt x std::regex | prebuilt KB |\n'
  printf '|---|---|---|---|---|---|---|---|---|\n'
else
  printf '| program | compiler | flags | seconds | x std::regex | object KB |\n'
  printf '|---|---|---|---|---|---|\n'
fi
for compiler in $compilers; do
  if ! command -v "$compiler" > /dev/null; then
    echo "measure.sh: $compiler not found, skipped" >&2
    continue
  fi
  for flags in $flag_sets; do
    reference=""
    for source in "${programs[@]}"; do
      name="$(basename "$source" .cpp)"
      object="$work/$name.$compiler.${flags//[^A-Za-z0-9]/}.o"
      row=$(measure "$compiler" "$flags" "$source" "$object" "$reference")
      [ -z "$reference" ] && reference=${row%% *}
      if [ -n "$prebuilt" ]; then
        row="$row | $(measure "$compiler" "$flags $prebuilt" "$source" "$object" "$reference")"
      fi
      printf '| %s | %s | %s | %s |\n' "$name" "$compiler" "$flags" "$row"
    done
  done
done
