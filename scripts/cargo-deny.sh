#!/usr/bin/env bash
# `cargo deny check` (advisories, bans, licences, sources) without network
# access, for scripts/test.sh.
#
#   scripts/cargo-deny.sh                    the check (what CI runs)
#   scripts/cargo-deny.sh --update           refresh .ci/advisory-db from GitHub
#   scripts/cargo-deny.sh --update-from DIR  refresh it from a clone of
#                                            rustsec/advisory-db (bare or not)
#
# Why a vendored snapshot: cargo-deny clones the RustSec advisory database
# from GitHub, which this project's machines and CI cannot reach (crates.io,
# npm, PyPI and Debian only), and no registry ships the database. So the
# crates/ and rust/ advisories of one advisory-db commit live in
# .ci/advisory-db (SNAPSHOT names the commit), and this script rebuilds the
# git repository cargo-deny expects from them on every run: the result
# depends only on what is committed, like every other test. The snapshot's
# age is printed on each run; refresh it with --update wherever GitHub is
# reachable and commit the diff.
#
# Before the real check, a canary proves the advisory check can fail: an
# extra advisory against serde_json (every version) is added to the rebuilt
# database, and `cargo deny check advisories` must then fail and name it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

snapshot=.ci/advisory-db
# deny.toml's db-path. cargo-deny keeps each database in a directory named
# after its URL; this is 0.20's name for https://github.com/rustsec/advisory-db
# (a different cargo-deny may choose another: its error message then names
# the directory it looked for).
db_root=target/advisory-dbs
db="$db_root/advisory-db-3157b0e258782691"
# RUSTSEC-0000-0000, the template's id, is skipped by cargo-deny; year 9999
# cannot collide with a real advisory.
canary_id=RUSTSEC-9999-0001

die() { echo "cargo-deny.sh: $*" >&2; exit 1; }
snapshot_field() { sed -n "s/^$1=//p" "$snapshot/SNAPSHOT"; }
quiet_git() {
  git -c user.name=scalewise -c user.email=scalewise@localhost \
      -c commit.gpgsign=false -c init.defaultBranch=main "$@"
}

update_from() {
  local source="$1" commit committed staging
  commit="$(git -C "$source" rev-parse HEAD)" || die "$source is not a git repository"
  committed="$(git -C "$source" show -s --format=%cI HEAD)"
  staging="$(mktemp -d)"
  git -C "$source" archive HEAD crates rust LICENSE.txt | tar -x -C "$staging"
  rm -rf "$snapshot"
  mkdir -p "$snapshot"
  mv "$staging/crates" "$staging/rust" "$staging/LICENSE.txt" "$snapshot/"
  rm -rf "$staging"
  {
    echo "# The RustSec advisory database (crates/, rust/; CC0-1.0, LICENSE.txt) at"
    echo "# one upstream commit, for scripts/cargo-deny.sh. Written by"
    echo "# 'scripts/cargo-deny.sh --update'; do not edit by hand."
    echo "source=https://github.com/rustsec/advisory-db"
    echo "commit=$commit"
    echo "committed=$committed"
  } >"$snapshot/SNAPSHOT"
  echo "advisory snapshot: rustsec/advisory-db $commit of $committed ($(find "$snapshot/crates" -name '*.md' | wc -l) crate advisories) in $snapshot; commit it"
}

case "${1:-}" in
  --update)
    clone="$(mktemp -d)"
    git clone --quiet --depth 1 https://github.com/rustsec/advisory-db "$clone/advisory-db"
    update_from "$clone/advisory-db"
    rm -rf "$clone"
    exit 0 ;;
  --update-from)
    [[ $# -eq 2 ]] || die "--update-from needs the path of an advisory-db clone"
    update_from "$2"
    exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (see the header of this script)" ;;
esac

[[ -f "$snapshot/SNAPSHOT" ]] || die "$snapshot/SNAPSHOT is missing"
commit="$(snapshot_field commit)"
committed="$(snapshot_field committed)"
age_days=$(( ($(date +%s) - $(date -d "$committed" +%s)) / 86400 ))
echo "RustSec advisory snapshot ${commit:0:12} of ${committed%%T*}: $age_days days old"
if (( age_days > 90 )); then
  echo "  advisories published since then are not checked: refresh the snapshot where GitHub is reachable (scripts/cargo-deny.sh --update)"
fi

# `--offline` below keeps cargo-deny from fetching the database, and cargo
# too: so every crate of the graph, for every target in deny.toml, must be
# downloaded first (the builds before this only fetched host and wasm32).
cargo fetch --locked --quiet

# The database cargo-deny reads: one commit holding the snapshot, dated as
# the upstream commit so that cargo-deny's own notion of the database's age
# is the snapshot's.
rm -rf "$db"
mkdir -p "$db"
cp -R "$snapshot/crates" "$snapshot/rust" "$db/"
quiet_git -C "$db" init --quiet
quiet_git -C "$db" add -A
GIT_AUTHOR_DATE="$committed" GIT_COMMITTER_DATE="$committed" \
  quiet_git -C "$db" commit --quiet --no-verify -m "rustsec/advisory-db $commit"

# Canary: an advisory that matches must fail the check.
mkdir -p "$db/crates/serde_json"
cat >"$db/crates/serde_json/$canary_id.md" <<EOF
\`\`\`toml
[advisory]
id = "$canary_id"
package = "serde_json"
date = "${committed%%T*}"
categories = ["memory-corruption"]

[versions]
patched = []
\`\`\`

# Canary advisory added by scripts/cargo-deny.sh

Not a real advisory: it proves that a matching advisory fails the check.
EOF
quiet_git -C "$db" add -A
quiet_git -C "$db" commit --quiet --no-verify -m canary
if canary_output="$(cargo deny --offline check advisories 2>&1)"; then
  die "the canary advisory against serde_json did not fail 'cargo deny check advisories': the advisory check is not working"
fi
grep -q "$canary_id" <<<"$canary_output" \
  || die "'cargo deny check advisories' failed without naming the canary advisory: $canary_output"
quiet_git -C "$db" reset --quiet --hard HEAD~1

# The check itself: advisories (from the snapshot), bans, licences, sources.
cargo deny --log-level error --offline check
