#!/usr/bin/env bash
# End to end on a real example: build covgit, script a two-commit history of a small Python
# project with the coverage.py reports of each commit (examples/demo/v1, v2), record both,
# then show what changed. Hermetic: your git config is not read; the history's SHAs are fixed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
covgit="${CARGO_TARGET_DIR:-$here/../target}/release/covgit"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="Demo" GIT_COMMITTER_EMAIL="demo@example.com"
repo="$work/shop"
git init -q -b main "$repo"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
commit() { # commit VERSION DATE MESSAGE
  rm -rf "$repo/src" && cp -r "$here/demo/$1/src" "$repo/src"
  git -C "$repo" add -A
  GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" git -C "$repo" commit -q -m "$3"
}

commit v1 "2026-01-01T10:00:00Z" "Cart with totals and discounts"
step covgit record examples/demo/v1/coverage.xml
"$covgit" -C "$repo" record "$here/demo/v1/coverage.xml"

commit v2 "2026-01-01T11:00:00Z" "Add tax(); the total() test was dropped"
step covgit record examples/demo/v2/coverage.xml
"$covgit" -C "$repo" record "$here/demo/v2/coverage.xml"

step covgit log
"$covgit" -C "$repo" log
step covgit show
"$covgit" -C "$repo" show
step covgit compare HEAD
"$covgit" -C "$repo" compare HEAD
step covgit check HEAD --patch-target 60
"$covgit" -C "$repo" check HEAD --patch-target 60 || echo "(exit $?: a gate failed, as it should here)"
