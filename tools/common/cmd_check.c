/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 'check': every page of the store read and checked, for people, scripts and the timer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

#define CHECK_MAX_PROBLEMS 100

struct check_ctx {
	struct json_object *problems; /* --json */
	bool tty;
	struct timespec start, last;
	long long mib;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int on_problem(const char *msg, void *userdata)
{
	struct check_ctx *x = userdata;

	if (x->problems)
		return json_object_array_add(x->problems, json_object_new_string(msg)) == 0 ?
			       0 : -ENOMEM;
	/* cli_fail() keeps control characters from the terminal. */
	cli_fail(-ENOTRECOVERABLE, "problem: %s", msg);
	return 0;
}

/* On a terminal, how long it has been running, at most twice a second. */
static int on_progress(void *userdata)
{
	struct check_ctx *x = userdata;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&x->last, &now) < 0.5)
		return 0;
	x->last = now;
	fprintf(stderr, "\r%s: checking %lld MiB: %.0f s", cli_prog, x->mib,
		since(&x->start, &now));
	return 0;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	struct check_ctx x = {0};
	struct timespec end;
	struct stat st;
	bool full = false;
	unsigned n = 0;
	int r, code;

	if (argc >= 2 && cli_is_help(argv[1])) {
		printf("Usage: %s check [--full]\n\n"
		       "Read every page of the store and check it (SQLite's quick_check; with\n"
		       "--full its integrity_check, which also compares every index with its\n"
		       "table).  Other commands never read the whole file, so damage that they\n"
		       "do not touch is found here, by 'verify', and by isms-check.timer.\n"
		       "Exit 0 when the store is sound, 7 when it is corrupt (each problem on\n"
		       "stderr, or in --json as {\"ok\": false, \"problems\": [...]}).\n",
		       cli_prog);
		return EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--full") == 0)
			full = true;
		else
			return cli_usage("check", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	if (c->fmt == OUT_JSON) {
		x.problems = json_object_new_array();
		if (!x.problems)
			return cli_fail(-ENOMEM, "out of memory");
	}
	x.tty = c->fmt != OUT_JSON && isatty(STDERR_FILENO);
	x.mib = stat(c->store_path, &st) == 0 ? (long long)(st.st_size >> 20) : 0;
	clock_gettime(CLOCK_MONOTONIC, &x.start);
	x.last = x.start;
	r = isms_store_check_full(c->store, full, CHECK_MAX_PROBLEMS, on_problem,
				  x.tty ? on_progress : NULL, &x, &n);
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (x.tty && since(&x.start, &end) >= 0.5)
		fputs("\r\033[K", stderr);
	if (x.problems && (r == 0 || r == -ENOTRECOVERABLE)) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "store", json_object_new_string(c->store_path));
		json_object_object_add(o, "check",
				       json_object_new_string(full ? "integrity" : "quick"));
		json_object_object_add(o, "ok", json_object_new_boolean(r == 0));
		json_object_object_add(o, "problems", x.problems);
		json_object_object_add(o, "seconds", json_object_new_double(since(&x.start, &end)));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
									 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		x.problems = NULL;
	}
	json_object_put(x.problems);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt != OUT_JSON && !c->quiet)
		printf("store '%s' is sound (%s check, %.1f s)\n", c->store_path,
		       full ? "integrity" : "quick", since(&x.start, &end));
	return EXIT_OK;
}
