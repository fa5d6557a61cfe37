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
# The parts target reads its first byte as the number of parts: each Cobertura seed, led by
# a byte that picks 2, 3 or 5 parts.
mkdir -p corpus-raw/cobertura_parts
for f in corpus-raw/cobertura/*; do
    n=$(basename "$f")
    for k in 0 1 3; do
        { printf "\\$(printf %o "$k")"; cat "$f"; } > "corpus-raw/cobertura_parts/$k-$n"
    done
done
if [ -d corpus/cobertura_parts ]; then cp corpus/cobertura_parts/* corpus-raw/cobertura_parts/; fi
# The shared-record decoders start from the committed seeds (valid descriptions, a
# tombstone, coverage of each line kind).
mkdir -p corpus-raw/shared
cp corpus/shared/* corpus-raw/shared/
