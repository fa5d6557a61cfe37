#!/bin/sh
# Runs the given targets one after another, 600 s each, single job; logs to logs/<target>.log.
# Run from fuzz/ after `cargo +nightly fuzz build --sanitizer none` and ./seed.sh.
set -u
secs=${FUZZ_SECS:-600}
mkdir -p logs
for t in "$@"; do
    mkdir -p "artifacts/$t"
    ./target/x86_64-unknown-linux-gnu/release/"$t" "corpus-raw/$t" \
        -artifact_prefix="artifacts/$t/" -max_total_time="$secs" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 > "logs/$t.log" 2>&1
    echo "$t exit=$? $(date -u +%H:%M:%S)" >> logs/lanes.txt
done
