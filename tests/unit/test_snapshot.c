/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts snapshot: for a register with awkward contents (a login that is
 * also another person's name, dates with times, unreadable dates, failed
 * reviews, old acknowledgements), every lookup answers what isms_facts_load()
 * answers on the same store, for many users, dates and policies.  And a
 * damaged, truncated, foreign or stale file is refused, never misread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "isms/facts.h"
#include "isms/policy.h"
#include "isms/snapshot.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

static uint32_t rnd_state = 12345;
static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

#define NPERSON 60
static const char *const untils[] = {"2025-12-31", "2026-01-15", "2026-02-01",
				     "2026-01-15T10:00", "never", "2026-3-1"};
static const char *const dones[] = {"2025-11-01", "2026-01-10 13:45:00", "2026-01-15T23:00:00Z",
				    "garbage", "2026-03-01", "2025-06-30T00:00:00.500Z",
				    "2026-01-01"};
static const char *const results[] = {"NULL", "'ok'", "'failed'", "'findings'"};

/* A register with every kind of row the facts read, straight in SQL. */
static void fill(const char *db)
{
	char sql[1024];

	for (int i = 0; i < 5; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO asset(name, type, confidentiality, integrity, availability,"
			 " locked_down) VALUES ('a%d', 'host', 'high', 'high', 'high', %d)",
			 i, i % 3);
		assert_int_equal(tu_sql(db, sql), 0);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO document(name, title, version) VALUES ('d%d', 'D', '%d')", i,
			 i + 1);
		assert_int_equal(tu_sql(db, sql), 0);
	}
	for (int i = 0; i < NPERSON; i++) {
		char login[32] = "NULL", until[32] = "NULL";

		if (i % 3 == 0)
			snprintf(login, sizeof(login), "'l%02d'", i);
		if (i % 4)
			snprintf(until, sizeof(until), "'%s'", untils[rnd(6)]);
		/* l03 is u03's login and, with no login, another person's name. */
		snprintf(sql, sizeof(sql),
			 "INSERT INTO person(name, role, login, active_until)"
			 " VALUES ('%s%02d', 'user', %s, %s)",
			 i % 7 == 1 ? "l" : "u", i % 7 == 1 ? i + 2 : i, i % 7 == 1 ? "NULL" : login,
			 until);
		assert_int_equal(tu_sql(db, sql), 0);
	}
	for (int i = 0; i < 150; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT OR IGNORE INTO acknowledgement(id, person, document, version, at)"
			 " VALUES ('A-%d', %u, %u, '%u', '2026-01-01')",
			 i, rnd(NPERSON) + 1, rnd(4) + 1, rnd(4) + 1);
		assert_int_equal(tu_sql(db, sql), 0);
	}
	for (int i = 0; i < 200; i++) {
		uint32_t d = rnd(8);

		snprintf(sql, sizeof(sql),
			 "INSERT INTO review(id, kind, subject, asset, person, due, done, result)"
			 " VALUES ('V-%d', '%s', 's', %u, %u, '2026-01-01', %s%s%s, %s)",
			 i, rnd(5) ? "access" : "risk", rnd(5) + 1, rnd(NPERSON) + 1,
			 d < 7 ? "'" : "", d < 7 ? dones[d] : "NULL", d < 7 ? "'" : "",
			 results[rnd(4)]);
		assert_int_equal(tu_sql(db, sql), 0);
	}
}

static void same(const struct isms_facts *a, const struct isms_facts *b, const char *user,
		 time_t t, int pi)
{
	if (a->store_ok != b->store_ok || a->person_known != b->person_known ||
	    a->person_active != b->person_active || a->asset_locked != b->asset_locked ||
	    a->last_review_days != b->last_review_days || a->nacks != b->nacks)
		fail_msg("user '%s' at %lld policy %d: store %d/%d/%d/%d/%lld, snapshot"
			 " %d/%d/%d/%d/%lld",
			 user, (long long)t, pi, a->store_ok, a->person_known, a->person_active,
			 a->asset_locked, (long long)a->last_review_days, b->store_ok,
			 b->person_known, b->person_active, b->asset_locked,
			 (long long)b->last_review_days);
	for (size_t i = 0; i < a->nacks; i++)
		if (a->acks[i].acknowledged != b->acks[i].acknowledged ||
		    a->acks[i].document != b->acks[i].document)
			fail_msg("user '%s' at %lld: ack %zu differs", user, (long long)t, i);
}

static void t_same_as_store(void **state)
{
	struct tu_fixture *fx = *state;
	static const char *const pols[] = {
		"{'version':1,'asset':'a0','rules':[{'id':'r','users':'*','allow':true,"
		"'require':{'acknowledged':['d0','d1'],'reviewed_within_days':90,'active':true}}]}",
		"{'version':1,'asset':'a1','rules':[{'id':'r','users':'*','allow':true,"
		"'require':{'acknowledged':['d2','d3','d9'],'reviewed_within_days':10}}]}",
		"{'version':1,'asset':'a9','rules':[{'id':'r','users':'*','allow':true,"
		"'require':{'active':true}}]}",
		"{'version':1,'asset':'a2','rules':[{'id':'r','users':'*','allow':true,"
		"'require':{'reviewed_within_days':400}}]}",
	};
	char *snap = tu_path(fx->dir, "store.db.facts");
	struct isms_snapshot *sn = NULL;
	char err[256] = "", user[16];
	size_t compared = 0;

	fill(fx->path);
	assert_int_equal(isms_snapshot_write(fx->s, snap, NULL), 0);
	assert_int_equal(isms_snapshot_read(snap, geteuid(), &sn, err, sizeof(err)), 0);
	for (size_t pi = 0; pi < sizeof(pols) / sizeof(pols[0]); pi++) {
		struct isms_policy *p = tu_policy(pols[pi]);

		for (time_t t = tu_utc(2025, 11, 1, 0, 0); t < tu_utc(2026, 4, 1, 0, 0); t += 31 * 3600) {
			for (int u = -3; u < NPERSON + 5; u++) {
				struct isms_ack_fact a1[8], a2[8];
				struct isms_facts f1, f2;

				if (u == -3)
					snprintf(user, sizeof(user), "nobody");
				else if (u == -2)
					snprintf(user, sizeof(user), "U01");
				else if (u == -1)
					snprintf(user, sizeof(user), "u0");
				else
					snprintf(user, sizeof(user), "%s%02d", u % 2 ? "l" : "u", u);
				assert_int_equal(isms_facts_load(fx->s, p, user, t, &f1, a1, 8), 0);
				assert_int_equal(isms_snapshot_facts(sn, p, user, t, &f2, a2, 8), 0);
				same(&f1, &f2, user, t, (int)pi);
				compared++;
			}
		}
		isms_policy_free(p);
	}
	assert_true(compared > 20000);
	isms_snapshot_free(sn);
	free(snap);
}

/* The bytes of a small real snapshot. */
static unsigned char *sample(struct tu_fixture *fx, size_t *ret_len)
{
	char *snap = tu_path(fx->dir, "s.facts");
	unsigned char *buf;
	FILE *f;
	long n;

	fill(fx->path);
	assert_int_equal(isms_snapshot_write(fx->s, snap, NULL), 0);
	f = fopen(snap, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(snap);
	*ret_len = (size_t)n;
	return buf;
}

static void t_damage_refused(void **state)
{
	struct isms_snapshot *sn = NULL;
	size_t len;
	unsigned char *buf = sample(*state, &len);

	assert_int_equal(isms_snapshot_parse(buf, len, &sn, NULL, 0), 0);
	sn = isms_snapshot_free(sn);
	/* Every truncation, every flipped bit in every byte. */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(isms_snapshot_parse(buf, n, &sn, NULL, 0), -EBADMSG);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			int r;

			buf[i] ^= (unsigned char)(1u << bit);
			r = isms_snapshot_parse(buf, len, &sn, NULL, 0);
			if (r != -EBADMSG && r != -EPROTO)
				fail_msg("byte %zu bit %d: %d", i, bit, r);
			buf[i] ^= (unsigned char)(1u << bit);
		}
	}
	/* Another version is named as such. */
	buf[8] = 2;
	assert_int_equal(isms_snapshot_parse(buf, len, &sn, NULL, 0), -EPROTO);
	free(buf);
}

static void t_fresh_generation_trust(void **state)
{
	struct tu_fixture *fx = *state;
	char *snap = tu_path(fx->dir, "g.facts");
	struct isms_snapshot_info i1, i2, in;
	struct isms_snapshot *sn = NULL;
	char err[256];

	assert_int_equal(isms_snapshot_write(fx->s, snap, &i1), 0);
	assert_int_equal(isms_snapshot_write(fx->s, snap, &i2), 0);
	assert_true(i2.generation == i1.generation + 1);
	assert_memory_equal(i1.store_id, i2.store_id, 16);
	assert_int_equal(isms_snapshot_read(snap, geteuid(), &sn, err, sizeof(err)), 0);
	isms_snapshot_info(sn, &in);
	assert_true(in.generation == i2.generation);
	assert_int_equal(isms_snapshot_fresh(sn, (time_t)in.created + 10, 60), 0);
	assert_int_equal(isms_snapshot_fresh(sn, (time_t)in.created + 61, 60), -ESTALE);
	/* From the future (a clock set back): not fresh either. */
	assert_int_equal(isms_snapshot_fresh(sn, (time_t)in.created - 3600, 86400), -ESTALE);
	sn = isms_snapshot_free(sn);
	/* Writable by others: refused, as a policy file would be. */
	assert_int_equal(chmod(snap, 0666), 0);
	assert_int_equal(isms_snapshot_read(snap, geteuid(), &sn, err, sizeof(err)), -EPERM);
	assert_int_equal(unlink(snap), 0);
	assert_int_equal(isms_snapshot_read(snap, geteuid(), &sn, err, sizeof(err)), -ENOENT);
	free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_same_as_store),
		STORE_TEST(t_damage_refused),
		STORE_TEST(t_fresh_generation_trust),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
