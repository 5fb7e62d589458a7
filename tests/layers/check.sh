#!/usr/bin/env bash
# The core makes no system calls and reads no clock: a check over its includes.
#
#   tests/layers/check.sh DIR     DIR is src/, or a stage from chapter 05 on
#
# Every file of DIR/core/ may include standard C++ headers and other files of
# DIR/core/, nothing else: no POSIX or Linux header (<unistd.h>, <sys/...>,
# <fcntl.h>, <netinet/...>: anything with a '/' or a '.h'), none of the
# standard headers that reach the outside world (files, streams, threads,
# the environment, signals), and no header of the I/O layer. No core file
# reads a clock: the I/O layer passes the time in (connection.hpp's Clock).
# The compiler enforces the I/O-header half too (core files are compiled with
# -I DIR/core alone); this check says which rule a file broke, in one line.
set -u
dir=${1:?usage: tests/layers/check.sh DIR}
core=$dir/core
[ -d "$core" ] || { echo "layers: $core: no such directory" >&2; exit 2; }

# Standard headers with a way out of the process, or to its environment.
outward='cstdio|cstdlib|csignal|ctime|fstream|iostream|istream|ostream|filesystem|thread|future|mutex|condition_variable|random|syncstream|stop_token'
failures=0
fail() { echo "layers: $1"; failures=$((failures + 1)); }

for file in "$core"/*.hpp "$core"/*.cpp; do
    [ -e "$file" ] || continue
    while IFS= read -r line; do
        number=${line%%:*}
        text=${line#*:}
        if [[ $text =~ \#[[:space:]]*include[[:space:]]*\<([^>]*)\> ]]; then
            header=${BASH_REMATCH[1]}
            if [[ $header == */* || $header == *.h ]]; then
                fail "$file:$number: <$header> is a system header: the core makes no system calls"
            elif [[ $header =~ ^($outward)$ ]]; then
                fail "$file:$number: <$header> reaches outside the process: the core may not"
            fi
        elif [[ $text =~ \#[[:space:]]*include[[:space:]]*\"([^\"]*)\" ]]; then
            header=${BASH_REMATCH[1]}
            [ -e "$core/$header" ] || fail "$file:$number: \"$header\" is not a core header (not in $core/)"
        fi
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$file")
    # A clock read: std::chrono's clocks, or C's and POSIX's. Comments aside.
    while IFS= read -r line; do
        fail "$file:${line%%:*}: reads a clock: the core takes the time as an argument"
    done < <(sed 's://.*$::' "$file" | grep -nE '(_clock|clock)::now[[:space:]]*\(|\b(clock_gettime|gettimeofday|time|clock)[[:space:]]*\(' | grep -vE '^[0-9]+:[[:space:]]*$')
done

if ((failures > 0)); then
    echo "layers: $dir/core: $failures broken rule(s)"
    exit 1
fi
echo "layers: $dir/core: $(ls "$core" | wc -l) files, standard and core headers only, no clock"
