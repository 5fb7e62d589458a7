#!/usr/bin/env bash
# Runs every check `make test` promises and ends with one line: N passed, M failed.
#
# Called by the Makefile with BUILD (the build directory), STAGES (the stage
# numbers, oldest first), FINAL (the number the tests give src/, the last
# stage, served by examples/demo), and optionally CH (one stage, or "src") and
# SERVER (a reader's own binary, tested as chapter CH). Counts doctest test cases, plus one check
# for the book and two for each exercise test (fails on the stage as shipped,
# passes on the solution). Keeps going after a failure so the count is whole.
set -u
passed=0
failed=0
failures=()

# doctest prints "[doctest] test cases: 12 | 11 passed | 1 failed | 3 skipped".
count_doctest() {  # label, log file
    local line
    line=$(grep -E '^\[doctest\] test cases:' "$2" | tail -n 1)
    local ok bad
    ok=$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$line")
    bad=$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$line")
    [[ $ok =~ ^[0-9]+$ ]] || ok=0
    [[ $bad =~ ^[0-9]+$ ]] || bad=1  # no summary: the binary crashed
    passed=$((passed + ok))
    failed=$((failed + bad))
    ((bad == 0)) || failures+=("$1")
}

# Runs a doctest binary, shows its output, counts its cases.
run_doctest() {  # label, command...
    local label=$1; shift
    local log; log=$(mktemp)
    echo "== $label"
    "$@" 2>&1 | tee "$log" | grep -v '^\[doctest\] doctest version\|^\[doctest\] run with "--help"\|^===*$'
    count_doctest "$label" "$log"
    rm -f "$log"
}

check() {  # label, command...: one check, passing when the command succeeds
    local label=$1; shift
    if "$@"; then
        passed=$((passed + 1)); echo "ok   $label"
    else
        failed=$((failed + 1)); failures+=("$label"); echo "FAIL $label"
    fi
}

# Runs an exercise's test against a server; quiet, but shows the log when the
# outcome is not the one expected.
exercise_outcome() {  # expected (pass|fail), test binary, chapter, server
    local log; log=$(mktemp)
    PORTER_SERVER=$4 PORTER_CHAPTER=$3 "$2" >"$log" 2>&1; local status=$?
    local ok=1
    if [ "$1" = pass ]; then ((status == 0)) && ok=0; else ((status != 0)) && ok=0; fi
    ((ok == 0)) || cat "$log"
    rm -f "$log"
    return $ok
}

run_blackbox() {  # stage number, server binary
    PORTER_SERVER=$2 PORTER_CHAPTER=$1 run_doctest "ch$1 black-box tests ($2)" "$BUILD/tests/blackbox-tests"
}

run_stage() {  # stage number
    local n=$1
    [ -x "$BUILD/ch$n/unit" ] && run_doctest "ch$n unit tests" "$BUILD/ch$n/unit"
    run_blackbox "$n" "$BUILD/ch$n/server"
    local dir
    for dir in exercises/"$n"-*/; do
        [ -d "$dir" ] || continue
        dir=${dir%/}
        local test
        for test in "$dir"/test-*.cpp; do
            local name; name=$(basename "$test" .cpp)
            local binary="$BUILD/$dir/$name"
            check "exercise $n-${name#test-} fails on the stage as shipped" \
                exercise_outcome fail "$binary" "$n" "$BUILD/ch$n/server"
            check "exercise $n-${name#test-} passes on the reference solution" \
                exercise_outcome pass "$binary" "$n" "$BUILD/$dir/solution/server"
        done
    done
}

# Installs into a temporary prefix and builds tests/install/tiny.cpp with
# nothing but what pkg-config says; the program serves one request to itself.
install_and_build() {
    local prefix; prefix=$(mktemp -d)
    local ok=1
    if $MAKE --no-print-directory -s install PREFIX="$prefix" CXX="$CXX" SANITIZE="${SANITIZE:-}" >/dev/null &&
       PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
           $CXX tests/install/tiny.cpp $LDFLAGS $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs porter) \
           -o "$prefix/tiny" && [ "$("$prefix/tiny")" = ok ]; then
        ok=0
    fi
    rm -rf "$prefix"
    return $ok
}

if [ -n "${SERVER:-}" ]; then
    [ -n "${CH:-}" ] || { echo "SERVER needs CH: make test CH=NN SERVER=path/to/server" >&2; exit 2; }
    [ -x "$SERVER" ] || { echo "no executable at SERVER=$SERVER" >&2; exit 2; }
    run_blackbox "$CH" "$SERVER"
else
    check "book.md matches the sources" "$BUILD/tools/book" --check book.md
    run_doctest "the book tool" env PORTER_BOOK_TOOL="$BUILD/tools/book" "$BUILD/tests/tool-tests"
    [ "${CH:-}" != src ] || CH=$FINAL
    for n in $STAGES; do
        [ -z "${CH:-}" ] || [ "$((10#$CH))" -eq "$((10#$n))" ] || continue
        run_stage "$n"
    done
    if [ -z "${CH:-}" ] || [ "$((10#$CH))" -eq "$FINAL" ]; then
        run_doctest "src unit tests" "$BUILD/src/unit"
        run_doctest "src library tests" "$BUILD/src/library-tests"
        check "make install, then a program built with pkg-config against the installed copy" install_and_build
        PORTER_EXAMPLES="$BUILD/examples" PORTER_WORKERS="$BUILD/examples/workers" \
            run_doctest "integration tests: the examples, and workers behind nginx" "$BUILD/tests/integration-tests"
        run_blackbox "$FINAL" "$BUILD/examples/demo"
    fi
fi

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
((failed == 0))
