/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evidence archive reader (lib/archive_file.c, lib/archive_verify.c)
 * through its public entry points, as `ismsctl verify --archive` runs them
 * on a file anybody may have handed over: isms_archive_check() on one file,
 * isms_archive_verify_set() on two.  An archive accepted must describe
 * itself consistently (rows = last - first + 1, the row asked for found
 * with its hash, the last row's hash its last hash); a set accepted must
 * count the rows of both.
 *
 * Input: byte 0 bit 0 set: the rest is the file as it is (the gzip layer
 * fuzzed too); clear: the rest is the archive's text, gzip-compressed by
 * the harness (so the fuzzer explores the format, not zlib).  Bit 1 set:
 * bytes 1-2 (little-endian) split the rest into two archives for
 * isms_archive_verify_set().  Bits 2-7: the row whose hash is asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fuzz.h"
#include "isms/archive.h"

#define FUZZ_MAX (1u << 20)

static char dir[256];
static char path_a[300], path_b[300];

static void cleanup(void)
{
	unlink(path_a);
	unlink(path_b);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_scratch_dir(dir, sizeof(dir), "archive");
	snprintf(path_a, sizeof(path_a), "%s/a.gz", dir);
	snprintf(path_b, sizeof(path_b), "%s/b.gz", dir);
	atexit(cleanup);
	return 0;
}

static void put(const char *path, const uint8_t *p, size_t n, bool raw)
{
	if (raw) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		CHECK(fd >= 0);
		CHECK(n == 0 || write(fd, p, n) == (ssize_t)n);
		close(fd);
	} else {
		gzFile gz = gzopen(path, "wb1");

		CHECK(gz != NULL);
		CHECK(n == 0 || gzwrite(gz, p, (unsigned)n) == (int)n);
		CHECK(gzclose(gz) == Z_OK);
	}
}

static void check_one(const char *path, int64_t want_row)
{
	struct isms_archive_info in;
	char hash[ISMS_HASH_HEX] = "", reason[256];
	int r = isms_archive_check(path, &in, want_row, hash, reason, sizeof(reason));

	CHECK(r == 0 || r == -EBADMSG || r == -ENOMEM);
	CHECK(strlen(reason) < sizeof(reason));
	if (r == -EBADMSG)
		CHECK(reason[0] != '\0');
	if (r != 0)
		return;
	CHECK(in.format == ISMS_ARCHIVE_FORMAT);
	CHECK(in.first >= 1 && in.last >= in.first && in.rows == in.last - in.first + 1);
	CHECK(strlen(in.store) < sizeof(in.store) && strlen(in.created) < sizeof(in.created));
	CHECK(strlen(in.prev) == ISMS_HASH_HEX - 1 && strlen(in.last_hash) == ISMS_HASH_HEX - 1);
	if (want_row >= in.first && want_row <= in.last)
		CHECK(strlen(hash) == ISMS_HASH_HEX - 1);
	else
		CHECK(hash[0] == '\0');
	if (want_row == in.last)
		CHECK(strcmp(hash, in.last_hash) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool raw, two;
	int64_t want;

	if (!path_a[0] && LLVMFuzzerInitialize(NULL, NULL) != 0)
		return 0;
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	raw = data[0] & 1;
	two = data[0] & 2;
	want = 1 + (data[0] >> 2);
	data++;
	size--;
	if (two) {
		const char *const paths[2] = {path_a, path_b};
		struct isms_archive_set set;
		struct isms_archive_info ia, ib;
		char reason[256], why[256];
		size_t cut;
		int r;

		if (size < 2)
			return 0;
		cut = (size_t)data[0] | (size_t)data[1] << 8;
		data += 2;
		size -= 2;
		if (cut > size)
			cut = size;
		put(path_a, data, cut, raw);
		put(path_b, data + cut, size - cut, raw);
		r = isms_archive_verify_set(NULL, paths, 2, &set, reason, sizeof(reason));
		CHECK(r == 0 || r == -EBADMSG || r == -ENOMEM);
		if (r == -EBADMSG)
			CHECK(reason[0] != '\0' && strlen(reason) < sizeof(reason));
		if (r == 0) {
			CHECK(isms_archive_check(path_a, &ia, 0, NULL, why, sizeof(why)) == 0);
			CHECK(isms_archive_check(path_b, &ib, 0, NULL, why, sizeof(why)) == 0);
			CHECK(set.rows == ia.rows + ib.rows);
			CHECK(set.first >= 1 && set.last == set.first + set.rows - 1);
		}
		return 0;
	}
	put(path_a, data, size, raw);
	check_one(path_a, want);
	return 0;
}
