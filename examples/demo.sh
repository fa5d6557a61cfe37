#!/usr/bin/env bash
# End to end on a real example: build covgit, script a two-commit history of a small Python
# project with the coverage.py reports of each commit (examples/demo/v1, v2), record both,
# then show what changed. Hermetic: your git config is not read; the history's SHAs are fixed.
#
# Each step runs exactly the command it prints, inside the scripted repository (the reports
# are copied there under examples/demo/, excluded from git), so the README's transcript of
# this script is what a user sees. tests/cli/readme.rs checks it, passing its own build as
# COVGIT_BIN.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${COVGIT_BIN:-}" ]; then
  cargo build --release --quiet --locked --manifest-path "$here/../Cargo.toml"
fi
covgit="${COVGIT_BIN:-${CARGO_TARGET_DIR:-$here/../target}/release/covgit}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="Demo" GIT_COMMITTER_EMAIL="demo@example.com"
repo="$work/shop"
git init -q -b main "$repo"
mkdir -p "$repo/examples/demo"
cp -r "$here/demo/v1" "$here/demo/v2" "$repo/examples/demo/"
rm -rf "$repo/examples/demo/v1/src" "$repo/examples/demo/v2/src"
echo "/examples/" >>"$repo/.git/info/exclude"
cd "$repo"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { # step ARGS...: print "$ covgit ARGS" and run it
  printf '\n%s$ covgit %s%s\n' "$bold" "$*" "$plain"
  "$covgit" "$@" 2>&1
}
commit() { # commit VERSION DATE MESSAGE
  rm -rf src && cp -r "$here/demo/$1/src" src
  git add -A
  GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" git commit -q -m "$3"
}

commit v1 "2026-01-01T10:00:00Z" "Cart with totals and discounts"
step record examples/demo/v1/coverage.xml

commit v2 "2026-01-01T11:00:00Z" "Add tax(); the total() test was dropped"
step record examples/demo/v2/coverage.xml

step log
step show
step compare HEAD
step check HEAD --patch-target 60 || echo "(exit $?: a gate failed, as it should here)"
