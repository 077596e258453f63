#!/usr/bin/env bash
# Compile-time benchmark: compiles the fixed programs in programs/ (and the quick start
# example) against an installed poolkit, with each compiler and optimisation level, and
# prints one table: wall seconds per compile, the ratio to the std::regex program (e)
# compiled in the same run with the same compiler and flags, and the object's size.
# The machines are shared and noisy: read the ratios, not the seconds.
#
#   measure.sh --include DIR [--eigen DIR] [--quickstart FILE] [--compilers "g++ clang++"]
#              [--flags "-O2 -O0"] [--repeat N] [--work DIR]
#
# `cmake --build build/gcc --target compile_time` runs it against a staged install.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
include="" eigen="" quickstart="" compilers="g++ clang++" flag_sets="-O2 -O0" repeat=1
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

# Seconds of one compile to an object file: the best of --repeat runs.
compile_seconds() {
  local compiler="$1" flags="$2" source="$3" object="$4" best="" start end t
  local extra=(-I"$include")
  [ -n "$eigen" ] && extra+=(-isystem "$eigen")
  extra+=(-I"$(dirname "$source")")
  for ((i = 0; i < repeat; ++i)); do
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$compiler" -std=c++20 $flags "${extra[@]}" -c "$source" -o "$object"
    end=$(date +%s.%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN {exit !(t < b)}'; then best=$t; fi
  done
  printf '%.2f' "$best"
}

printf '| program | compiler | flags | seconds | x std::regex | object KB |\n'
printf '|---|---|---|---|---|---|\n'
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
      seconds=$(compile_seconds "$compiler" "$flags" "$source" "$object")
      [ -z "$reference" ] && reference=$seconds
      ratio=$(awk -v s="$seconds" -v r="$reference" 'BEGIN {printf "%.2f", s / r}')
      # text + data + bss of the object: the code a program links.
      bytes=$(size "$object" | awk 'NR == 2 {print $4}')
      printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$compiler" "$flags" "$seconds" "$ratio" \
        "$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1024}')"
    done
  done
done
