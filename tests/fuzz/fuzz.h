/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_FUZZ_H
#define ISMS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * libFuzzer's entry points.  Each tests/fuzz/fuzz_<parser>.c defines the
 * first, and the second when it needs set-up once per process; with
 * -Dfuzzers=true libFuzzer calls them, otherwise fuzz_main.c replays the
 * committed corpus through them.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* A finding: what did not hold, where; abort() so that libFuzzer keeps the input. */
#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* A NUL-terminated copy of an input (malloc'd; NULL when out of memory). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/*
 * A new directory for a harness's files, "BASE/isms-fuzz-NAME.XXXXXX" into
 * @buf: BASE is $TMPDIR, else /dev/shm (a store's fsyncs cost nothing
 * there: more inputs a second), else /tmp.  Aborts when none can be made.
 */
void fuzz_scratch_dir(char *buf, size_t len, const char *name);

#endif
