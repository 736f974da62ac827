#!/usr/bin/env bash
# Fast checks of what is committed, first in scripts/test.sh:
#
#  1. every tracked path lies under one of the top-level entries below, and
#     none has a component that is a shell word left unexpanded (`~`,
#     `$NAME`): tools given an unexpanded CARGO_HOME or HOME create such
#     directories in the working directory, and `git add` picks them up;
#  2. the clippy configurations agree: core/clippy.toml repeats every rule
#     of the root clippy.toml (clippy reads only the nearest file, so the
#     core's must carry the workspace's rules as well as its own), and
#     core/cli/clippy.toml is the root one.
#
# Adding a top-level entry is a decision: add it to `allowed` with the commit
# that needs it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

allowed=(
  .ci .gitignore
  Cargo.toml Cargo.lock clippy.toml deny.toml rust-toolchain.toml
  Makefile scripts
  core app public style index.html Trunk.toml
  e2e package.json package-lock.json
  README.md ARCHITECTURE.md BENCHMARKS.md CONTRIBUTING.md docs
)

fail=0
problem() { echo "check-tree.sh: $*" >&2; fail=1; }

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  declare -A allow=()
  for entry in "${allowed[@]}"; do allow["$entry"]=1; done
  while IFS= read -r -d '' path; do
    top="${path%%/*}"
    if [[ -z "${allow[$top]:-}" ]]; then
      problem "tracked path '$path' is outside the allowed top-level entries (${allowed[*]}): remove it (git rm) or add its entry to scripts/check-tree.sh"
    fi
    IFS=/ read -r -a parts <<<"$path"
    for part in "${parts[@]}"; do
      if [[ "$part" == "~" || "$part" == '~'* || "$part" == '$'* ]]; then
        problem "tracked path '$path' has the component '$part', an unexpanded shell word: remove it (git rm -r) and find the tool that created it"
        break
      fi
    done
  done < <(git ls-files -z)
else
  echo "tracked paths: NOT CHECKED (not a git checkout)"
fi

# Each rule line of the root configuration ('{ path = … }' and the
# allow-*-in-tests settings) must appear, verbatim, in core/clippy.toml.
while IFS= read -r line; do
  grep -qxF -- "$line" core/clippy.toml \
    || problem "core/clippy.toml lacks the root clippy.toml's rule: $line"
done < <(grep -E '^\s*\{ path = |^allow-' clippy.toml)
cmp -s clippy.toml core/cli/clippy.toml \
  || problem "core/cli/clippy.toml differs from clippy.toml (it should be a link to it)"

if (( fail )); then exit 1; fi
echo "tree: $(git ls-files 2>/dev/null | wc -l) tracked paths under the allowed top-level entries; clippy configurations agree"
