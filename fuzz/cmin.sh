#!/bin/sh
# Minimizes corpus-raw/<target> (after a run) into the committed corpus/<target>, keeping
# only inputs of at most 512 bytes: the large seeds come back from the fixtures via ./seed.sh.
set -eu
for t in "$@"; do
    small=$(mktemp -d)
    find "corpus-raw/$t" -type f -size -${MAXB:-513}c -exec cp {} "$small/" \;
    mkdir -p "corpus/$t"
    ./target/x86_64-unknown-linux-gnu/release/"$t" -merge=1 -rss_limit_mb=2048 -timeout=10 \
        "corpus/$t" "$small" > "logs/cmin-$t.log" 2>&1
    rm -rf "$small"
    echo "$t: $(ls "corpus/$t" | wc -l) files, $(du -sk "corpus/$t" | cut -f1) KB"
done
