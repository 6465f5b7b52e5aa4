#!/bin/sh
# runtests.sh BUILDDIR: run the ATF suite with Kyua, print its report and
# end with one line "N passed, N failed[, N skipped]".  Exit status is
# non-zero if any test case failed or was broken.
set -u
build=$1
results="$(pwd)/$build/kyua-results.db"
rm -f "$results"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd "$build/tests" && kyua --logfile="$(pwd)/../kyua.log" \
    -v parallelism=2 test --results-file="$results" >/dev/null)
kyua report --results-file="$results" --verbose \
    --results-filter=broken,failed > "$build/kyua-failures.txt" 2>&1
# (Not tee /dev/stderr: when stderr is a file, tee reopens it truncated.)
report=$(kyua report --results-file="$results" 2>&1 || true)
printf '%s\n' "$report" >&2
summary=$(printf '%s\n' "$report" | grep '^Test cases:' || true)
# "Test cases: 47 total, 2 skipped, 0 expected failures, 0 broken, 0 failed"
total=$(echo "$summary" | sed -n 's/.* \([0-9]*\) total.*/\1/p')
skipped=$(echo "$summary" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
xfail=$(echo "$summary" | sed -n 's/.* \([0-9]*\) expected failures.*/\1/p')
broken=$(echo "$summary" | sed -n 's/.* \([0-9]*\) broken.*/\1/p')
failed=$(echo "$summary" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
: "${total:=0}" "${skipped:=0}" "${xfail:=0}" "${broken:=0}" "${failed:=0}"
bad=$((broken + failed))
passed=$((total - skipped - xfail - bad))
if [ "$bad" -ne 0 ]; then
	cat "$build/kyua-failures.txt"
fi
if [ "$total" -eq 0 ]; then
	echo "runtests.sh: no test cases ran" >&2
	bad=1
fi
echo "$passed passed, $bad failed, $skipped skipped"
[ "$bad" -eq 0 ]
