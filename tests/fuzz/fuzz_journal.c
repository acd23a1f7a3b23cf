/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decision journal as the drain reads it (lib/journal_drain.c through
 * its public entry point isms_journal_drain()): whatever a login left in
 * the journal file and its loss counter, the drain must move it into a
 * chain that still verifies, count every record as stored or duplicate,
 * leave no journal behind, and find nothing new when run again.
 *
 * Input: byte 0 bit 0 set: the next 64 bytes are the loss counter
 * ("JOURNAL.lost"); the rest is the journal file.  Each input drains into a
 * fresh copy of one empty store, so that a finding replays alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "isms/evidence.h"
#include "isms/journal.h"
#include "isms/store.h"

#define FUZZ_MAX  (256u << 10)
#define LOSS_SIZE 64

static char dir[256];
static char db[300], journal[300];
static unsigned char *tmpl;
static size_t tmpl_len;

static void put_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	CHECK(fd >= 0);
	CHECK(n == 0 || write(fd, p, n) == (ssize_t)n);
	close(fd);
}

static void rm_store(void)
{
	char p[400];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

static void cleanup(void)
{
	char p[400];

	rm_store();
	unlink(journal);
	snprintf(p, sizeof(p), "%s.lost", journal);
	unlink(p);
	snprintf(p, sizeof(p), "%s.drain", journal);
	unlink(p);
	snprintf(p, sizeof(p), "%s.draining", journal);
	unlink(p);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct isms_store *s = NULL;
	struct stat st;
	FILE *f;

	(void)argc;
	(void)argv;
	fuzz_scratch_dir(dir, sizeof(dir), "journal");
	snprintf(db, sizeof(db), "%s/store.db", dir);
	snprintf(journal, sizeof(journal), "%s/journal", dir);
	atexit(cleanup);
	/* One empty store, checkpointed into its main file, copied for every input. */
	CHECK(isms_store_open(db, ISMS_STORE_CREATE, 1000, &s, NULL) == 0);
	isms_store_free(s);
	CHECK(isms_store_open(db, ISMS_STORE_READONLY, 1000, &s, NULL) == 0);
	isms_store_free(s);
	f = fopen(db, "rb");
	CHECK(f && fstat(fileno(f), &st) == 0);
	tmpl_len = (size_t)st.st_size;
	tmpl = malloc(tmpl_len);
	CHECK(tmpl && fread(tmpl, 1, tmpl_len, f) == tmpl_len);
	fclose(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_journal_drained d = {0}, again = {0};
	struct isms_verify_result vr;
	struct isms_store *s = NULL;
	char p[400];
	int r;

	if (!tmpl && LLVMFuzzerInitialize(NULL, NULL) != 0)
		return 0;
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	snprintf(p, sizeof(p), "%s.lost", journal);
	unlink(p);
	if (data[0] & 1) {
		if (size < 1 + LOSS_SIZE)
			return 0;
		put_file(p, data + 1, LOSS_SIZE);
		data += 1 + LOSS_SIZE;
		size -= 1 + LOSS_SIZE;
	} else {
		data++;
		size--;
	}
	put_file(journal, data, size);
	rm_store();
	put_file(db, tmpl, tmpl_len);
	CHECK(isms_store_open(db, 0, 1000, &s, NULL) == 0);

	r = isms_journal_drain(s, journal, &d);
	if (r < 0)
		fprintf(stderr, "drain: %s\n", strerror(-r));
	CHECK(r == 0);
	/* Every record (refused or not), damaged stretch and loss is a row or a duplicate of one. */
	CHECK(d.stored + d.duplicates == d.records + d.refused + d.malformed + (d.lost ? 1 : 0));
	CHECK(d.records + d.refused <= size / 52);          /* a record is at least 52 bytes */
	CHECK(d.malformed <= d.records + d.refused + 2);    /* between records, the counter */
	CHECK(access(journal, F_OK) < 0 && errno == ENOENT);
	snprintf(p, sizeof(p), "%s.draining", journal);
	CHECK(access(p, F_OK) < 0 && errno == ENOENT);
	/* What one drain took, a second finds done: nothing is counted twice. */
	CHECK(isms_journal_drain(s, journal, &again) == 0);
	CHECK(again.records == 0 && again.stored == 0 && again.lost == 0);
	CHECK(isms_evidence_verify(s, &vr) == 0);
	isms_store_free(s);
	return 0;
}
