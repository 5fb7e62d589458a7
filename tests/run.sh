#!/usr/bin/env bash
# run.sh: runs the checks `make test` promises, and ends with one line, "N passed, M failed".
#
#   tests/run.sh all              every check below
#   tests/run.sh stage NN         stage NN: its unit tests, its cumulative black-box tests,
#                                 its exercises both ways, its naive versions
#   tests/run.sh src              the library: unit, in-process, install, integration, and
#                                 the black-box tests through the demo
#   tests/run.sh server NN PATH   chapter NN's black-box tests against the server at PATH
#   tests/run.sh coverage         what src runs but the install check, for make coverage
#
# The Makefile builds what the mode needs and sets BUILD, STAGES, FINAL, CXX,
# LDFLAGS, SANITIZE and MAKE. Each check prints one line, "ok   ..." or
# "FAIL ...", and a failure's log follows its line. A doctest binary counts its
# test cases; every other check counts one. It keeps going after a failure, so
# the count is whole. (tests/README.md explains the tests themselves.)
set -u
passed=0
failed=0
failures=()
skip_note_shown=

pass() { passed=$((passed + ${2:-1})); echo "ok   $1"; }
fail() { failed=$((failed + ${2:-1})); failures+=("$1"); echo "FAIL $1"; }

# doctest ends with "[doctest] test cases: 12 | 11 passed | 1 failed | 3 skipped".
field_of() {  # NAME, summary line: the number before NAME
    local n; n=$(sed -nE "s/.*\| *([0-9]+) $1.*/\1/p" <<<"$2")
    echo "${n:-0}"
}

# A doctest binary is one line: its cases, and why some were skipped.
run_doctest() {  # label, command...
    local label=$1; shift
    local log; log=$(mktemp)
    "$@" >"$log" 2>&1
    local status=$?
    local summary; summary=$(grep -E '^\[doctest\] test cases:' "$log" | tail -n 1)
    local ok bad skipped
    ok=$(field_of passed "$summary")
    bad=$(field_of failed "$summary")
    skipped=$(field_of skipped "$summary")
    local note=""
    if ((skipped > 0)); then
        note=" ($skipped skipped"
        [ -n "$skip_note_shown" ] || note+=": cases for other chapters' stages, which chapters(from, until) leaves out"
        note+=")"
        skip_note_shown=1
    fi
    if [ -z "$summary" ]; then
        fail "$label: no summary, so it crashed or hung (exit status $status)"
        sed 's/^/     /' "$log"
    elif ((bad > 0 || status != 0)); then
        passed=$((passed + ok))
        fail "$label: $bad of $((ok + bad)) cases failed$note" "$((bad > 0 ? bad : 1))"
        sed 's/^/     /' "$log"
    else
        pass "$label: $ok cases$note" "$ok"
    fi
    rm -f "$log"
}

check() {  # label, command...: one check, passing when the command succeeds; its output is shown on failure
    local label=$1; shift
    local log; log=$(mktemp)
    if "$@" >"$log" 2>&1; then pass "$label"; else fail "$label"; sed 's/^/     /' "$log"; fi
    rm -f "$log"
}

# A test that must fail: it proves the test can tell (exercises on the stage
# as shipped, naive versions). Its log is shown only if it passes.
fails() {  # command...
    ! "$@"
}

blackbox() {  # chapter, server binary, doctest arguments...
    local chapter=$1 server=$2; shift 2
    PORTER_SERVER=$server PORTER_CHAPTER=$chapter "$BUILD/tests/blackbox-$chapter" "$@"
}

exercise_test() {  # binary, chapter, server
    PORTER_SERVER=$3 PORTER_CHAPTER=$2 "$1"
}

run_exercises() {  # chapter
    local n=$1 dir test
    for dir in exercises/"$n"-*/; do
        [ -d "$dir" ] || continue
        dir=${dir%/}
        for test in "$dir"/test-*.cpp; do
            local k; k=$(basename "$test" .cpp); k=${k#test-}
            local binary="$BUILD/$dir/test-$k"
            check "exercise $n-$k: its test fails on stage $n as shipped" \
                fails exercise_test "$binary" "$n" "$BUILD/ch$n/server"
            check "exercise $n-$k: its test passes on stage $n with solution-$k.diff applied" \
                exercise_test "$binary" "$n" "$BUILD/$dir/solution-$k/server"
        done
    done
}

# tests/naive/NN-name.diff says, in "Fails:" lines at its top, which
# black-box tests the attack it shows gets past: each must fail on the naive
# version, or the test could not tell the attack from a defence.
run_naive() {  # chapter
    local n=$1 diff test
    for diff in tests/naive/"$n"-*.diff; do
        [ -f "$diff" ] || continue
        local name; name=$(basename "$diff" .diff)
        local tests; tests=$(sed -n 's/^Fails: //p' "$diff")
        if [ -z "$tests" ]; then fail "naive $name: $diff has no 'Fails: TEST CASE' line"; continue; fi
        while IFS= read -r test; do
            check "naive $name: the attack gets past it, so \"$test\" fails on it" \
                fails blackbox "$n" "$BUILD/naive/$name/server" --test-case="$test"
        done <<< "$tests"
    done
}

# From chapter 05 on, a stage keeps its core apart (core/, io/): the core
# makes no system calls and reads no clock (tests/layers/check.sh).
layers() {  # directory
    check "$1/core: standard and core headers only, no clock: the core makes no system calls" \
        bash tests/layers/check.sh "$1"
}

run_stage() {  # chapter
    local n=$1
    ((10#$n >= 5)) && layers "$(ls -d chapters/"$n"-*)"
    [ -x "$BUILD/ch$n/unit" ] && run_doctest "ch$n unit tests" "$BUILD/ch$n/unit"
    run_doctest "ch$n black-box tests" blackbox "$n" "$BUILD/ch$n/server"
    run_exercises "$n"
    run_naive "$n"
}

# Installs into PREFIX and builds tests/install/tiny.cpp with nothing but
# what pkg-config says, and -std=c++20, which porter.pc leaves to the
# program (a -std from it would downgrade a C++23 one); the program serves
# one request to itself.
install_and_build() {  # prefix
    local prefix=$1
    $MAKE --no-print-directory -s install PREFIX="$prefix" CXX="$CXX" SANITIZE="${SANITIZE:-}" >/dev/null &&
        ! PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags porter | grep -e -std= &&
        $CXX -std=c++20 tests/install/tiny.cpp $LDFLAGS \
            $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs porter) \
            -o "$prefix/tiny" && [ "$("$prefix/tiny")" = ok ]
}

# The same program as a CMake project (tests/install/CMakeLists.txt) that
# finds the install with find_package(Porter) and sets no flags of its own.
cmake_build() {  # prefix
    local prefix=$1 build=$1/cmake-build
    cmake -S tests/install -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$(command -v "$CXX")" \
        -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" >/dev/null &&
        cmake --build "$build" >/dev/null && [ "$("$build/tiny")" = ok ]
}

# A program compiled as C++17 is told, in porter.hpp's one line, what it needs.
refuses_cxx17() {  # prefix
    local out
    out=$($CXX -std=c++17 -fsyntax-only -I"$1/include" -x c++ - <<<'#include <porter/porter.hpp>' 2>&1)
    [ $? -ne 0 ] && grep -q 'Porter needs C++20 or later' <<<"$out"
}

# What including the copy installed in PREFIX costs (tests/install/header-cost.sh):
# one check, whose line is the measurement.
header_cost() {  # prefix
    local log; log=$(mktemp)
    if bash tests/install/header-cost.sh "$CXX" \
           $(PKG_CONFIG_PATH="$1/lib/pkgconfig" pkg-config --cflags porter) >"$log" 2>&1; then
        pass "$(tail -n 1 "$log")"
    else
        fail "the cost of including porter.hpp"
        sed 's/^/     /' "$log"
    fi
    rm -f "$log"
}

# One install, for both checks of the installed copy.
run_install() {
    local prefix; prefix=$(mktemp -d)
    check "make install, then a program built with pkg-config against the installed copy" install_and_build "$prefix"
    check "the installed CMake package: find_package(Porter), Porter::porter, C++20 from its compile feature" \
        cmake_build "$prefix"
    check "the installed porter.hpp refuses C++17 in one line that says what it needs" refuses_cxx17 "$prefix"
    header_cost "$prefix"
    rm -rf "$prefix"
}

# make coverage leaves out the install check (run_src without-install): it
# checks the packaging, and would build a copy of the library of its own.
run_src() {  # [without-install]
    layers src
    run_doctest "src unit tests" "$BUILD/src/unit"
    run_doctest "src library tests" "$BUILD/src/library-tests"
    [ "${1:-}" = without-install ] || run_install
    PORTER_EXAMPLES="$BUILD/examples" PORTER_WORKERS="$BUILD/examples/workers" \
        run_doctest "integration tests: the examples, and workers behind nginx" "$BUILD/tests/integration-tests"
    run_doctest "black-box tests through the demo (src/, chapter $FINAL)" blackbox "$FINAL" "$BUILD/examples/demo"
}

# The transcripts record what the plain build does; under strace, a sanitized
# build also shows the sanitizers' own system calls, so the book is checked
# against the plain build only.
run_book() {
    if [ "${SANITIZE:-}" = 1 ]; then
        echo "skip book.md: its transcripts are of the plain build (make test, without SANITIZE=1)"
    else
        check "book.md: every block and transcript matches the stages, every changed line is shown" \
            env PORTER_BUILD="$BUILD" "$BUILD/tools/book" --check book.md
    fi
    run_doctest "the book tool" env PORTER_BOOK_TOOL="$BUILD/tools/book" "$BUILD/tests/tool-tests"
}

mode=${1:-all}
case $mode in
all)
    run_book
    for n in $STAGES; do run_stage "$n"; done
    run_src
    ;;
stage) run_stage "$2" ;;
src) run_src ;;
coverage) run_src without-install ;;
server)
    [ -x "$3" ] || { echo "make test: no executable at SERVER=$3" >&2; exit 2; }
    run_doctest "ch$2 black-box tests ($3)" blackbox "$2" "$3"
    ;;
*) echo "usage: tests/run.sh all | stage NN | src | server NN PATH | coverage" >&2; exit 2 ;;
esac

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
((failed == 0))
