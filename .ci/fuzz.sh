#!/usr/bin/env bash
# Fuzz smoke test (SPEC §3): build every cargo-fuzz target on stable without a sanitizer, then
# run each for FUZZ_SECONDS (20) from corpora seeded out of testdata/. Any crash, hang (> 1 s per
# input) or OOM (> 1 GiB) fails. Longer campaigns: see fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-20}

if ! command -v cargo-fuzz >/dev/null; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

echo "== cargo fmt (fuzz/ is a workspace of its own)"
(cd fuzz && cargo fmt --check)

echo "== seeding fuzz/corpus"
bash fuzz/seed.sh

echo "== cargo fuzz build -s none"
cargo fuzz build -s none

for target in $(cargo fuzz list); do
    echo "== fuzzing $target for ${seconds} s"
    log=$(mktemp)
    if ! cargo fuzz run "$target" -s none -- \
        -max_total_time="$seconds" -timeout=1 -rss_limit_mb=1024 -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/" >&2
        rm -f "$log"
        exit 1
    fi
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' "$log" || true
    rm -f "$log"
done
echo "fuzz: every target ran without a crash"
