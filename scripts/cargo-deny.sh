#!/usr/bin/env bash
# `cargo deny check` (advisories, bans, licences, sources) without network
# access, for scripts/test.sh.
#
#   scripts/cargo-deny.sh                    the check (what CI runs)
#   scripts/cargo-deny.sh --update           refresh the advisory snapshot from GitHub
#   scripts/cargo-deny.sh --update-from DIR  refresh it from a clone of
#                                            rustsec/advisory-db (bare or not)
#
# Why a snapshot: cargo-deny clones the RustSec advisory database from
# GitHub on every run, and no package registry ships it, so a machine that
# reaches only the registries could not check advisories at all. Instead the
# crates/ and rust/ advisories of one advisory-db commit are committed as one
# archive, .ci/advisory-db.tar.xz (its SNAPSHOT file names the commit), whose
# SHA-256 is recorded in .ci/advisory-db.sha256 and checked on every run.
# This script unpacks it under target/ and rebuilds there the git repository
# cargo-deny expects, so the result depends only on what is committed, like
# every other test. The snapshot's age is printed on each run; refresh it
# with --update wherever GitHub is reachable and commit the two files
# (CONTRIBUTING.md, "Dependency audit").
#
# Before the real check, a canary proves the advisory check can fail: an
# extra advisory against serde_json (every version) is added to the rebuilt
# database, and `cargo deny check advisories` must then fail and name it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

archive=.ci/advisory-db.tar.xz
checksum=.ci/advisory-db.sha256
# deny.toml's db-path (relative to the workspace root, where this runs).
# cargo-deny keeps each database in a directory named after its URL; this is
# 0.20's name for https://github.com/rustsec/advisory-db (a different
# cargo-deny may choose another: its error message then names the directory
# it looked for).
db_root=target/advisory-dbs
db="$db_root/advisory-db-3157b0e258782691"
# RUSTSEC-0000-0000, the template's id, is skipped by cargo-deny; year 9999
# cannot collide with a real advisory.
canary_id=RUSTSEC-9999-0001

die() { echo "cargo-deny.sh: $*" >&2; exit 1; }
quiet_git() {
  git -c user.name=scalewise -c user.email=scalewise@localhost \
      -c commit.gpgsign=false -c init.defaultBranch=main "$@"
}
snapshot_field() { sed -n "s/^$1=//p" "$2/SNAPSHOT"; }

# cargo-deny (like cargo) resolves a relative CARGO_HOME against the working
# directory, and takes a lock in its database directory even offline: an
# unexpanded CARGO_HOME ('~/.cargo', '$CARGO_HOME') would create those
# literal directories in the tree. deny.toml's db-path does not depend on
# CARGO_HOME; refuse a relative one anyway, before anything runs.
if [[ -n "${CARGO_HOME:-}" && "$CARGO_HOME" != /* ]]; then
  die "CARGO_HOME is '$CARGO_HOME', not an absolute path (an unexpanded '~' or variable?): cargo and cargo-deny would create it under $PWD"
fi

# pack DIR: DIR (crates/, rust/, LICENSE.txt, SNAPSHOT) becomes the archive
# and its checksum. The archive is reproducible (sorted names, fixed owner
# and dates, single-threaded xz), so refreshing to the same upstream commit
# changes nothing.
pack() {
  local dir="$1" committed
  committed="$(snapshot_field committed "$dir")"
  tar --sort=name --mtime="$committed" --owner=0 --group=0 --numeric-owner \
      --format=gnu -C "$dir" -cf - SNAPSHOT LICENSE.txt crates rust \
    | xz -9 -T1 >"$archive.tmp"
  mv "$archive.tmp" "$archive"
  (cd "$(dirname "$archive")" && sha256sum "$(basename "$archive")") >"$checksum"
}

update_from() {
  local source="$1" commit committed staging
  commit="$(git -C "$source" rev-parse HEAD)" || die "$source is not a git repository"
  committed="$(git -C "$source" show -s --format=%cI HEAD)"
  staging="$(mktemp -d)"
  git -C "$source" archive HEAD crates rust LICENSE.txt | tar -x -C "$staging"
  {
    echo "# The RustSec advisory database (crates/, rust/; CC0-1.0, LICENSE.txt) at"
    echo "# one upstream commit, for scripts/cargo-deny.sh. Written by"
    echo "# 'scripts/cargo-deny.sh --update'; do not edit by hand."
    echo "source=https://github.com/rustsec/advisory-db"
    echo "commit=$commit"
    echo "committed=$committed"
  } >"$staging/SNAPSHOT"
  pack "$staging"
  echo "advisory snapshot: rustsec/advisory-db $commit of $committed ($(find "$staging/crates" -name '*.md' | wc -l) crate advisories) in $archive ($(du -k "$archive" | cut -f1) KiB); commit it and $checksum"
  rm -rf "$staging"
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

[[ -f "$archive" && -f "$checksum" ]] || die "$archive or $checksum is missing"
(cd "$(dirname "$archive")" && sha256sum --check --quiet --strict "$(basename "$checksum")") \
  || die "$archive does not match the SHA-256 in $checksum"

# The database cargo-deny reads: the snapshot, unpacked, as one commit dated
# as the upstream commit so that cargo-deny's own notion of the database's
# age is the snapshot's.
rm -rf "$db"
mkdir -p "$db"
tar -xJf "$archive" -C "$db"
commit="$(snapshot_field commit "$db")"
committed="$(snapshot_field committed "$db")"
[[ -n "$commit" && -n "$committed" && -d "$db/crates" ]] || die "$archive holds no SNAPSHOT or no crates/"
age_days=$(( ($(date +%s) - $(date -d "$committed" +%s)) / 86400 ))
echo "RustSec advisory snapshot ${commit:0:12} of ${committed%%T*}: $age_days days old"
if (( age_days > 90 )); then
  echo "  advisories published since then are not checked: refresh the snapshot where GitHub is reachable (scripts/cargo-deny.sh --update)"
fi

# `--offline` below keeps cargo-deny from fetching the database, and cargo
# too: so every crate of the graph, for every target in deny.toml, must be
# downloaded first (the builds before this only fetched host and wasm32).
cargo fetch --locked --quiet

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
