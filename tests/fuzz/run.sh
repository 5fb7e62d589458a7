#!/usr/bin/env bash
# Runs one fuzzer for a while on a scratch copy of its seeds; a crash fails, leaving its reproducer in the log.
#
# Test tooling, called by `make fuzz` (fuzz.mk) once per target:
#   run.sh TARGET BINARY SECONDS MAX_LEN SCRATCH_DIR
# The checked-in corpus (tests/fuzz/corpus/TARGET) is copied, never written:
# what the fuzzer learns stays in SCRATCH_DIR/TARGET/corpus. Prints the
# fuzzer's final numbers, then one line "fuzz TARGET: passed" or "fuzz
# TARGET: failed"; on a crash, each reproducer's path, hexdump and base64
# first, so a CI log alone is enough to replay it:
#   base64 -d > crash && BINARY crash
set -u
target=$1 binary=$2 seconds=$3 max_len=$4 scratch=$5/$1
here=$(dirname "$0")

rm -rf "$scratch"
mkdir -p "$scratch/corpus" "$scratch/artifacts"
cp "$here/corpus/$target"/* "$scratch/corpus/" 2>/dev/null
log=$scratch/fuzz.log

"$binary" "$scratch/corpus" -dict="$here/http.dict" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$scratch/artifacts/" -print_final_stats=1 >"$log" 2>&1
status=$?

# The last status line: "#runs DONE cov: N ft: N corp: N/size ... exec/s: N".
done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -n 1)
echo "fuzz $target: ${done_line:-no final status line} (${seconds} s; log $log)"
if ((status == 0)); then
    echo "fuzz $target: passed"
    exit 0
fi
grep -E 'ERROR|property broken|SUMMARY|^    #[0-9]' "$log" | head -n 40
for artifact in "$scratch"/artifacts/*; do
    [ -e "$artifact" ] || continue
    echo "fuzz $target: reproducer $artifact ($(stat -c %s "$artifact") bytes); replay: $binary $artifact"
    xxd "$artifact" | head -n 64
    echo "base64: $(base64 -w 0 "$artifact")"
done
echo "fuzz $target: failed"
exit 1
