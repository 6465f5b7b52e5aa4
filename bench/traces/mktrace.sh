#!/bin/sh
# mktrace.sh OUT.trace.gz [FIRST COUNT] -- COMMAND...: record COMMAND's
# memory references with valgrind's lackey tool and reduce them to a
# b_replace trace: one page number per line (4 KiB pages, instruction
# fetches, loads, stores and modifies alike), consecutive references to
# the same page folded into one, pages renumbered densely in order of
# first use, references FIRST..FIRST+COUNT-1 kept, gzip'd.
set -eu
out=$1; shift
first=1; count=0
if [ "$1" != "--" ]; then first=$1; count=$2; shift 2; fi
[ "$1" = "--" ] && shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
valgrind --tool=lackey --trace-mem=yes --log-file="$log" "$@" >/dev/null 2>&1
awk '/^( [LSM]|I) / {
	split($2, a, ","); p = substr(a[1], 1, length(a[1]) - 3)
	if (p != last) { print p; last = p }
}' "$log" |
awk -v first="$first" -v count="$count" '
	NR < first { next }
	count > 0 && NR >= first + count { exit }
	{ if (!($1 in id)) id[$1] = n++; print id[$1] }' |
gzip -9 > "$out"
