#!/bin/sh
# Run the whole test suite: install what is missing (contrib/setup.sh),
# build, run the unit and end-to-end tests, then the same again under
# AddressSanitizer and UndefinedBehaviorSanitizer, and the static checks.
# The last line is the sum over all suites: "N passed, N failed[, N skipped]".
#
# Usage: contrib/test.sh [--no-sanitizers]
# Builds go to build/ and build-asan/ in the source tree (out of tree).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)

sanitizers=yes
for arg in "$@"; do
	case "$arg" in
	--no-sanitizers) sanitizers=no ;;
	*) echo "usage: contrib/test.sh [--no-sanitizers]" >&2; exit 2 ;;
	esac
done

passed=0
failed=0
skipped=0

# Add the counts of an automake test-suite summary (from test-suite.log).
count_suite() {
	log=$1
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		return
	fi
	eval "$(awk '
		/^# PASS: /  { p = $3 }
		/^# SKIP: /  { s = $3 }
		/^# XFAIL: / { p += $3 }
		/^# FAIL: /  { f += $3 }
		/^# XPASS: / { f += $3 }
		/^# ERROR: / { f += $3 }
		END { printf "sp=%d; sf=%d; ss=%d\n", p, f, s }' "$log")"
	passed=$((passed + sp))
	failed=$((failed + sf))
	skipped=$((skipped + ss))
}

# One named check that passes or fails as a whole.
check() {
	name=$1
	shift
	if "$@"; then
		echo "PASS: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		failed=$((failed + 1))
	fi
}

summary() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
}

if ! sh contrib/setup.sh --quiet; then
	failed=$((failed + 1))
	summary
	exit 1
fi

# build DIR CONFIGURE-ARGS...: configure and build; make check runs later.
build() {
	sh contrib/build.sh "$@"
}

# run_suite DIR LABEL [TARGET]: make TARGET (default check) in DIR.
run_suite() {
	dir=$1
	label=$2
	target=${3:-check}
	echo "== $label: unit and end-to-end tests"
	(cd "$dir" && make -j"$jobs" "$target" >check.out 2>&1)
	grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' "$dir/check.out" |
	    grep -vE '^PASS:' || true
	count_suite "$dir/test-suite.log"
	if grep -qE '^(FAIL|ERROR|XPASS):' "$dir/check.out"; then
		echo "== $label: failures (from $dir/test-suite.log):"
		sed -n '/^FAIL:\|^ERROR:\|^not ok/p' "$dir/test-suite.log" | head -40
		for f in "$dir"/tests/*/*.log; do
			grep -qE '^(not ok|Bail out)' "$f" 2>/dev/null &&
			    { echo "--- $f"; tail -40 "$f"; }
		done
	fi
}

echo "== build (-Werror)"
if build build --enable-debug --enable-werror; then
	run_suite build "build"
else
	failed=$((failed + 1))
fi

if [ "$sanitizers" = yes ]; then
	echo "== build with ASan+UBSan"
	if build build-asan --enable-debug --enable-werror --enable-sanitizers; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$top/tests/lsan.supp E2E_TIMEOUT_SCALE=3 \
		    run_suite build-asan "sanitizers" check-skua
	else
		failed=$((failed + 1))
	fi
fi

echo "== static checks"
check "layers: includes point down the layers" sh tools/check-layers.sh
check "headers compile on their own" sh tools/check-headers.sh build
if command -v clang-format >/dev/null 2>&1; then
	check "clang-format" sh -c \
	    'git ls-files "*.c" "*.h" | xargs clang-format --dry-run -Werror'
else
	echo "SKIP: clang-format (not installed)"
	skipped=$((skipped + 1))
fi

summary
[ "$failed" -eq 0 ]
