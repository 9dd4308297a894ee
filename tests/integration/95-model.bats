#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The model-based test (tests/model/model.py): random applies, adds, dels,
# holders, `ip` changes from outside and killed runs, each checked against
# the model of what the kernel must hold. The seed is printed; TUNOWN_SEED=N
# repeats a run, TUNOWN_MODEL_STEPS=N sets its length (make soak: many).
# A failing run's seed and divergences are appended to build/model-failures.txt.

load ../lib/common

setup() {
	in_sandbox || skip "runs through tests/lib/runtest (make check)"
	command -v python3 >/dev/null || skip "python3 is not installed (make deps)"
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
}

@test "model: random steps keep the kernel equal to the model" {
	# make soak's long runs keep no log: the seed repeats any of them.
	local log=
	[ "${TUNOWN_MODEL_KEEP_GOING:-}" = 1 ] || log=$BATS_TEST_TMPDIR/model.log
	TUNOWN_MODEL_STEPS=${TUNOWN_MODEL_STEPS:-250} TUNOWN_MODEL_LOG=$log \
		run python3 "$TESTS_ROOT/model/model.py"
	# The seed and the figure go to the TAP stream whatever the outcome.
	grep -E '^(model:|DIVERGENCE)' <<<"$output" | sed 's/^/# /' >&3
	echo "$output" | tail -n 80
	# prove hides the TAP stream's comments: a failing seed is kept in build/.
	[ "$status" -eq 0 ] || {
		grep -E '^(model:|DIVERGENCE)' <<<"$output" >>"$SRC_ROOT/build/model-failures.txt"
		false
	}
}
