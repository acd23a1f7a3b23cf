/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replays each file given (or each file in each directory given) through a
 * harness's LLVMFuzzerTestOneInput, as an ordinary test, so that every build
 * runs the committed corpus and the inputs of past findings without clang
 * (systemd's fuzz-main.c).  One TAP line per input; a crash is the harness's
 * abort, which the test reports.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define INPUT_MAX (4u << 20)

static int ntests;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = -1;

	if (!f) {
		printf("not ok %d - %s: %s\n", ++ntests, path, strerror(errno));
		return -1;
	}
	buf = malloc(INPUT_MAX);
	if (buf) {
		len = fread(buf, 1, INPUT_MAX, f);
		if (!ferror(f)) {
			/* A copy of exactly @len bytes, so that ASan sees any read past it. */
			uint8_t *in = malloc(len ? len : 1);

			if (in) {
				memcpy(in, buf, len);
				LLVMFuzzerTestOneInput(in, len);
				free(in);
				r = 0;
			}
		}
	}
	fclose(f);
	free(buf);
	printf("%s %d - %s\n", r == 0 ? "ok" : "not ok", ++ntests, path);
	fflush(stdout);
	return r;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!d) {
		printf("not ok %d - %s: %s\n", ++ntests, dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char *path;

		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*nn));

			if (!nn)
				abort();
			names = nn;
		}
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			abort();
		names[n++] = path;
	}
	closedir(d);
	/* The same order on every machine. */
	qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		if (run_file(names[i]) < 0)
			r = -1;
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	int r = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]) < 0)
				r = 1;
		} else if (run_file(argv[i]) < 0) {
			r = 1;
		}
	}
	printf("1..%d\n", ntests);
	return r;
}
