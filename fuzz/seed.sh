#!/bin/sh
# Copies the report fixtures into fuzz/corpus-raw/<target>/ as seed corpora, then merges in the
# committed minimized corpus fuzz/corpus/<target>/. Run from fuzz/.
set -eu
fixtures=../tests/fixtures/reports
seed() { # target fixture-dir...
    target=$1; shift
    mkdir -p "corpus-raw/$target"
    for dir in "$@"; do
        find "$fixtures/$dir" -type f ! -name FORMAT.md -exec cp {} "corpus-raw/$target/" \;
    done
    if [ -d "corpus/$target" ]; then cp corpus/"$target"/* "corpus-raw/$target/"; fi
}
seed cobertura cobertura
seed lcov lcov
seed jacoco jacoco
seed clover clover
seed go go
seed coveragepy_json coveragepy-json
seed llvm_cov_json llvm-cov-json
seed istanbul istanbul-json
seed simplecov simplecov
seed detect cobertura lcov jacoco clover go coveragepy-json llvm-cov-json istanbul-json simplecov
