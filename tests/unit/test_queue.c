/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader-to-parser byte queue: order kept through memory and the overflow
 * file, the file removed once read back, a reader and a parser on two
 * threads, and loss only when the disk refuses too, and then counted.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "queue.h"
#include "testutil.h"

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Pop everything there is now (short timeouts) into @out; returns its length. */
static size_t drain(struct bqueue *q, char *out, size_t cap, size_t popcap)
{
	size_t len = 0;
	char *buf = malloc(popcap);
	ssize_t n;

	assert_non_null(buf);
	while ((n = bqueue_pop(q, buf, popcap, 10)) > 0) {
		assert_true(len + (size_t)n <= cap);
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
	}
	free(buf);
	return len;
}

static void test_memory_only(void **state)
{
	struct bqueue q;
	char out[64];
	size_t n;

	(void)state;
	assert_int_equal(bqueue_init(&q, 1024, NULL), 0);
	assert_int_equal(bqueue_push(&q, "hello ", 6), 0);
	assert_int_equal(bqueue_push(&q, "world", 5), 0);
	assert_int_equal(bqueue_pending(&q), 11);
	/* A pop smaller than a chunk takes its front and leaves the rest in order. */
	n = drain(&q, out, sizeof(out), 4);
	assert_int_equal(n, 11);
	assert_memory_equal(out, "hello world", 11);
	assert_int_equal(bqueue_pending(&q), 0);
	assert_int_equal(q.spilled_total, 0);
	/* Empty: a timeout is 0; closed and drained is -1. */
	assert_int_equal(bqueue_pop(&q, out, sizeof(out), 1), 0);
	bqueue_close(&q);
	assert_int_equal(bqueue_pop(&q, out, sizeof(out), 1000), -1);
	bqueue_release(&q);
}

static void test_spill_keeps_order(void **state)
{
	char *dir = tu_tmpdir(), *spill = tu_path(dir, "overflow");
	size_t total = 0, n;
	char *in = malloc(1 << 20), *out = malloc(1 << 20);
	struct bqueue q;

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	/* 256 bytes of memory: most of this goes through the file. */
	assert_int_equal(bqueue_init(&q, 256, spill), 0);
	for (int i = 0; i < 2000; i++) {
		char rec[64];
		int len = snprintf(rec, sizeof(rec), "record %06d %.*s\n", i, i % 37, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

		memcpy(in + total, rec, (size_t)len);
		total += (size_t)len;
		assert_int_equal(bqueue_push(&q, rec, (size_t)len), 0);
		if (i == 20)
			assert_true(exists(spill));
		/* Read a little now and then, never all: memory and file both hold some. */
		if (i % 100 == 99) {
			char buf[50];
			ssize_t got = bqueue_pop(&q, buf, sizeof(buf), 10);

			assert_true(got > 0);
			assert_memory_equal(buf, in, (size_t)got);
			memmove(in, in + got, total - (size_t)got);
			total -= (size_t)got;
		}
	}
	assert_true(q.spilled_total > 0);
	assert_int_equal(bqueue_pending(&q), total);
	n = drain(&q, out, 1 << 20, 777);
	assert_int_equal(n, total);
	assert_memory_equal(out, in, total);
	/* Caught up: the file is gone and memory is used again. */
	assert_false(exists(spill));
	assert_int_equal(q.spill_fd, -1);
	assert_int_equal(bqueue_push(&q, "after", 5), 0);
	assert_false(exists(spill));
	assert_int_equal(drain(&q, out, 1 << 20, 64), 5);
	assert_memory_equal(out, "after", 5);
	assert_int_equal(q.lost_bytes, 0);
	bqueue_release(&q);
	tu_rm_rf(dir);
	free(dir);
	free(spill);
	free(in);
	free(out);
}

static void test_spill_order_exact(void **state)
{
	char *dir = tu_tmpdir(), *spill = tu_path(dir, "overflow");
	struct bqueue q;
	char out[64];

	(void)state;
	/* What was in memory before the spill began comes out first. */
	assert_int_equal(bqueue_init(&q, 8, spill), 0);
	assert_int_equal(bqueue_push(&q, "AAAA", 4), 0);
	assert_int_equal(bqueue_push(&q, "BBBB", 4), 0);
	assert_int_equal(bqueue_push(&q, "CCCC", 4), 0); /* over 8: to the file */
	assert_int_equal(bqueue_push(&q, "D", 1), 0);    /* fits, but the file comes first */
	assert_true(exists(spill));
	assert_int_equal(bqueue_pending(&q), 13);
	assert_int_equal(drain(&q, out, sizeof(out), 3), 13);
	assert_memory_equal(out, "AAAABBBBCCCCD", 13);
	assert_false(exists(spill));
	bqueue_release(&q);
	tu_rm_rf(dir);
	free(dir);
	free(spill);
}

struct producer {
	struct bqueue *q;
	int n;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	char batch[4096];
	size_t len = 0;
	unsigned seed = 7;

	for (int i = 0; i < p->n; i++) {
		len += (size_t)snprintf(batch + len, sizeof(batch) - len, "%08d\n", i);
		/* pushes of random sizes, cutting records anywhere */
		seed = seed * 1103515245u + 12345u;
		if (len > 200 + (seed >> 16) % 3000 || i == p->n - 1) {
			size_t cut = len > 1 ? 1 + (seed >> 8) % (len - 1) : len;

			assert_int_equal(bqueue_push(p->q, batch, cut), 0);
			memmove(batch, batch + cut, len - cut);
			len -= cut;
		}
		if (i % 5000 == 0)
			usleep(1000);
	}
	if (len)
		assert_int_equal(bqueue_push(p->q, batch, len), 0);
	bqueue_close(p->q);
	return NULL;
}

static void test_two_threads(void **state)
{
	char *dir = tu_tmpdir(), *spill = tu_path(dir, "overflow");
	struct bqueue q;
	struct producer p = {.q = &q, .n = 200000};
	pthread_t t;
	char buf[333], rec[16];
	size_t have = 0;
	int next = 0;
	ssize_t n;

	(void)state;
	assert_int_equal(bqueue_init(&q, 4096, spill), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
	/* A slow parser at first (the store stalls), so the reader spills. */
	usleep(50 * 1000);
	while ((n = bqueue_pop(&q, buf, sizeof(buf), 100)) != -1) {
		for (ssize_t i = 0; i < n; i++) {
			rec[have++] = buf[i];
			if (buf[i] == '\n') {
				char want[16];

				snprintf(want, sizeof(want), "%08d\n", next);
				if (have != 9 || memcmp(rec, want, 9) != 0)
					fail_msg("record %d out of order: '%.*s'", next, (int)have, rec);
				next++;
				have = 0;
			}
			assert_true(have < sizeof(rec));
		}
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(next, p.n);
	assert_int_equal(have, 0);
	assert_true(q.spilled_total > 0);
	assert_int_equal(q.lost_bytes, 0);
	assert_false(exists(spill));
	bqueue_release(&q);
	tu_rm_rf(dir);
	free(dir);
	free(spill);
}

static void test_loss_is_counted(void **state)
{
	char *dir = tu_tmpdir(), *spill = tu_path(dir, "no-such-dir/overflow");
	struct bqueue q;
	char out[64];

	(void)state;
	/* No file to spill to: what does not fit is lost, and counted. */
	assert_int_equal(bqueue_init(&q, 8, NULL), 0);
	assert_int_equal(bqueue_push(&q, "12345678", 8), 0);
	assert_int_equal(bqueue_push(&q, "9", 1), -ENOSPC);
	assert_int_equal(q.lost_bytes, 1);
	assert_int_equal(drain(&q, out, sizeof(out), 64), 8);
	bqueue_release(&q);

	/* A file that cannot be made: the same, with the reason kept. */
	assert_int_equal(bqueue_init(&q, 8, spill), 0);
	assert_int_equal(bqueue_push(&q, "12345678", 8), 0);
	assert_int_equal(bqueue_push(&q, "abc", 3), -ENOENT);
	assert_int_equal(q.spill_errno, ENOENT);
	assert_int_equal(q.lost_bytes, 3);
	/* Once there is room again, memory takes more. */
	assert_int_equal(drain(&q, out, sizeof(out), 64), 8);
	assert_int_equal(bqueue_push(&q, "xyz", 3), 0);
	assert_int_equal(drain(&q, out, sizeof(out), 64), 3);
	assert_memory_equal(out, "xyz", 3);
	bqueue_release(&q);
	tu_rm_rf(dir);
	free(dir);
	free(spill);
}

static void test_release_removes_spill(void **state)
{
	char *dir = tu_tmpdir(), *spill = tu_path(dir, "overflow");
	struct bqueue q;

	(void)state;
	/* Shut down while spilling (the data was counted as pending). */
	assert_int_equal(bqueue_init(&q, 4, spill), 0);
	assert_int_equal(bqueue_push(&q, "123456", 6), 0);
	assert_true(exists(spill));
	bqueue_release(&q);
	assert_false(exists(spill));
	tu_rm_rf(dir);
	free(dir);
	free(spill);
}

/* The overflow file has a cap: what goes past it is lost, counted in bytes and records. */
static void test_spill_cap(void **state)
{
	char *dir = tu_tmpdir(), *spill = tu_path(dir, "overflow");
	struct bqueue q;
	char out[128];
	size_t n;

	(void)state;
	assert_int_equal(bqueue_init(&q, 8, spill), 0);
	bqueue_set_spill_cap(&q, 16);
	assert_int_equal(bqueue_push(&q, "1234567\n", 8), 0);     /* memory */
	assert_int_equal(bqueue_push(&q, "ab\ncd\n", 6), 0);      /* file: 6 */
	assert_int_equal(bqueue_push(&q, "e\nf\ng\nh\nij", 10), 0); /* file: 16, the cap */
	assert_int_equal(bqueue_push(&q, "k\nl\n", 4), -ENOSPC); /* past it */
	assert_int_equal(bqueue_push(&q, "m", 1), -ENOSPC);
	assert_int_equal(q.lost_bytes, 5);
	assert_int_equal(q.lost_records, 2);
	assert_int_equal(q.lost_chunks, 2);
	assert_int_equal(q.cap_hits, 2);
	assert_int_equal(q.spilled_total, 16);
	/* What was kept comes out whole and in order. */
	n = drain(&q, out, sizeof(out), 64);
	assert_int_equal(n, 24);
	assert_memory_equal(out, "1234567\nab\ncd\ne\nf\ng\nh\nij", 24);
	assert_false(exists(spill));
	/* Caught up: the file starts again empty, with the whole cap. */
	assert_int_equal(bqueue_push(&q, "12345678", 8), 0);
	assert_int_equal(bqueue_push(&q, "0123456789abcdef", 16), 0);
	assert_int_equal(q.lost_bytes, 5);
	assert_int_equal(drain(&q, out, sizeof(out), 64), 24);
	bqueue_release(&q);

	/* Cap 0: no overflow file at all, memory only. */
	assert_int_equal(bqueue_init(&q, 8, spill), 0);
	bqueue_set_spill_cap(&q, 0);
	assert_int_equal(bqueue_push(&q, "12345678", 8), 0);
	assert_int_equal(bqueue_push(&q, "x\n", 2), -ENOSPC);
	assert_int_equal(q.lost_records, 1);
	assert_false(exists(spill));
	bqueue_release(&q);
	tu_rm_rf(dir);
	free(dir);
	free(spill);
}

/* After a loss the next data pushed starts with the cut mark, in memory and in the file. */
static void test_cut_mark_after_loss(void **state)
{
	char *dir = tu_tmpdir(), *spill = tu_path(dir, "overflow");
	struct bqueue q;
	char out[128];

	(void)state;
	assert_int_equal(bqueue_init(&q, 8, spill), 0);
	bqueue_set_spill_cap(&q, 8);
	bqueue_set_cut_mark(&q, "#\n", 2);
	assert_int_equal(bqueue_push(&q, "a\nb\nc\nde", 8), 0);   /* memory */
	assert_int_equal(bqueue_push(&q, "f\ngh", 4), 0);           /* file: 4 */
	assert_int_equal(bqueue_push(&q, "i\nj\nk\nl\n", 8), -ENOSPC); /* lost */
	/* The mark and this must fit together: 4 + 2 + 3 > 8, lost too. */
	assert_int_equal(bqueue_push(&q, "m\nn", 3), -ENOSPC);
	assert_int_equal(bqueue_push(&q, "o", 1), 0);                /* 4 + 2 + 1 */
	assert_int_equal(q.lost_records, 5);
	assert_int_equal(drain(&q, out, sizeof(out), 64), 15);
	assert_memory_equal(out, "a\nb\nc\ndef\ngh#\no", 15);
	/* Once marked, no more marks; memory gets one after a loss too. */
	assert_int_equal(bqueue_push(&q, "p", 1), 0);
	assert_int_equal(drain(&q, out, sizeof(out), 64), 1);
	bqueue_set_spill_cap(&q, 0);
	assert_int_equal(bqueue_push(&q, "12345678", 8), 0);
	assert_int_equal(bqueue_push(&q, "x", 1), -ENOSPC);
	assert_int_equal(drain(&q, out, sizeof(out), 64), 8);
	assert_int_equal(bqueue_push(&q, "y", 1), 0);
	assert_int_equal(drain(&q, out, sizeof(out), 64), 3);
	assert_memory_equal(out, "#\ny", 3);
	bqueue_release(&q);
	tu_rm_rf(dir);
	free(dir);
	free(spill);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_only),
		cmocka_unit_test(test_spill_keeps_order),
		cmocka_unit_test(test_spill_order_exact),
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_loss_is_counted),
		cmocka_unit_test(test_release_removes_spill),
		cmocka_unit_test(test_spill_cap),
		cmocka_unit_test(test_cut_mark_after_loss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
