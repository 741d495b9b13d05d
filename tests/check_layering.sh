#!/usr/bin/env bash
# The module layering of docs/INTERNALS.md, checked against the code.
#
# The table between the "layering:begin" and "layering:end" markers of
# docs/INTERNALS.md is the one statement of which module may include what; this
# script holds the tree to it, so the document stays true:
#  - every folder of src/ (and bench/) has a row, and every row a folder;
#  - every public header has exactly one owning module; every internal header a
#    module's folder holds is listed as provided by it, and nothing else is;
#  - `#include "X/..."` in module M names M itself or a module whose internal
#    headers M may include; `#include "nnact/H"` names a header of M or of a
#    module M depends on (directly or not); the umbrella nnact/nnact.h only in
#    the tools, which may use every module;
#  - <cblas.h> and <lapacke.h> appear in no library module but src/blas (the
#    one door; the bench calls the BLAS itself to measure the machine);
#  - NNACT_MODULES in src/CMakeLists.txt lists every library module once, each
#    after every module it depends on (so the order has no cycle).
# usage: check_layering.sh SOURCE_DIR
set -euo pipefail
root=${1:?usage: check_layering.sh SOURCE_DIR}
doc=$root/docs/INTERNALS.md
fail=0
err() {
  echo "layering: $*"
  fail=1
}

# backticked words of a table cell, space-separated
# shellcheck disable=SC2016 # the backticks are literal
ticks() { grep -o '`[^`]*`' <<< "$1" | tr -d '`' | tr '\n' ' ' || true; }

rows=$(sed -n '/<!-- layering:begin -->/,/<!-- layering:end -->/p' "$doc" | grep '^| `' || true)
[ -n "$rows" ] || {
  echo "layering: no table between the layering markers of $doc"
  exit 1
}

declare -A folder_of pub_of prov_of inc_of uses_of owner_of module_of_folder
modules=()
while IFS= read -r line; do
  IFS='|' read -r _ c_mod c_dir c_pub c_prov c_inc c_uses _ <<< "$line"
  m=$(ticks "$c_mod")
  m=${m// /}
  modules+=("$m")
  folder_of[$m]=$(ticks "$c_dir" | tr -d ' ')
  folder_of[$m]=${folder_of[$m]%/}
  module_of_folder[${folder_of[$m]}]=$m
  pub_of[$m]=$(ticks "$c_pub")
  prov_of[$m]=$(ticks "$c_prov")
  inc_of[$m]=$(ticks "$c_inc")
  uses_of[$m]=$(ticks "$c_uses")
  for h in ${pub_of[$m]}; do
    [ -z "${owner_of[$h]:-}" ] || err "$h is claimed by ${owner_of[$h]} and $m"
    owner_of[$h]=$m
  done
done <<< "$rows"

is_module() { [ -n "${folder_of[$1]:-}" ]; }
is_tool() { [[ " ${uses_of[$1]} " == *" all "* ]]; }
in_list() { [[ " $2 " == *" $1 "* ]]; }

# folders and rows
for d in "$root"/src/*/ "$root"/bench/; do
  rel=${d#"$root"/}
  rel=${rel%/}
  [ -n "${module_of_folder[$rel]:-}" ] || err "folder $rel has no row in docs/INTERNALS.md"
done
for m in "${modules[@]}"; do
  [ -d "$root/${folder_of[$m]}" ] || err "module $m: folder ${folder_of[$m]} does not exist"
  for d in ${inc_of[$m]} ${uses_of[$m]}; do
    [ "$d" = all ] && continue
    is_module "$d" || err "module $m depends on $d, which has no row"
    # a library module never depends on a tool; tools may share code (bench
    # compiles the CLI's argument rules and random fill into itself)
    if is_module "$d" && is_tool "$d" && ! is_tool "$m"; then err "module $m depends on the tool $d"; fi
  done
done

# public headers: each owned once (export.h and the umbrella nnact.h aside)
for h in "$root"/include/nnact/*.h; do
  name=nnact/$(basename "$h")
  [ "$name" = nnact/nnact.h ] && continue
  [ -n "${owner_of[$name]:-}" ] || err "$name has no owning module in docs/INTERNALS.md"
done
for h in "${!owner_of[@]}"; do
  [ -f "$root/include/$h" ] || err "${owner_of[$h]} lists $h, which does not exist"
done

# internal headers: what each src/ folder holds is what its row provides
for m in "${modules[@]}"; do
  dir=${folder_of[$m]}
  [[ $dir == src/* ]] || continue
  held=""
  for h in "$root/$dir"/*.h; do
    [ -e "$h" ] && held+="${dir#src/}/$(basename "$h") "
  done
  for h in $held; do in_list "$h" "${prov_of[$m]}" || err "$h is not listed as provided by $m"; done
  for h in ${prov_of[$m]}; do in_list "$h" "$held" || err "$m lists $h, which does not exist"; done
done

# dependency order: NNACT_MODULES of src/CMakeLists.txt
order=$(sed -n 's/^ *set(NNACT_MODULES \(.*\))/\1/p' "$root/src/CMakeLists.txt")
[ -n "$order" ] || err "no set(NNACT_MODULES ...) in src/CMakeLists.txt"
declare -A closure seen
for m in $order; do
  is_module "$m" || {
    err "NNACT_MODULES names $m, which has no row"
    continue
  }
  [ -z "${seen[$m]:-}" ] || err "NNACT_MODULES names $m twice"
  c=""
  for d in ${inc_of[$m]} ${uses_of[$m]}; do
    [ "$d" = "$m" ] && continue
    if [ -z "${seen[$d]:-}" ]; then
      err "$m depends on $d, which NNACT_MODULES does not list before it"
    else
      c+="$d ${closure[$d]} "
    fi
  done
  closure[$m]=$(tr ' ' '\n' <<< "$c" | sort -u | tr '\n' ' ')
  seen[$m]=1
done
for m in "${modules[@]}"; do
  if is_tool "$m"; then
    closure[$m]="${modules[*]}"
  elif [ -z "${seen[$m]:-}" ]; then
    err "library module $m is missing from NNACT_MODULES in src/CMakeLists.txt"
  fi
done

# the includes themselves
for m in "${modules[@]}"; do
  for f in "$root/${folder_of[$m]}"/*.[ch]; do
    [ -e "$f" ] || continue
    rel=${f#"$root"/}
    while IFS= read -r inc; do
      [ -n "$inc" ] || continue
      x=${inc%%/*}
      if [ "$x" = nnact ]; then
        if [ "$inc" = nnact/nnact.h ]; then
          is_tool "$m" || err "$rel includes the umbrella nnact/nnact.h (only the tools may)"
          continue
        fi
        o=${owner_of[$inc]:-}
        [ -n "$o" ] || continue # reported above as unowned
        [ "$o" = "$m" ] || in_list "$o" "${closure[$m]:-}" ||
          err "$rel includes $inc of $o, a module $m does not depend on"
      elif [ "$x" != "$m" ]; then
        in_list "$x" "${inc_of[$m]}" ||
          err "$rel includes $inc: $m may not include internal headers of $x"
      fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z0-9_]*\/[^"]*\)".*/\1/p' "$f")
    if [ "$m" != blas ] && ! is_tool "$m" && grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](cblas|lapacke)\.h' "$f"; then
      err "$rel includes cblas.h or lapacke.h: only src/blas talks to the BLAS"
    fi
  done
done

[ $fail -eq 0 ] || exit 1
echo "layering: ${#modules[@]} modules, includes and dependency order agree with docs/INTERNALS.md"
