/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: a writer that holds a store open in WAL mode while readers
 * come and go, as pam_isms and audisp-isms do.
 *
 *   store_writer isms|dpms STORE pending|churn READY STOP
 *
 * pending: appends 50 evidence rows with automatic checkpoints off (so they
 *   stay in the -wal), then opens a transaction with one more row that is
 *   never committed; creates READY, waits for STOP, rolls back.
 * churn: creates READY, then appends evidence rows one transaction each and
 *   checkpoints every 20, until STOP exists; prints how many it appended.
 * Either way it gives up after 120 s, so a broken test cannot leave it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dpms.h"
#include "isms/evidence.h"

static int append(struct isms_store *s, long n)
{
	char details[64];
	struct isms_evidence ev = {
		.source = "store-writer",
		.kind = "test.write",
		.subject = "writer",
		.outcome = "success",
		.details = details,
	};

	snprintf(details, sizeof(details), "{\"n\":%ld}", n);
	return isms_evidence_append(s, &ev, NULL);
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int stopped(const char *stop, time_t start)
{
	return access(stop, F_OK) == 0 || time(NULL) - start > 120;
}

int main(int argc, char **argv)
{
	const struct isms_schema *schema;
	struct isms_store *s = NULL;
	time_t start = time(NULL);
	char *err = NULL;
	long n = 0;
	int r;

	if (argc != 6 || (strcmp(argv[1], "isms") != 0 && strcmp(argv[1], "dpms") != 0)) {
		fprintf(stderr, "usage: store_writer isms|dpms STORE pending|churn READY STOP\n");
		return 2;
	}
	schema = strcmp(argv[1], "dpms") == 0 ? &dpms_schema : &isms_schema_main;
	r = isms_store_open_schema(argv[2], schema, 0, 5000, &s, &err);
	if (r < 0) {
		fprintf(stderr, "store_writer: %s\n", err ? err : strerror(-r));
		free(err);
		return 1;
	}
	if (strcmp(argv[3], "pending") == 0) {
		r = isms_store_autocheckpoint(s, 0);
		for (; r >= 0 && n < 50; n++)
			r = append(s, n);
		if (r >= 0)
			r = isms_store_begin(s);
		if (r >= 0)
			r = append(s, n);
		if (r >= 0)
			r = touch(argv[4]);
		while (r >= 0 && !stopped(argv[5], start))
			usleep(10000);
		isms_store_rollback(s);
	} else {
		r = touch(argv[4]);
		while (r >= 0 && !stopped(argv[5], start)) {
			r = append(s, n++);
			if (r >= 0 && n % 20 == 0)
				r = isms_store_checkpoint(s);
		}
		printf("%ld\n", n);
	}
	if (r < 0)
		fprintf(stderr, "store_writer: %s\n", isms_store_errmsg(s));
	isms_store_free(s);
	return r < 0 ? 1 : 0;
}
