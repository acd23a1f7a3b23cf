/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libdpms: the Art. 12(3) and Art. 33(1) deadlines in C and in the store's
 * computed SQL fields (which must agree to the day), the WP248 screening,
 * the access judge and the review over real evidence rows with groups from
 * NSS (nss_wrapper's, see tests/data/nss), the Art. 30 export in its three formats, the auditd rules, and the
 * retention check on a real tree with old files, a subdirectory and a
 * symlink pointing out of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "dpms.h"
#include "isms/catalogue.h"
#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/strutil.h"
#include "testutil.h"
#include "isms/tz.h"

#define ZONEINFO "/usr/share/zoneinfo"
#define DAY 86400

/* --- helpers: a DPMS store per test ----------------------------------------------- */

struct dfx {
	struct isms_store *s;
	char *dir;
	char *path;
};

static int dsetup(void **state)
{
	struct dfx *fx = calloc(1, sizeof(*fx));
	char *err = NULL;
	int r;

	assert_non_null(fx);
	fx->dir = tu_tmpdir();
	fx->path = tu_path(fx->dir, "dpms.db");
	r = isms_store_open_schema(fx->path, &dpms_schema, ISMS_STORE_CREATE, 2000, &fx->s, &err);
	if (r < 0)
		fail_msg("cannot create DPMS store: %s", err ? err : strerror(-r));
	*state = fx;
	return 0;
}

static int dteardown(void **state)
{
	struct dfx *fx = *state;

	if (!fx)
		return 0;
	isms_store_free(fx->s);
	tu_rm_rf(fx->dir);
	free(fx->dir);
	free(fx->path);
	free(fx);
	return 0;
}

#define DPMS_TEST(t) cmocka_unit_test_setup_teardown(t, dsetup, dteardown)

static const struct isms_entity *de(const char *name)
{
	const struct isms_entity *e = isms_schema_entity(&dpms_schema, name);

	if (!e)
		fail_msg("no DPMS entity '%s'", name);
	return e;
}

static char *dadd_(struct isms_store *s, const char *entity, const struct isms_kv *kv, size_t n,
		   const char *file, int line)
{
	char *key = NULL;
	int r = isms_record_add(s, de(entity), kv, n, &key);

	if (r < 0) {
		print_error("cannot add %s: %s (%s)\n", entity, isms_store_errmsg(s), strerror(-r));
		_fail(file, line);
	}
	return key;
}
/* Add a record and return its (malloc'd) key; fails the test on error. */
#define dadd(s, entity, ...) dadd_((s), (entity), TU_KV(__VA_ARGS__), __FILE__, __LINE__)
/* The same, dropping the key. */
#define dput(s, entity, ...) free(dadd(s, entity, __VA_ARGS__))

static void dset_(struct isms_store *s, const char *entity, const char *key,
		  const struct isms_kv *kv, size_t n, const char *file, int line)
{
	int r = isms_record_change(s, de(entity), key, kv, n);

	if (r < 0) {
		print_error("cannot change %s '%s': %s\n", entity, key, isms_store_errmsg(s));
		_fail(file, line);
	}
}
#define dset(s, entity, key, ...)                                                           \
	dset_((s), (entity), (key), TU_KV(__VA_ARGS__), __FILE__, __LINE__)

struct want {
	int idx;
	char *value;
};

static int want_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct want *w = ud;

	(void)e;
	w->value = v[w->idx] ? strdup(v[w->idx]) : NULL;
	return 0;
}

static char *dfield(struct isms_store *s, const char *entity, const char *key, const char *field)
{
	const struct isms_entity *e = de(entity);
	struct want w = {.idx = isms_entity_field_index(e, field)};
	int r;

	if (w.idx < 0)
		fail_msg("%s has no field '%s'", entity, field);
	r = isms_record_get(s, e, key, want_cb, &w);
	if (r < 0)
		fail_msg("cannot read %s '%s': %s", entity, key, isms_store_errmsg(s));
	return w.value;
}

#define assert_dfield(s, entity, key, field, want)                                          \
	do {                                                                                \
		char *got_ = dfield((s), (entity), (key), (field));                         \
		tu_assert_str(got_, (want), __FILE__, __LINE__);                            \
		free(got_);                                                                 \
	} while (0)

static int64_t dcount(struct isms_store *s, const char *entity)
{
	int64_t n = -1;

	if (isms_record_count(s, de(entity), &n) < 0)
		fail_msg("cannot count %s: %s", entity, isms_store_errmsg(s));
	return n;
}

static int64_t at(const char *iso)
{
	int64_t t = 0;

	if (isms_parse_datetime(iso, &t) < 0)
		fail_msg("bad time in the test: '%s'", iso);
	return t;
}

/* One access as audisp-isms records it. */
static int64_t access_ev_outcome(struct isms_store *s, const char *activity, const char *user,
				 const char *ts, const char *path, const char *outcome)
{
	char details[512];
	struct isms_evidence ev = {
		.ts = ts, .source = "audisp-isms", .kind = "personal-data.read",
		.asset = activity, .subject = user, .outcome = outcome, .details = details,
	};
	int64_t id = 0;
	int r;

	snprintf(details, sizeof(details), "{\"paths\":[\"%s\"],\"exe\":\"/usr/bin/cat\"}", path);
	r = isms_evidence_append(s, &ev, &id);
	if (r < 0)
		fail_msg("cannot append access: %s", isms_store_errmsg(s));
	return id;
}

static int64_t access_ev(struct isms_store *s, const char *activity, const char *user,
			 const char *ts, const char *path)
{
	return access_ev_outcome(s, activity, user, ts, path, "success");
}

/* Everything a FILE * received, for the export functions. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static void cap_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
}

static size_t count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void assert_lacks_(const char *hay, const char *needle, const char *file, int line)
{
	if (hay && strstr(hay, needle)) {
		print_error("'%s' contains '%s'\n", hay, needle);
		_fail(file, line);
	}
}
#define assert_lacks(hay, needle) assert_lacks_((hay), (needle), __FILE__, __LINE__)

/* --- Art. 12(3): dpms_deadline ---------------------------------------------------------- */

static void check_deadline(const char *received, int months, const char *want)
{
	char out[11] = "";
	int r = dpms_deadline(received, months, out);

	if (r != 0)
		fail_msg("dpms_deadline(%s, %d) = %d", received, months, r);
	if (strcmp(out, want) != 0)
		fail_msg("dpms_deadline(%s, %d) = %s, wanted %s", received, months, out, want);
}

static void t_deadline_month_ends(void **state)
{
	(void)state;
	/* Jan 31: the last day of February, 29 in leap years (2024, 2000), 28 otherwise. */
	check_deadline("2023-01-31", 1, "2023-02-28");
	check_deadline("2024-01-31", 1, "2024-02-29");
	check_deadline("2000-01-31", 1, "2000-02-29");
	check_deadline("2001-01-31", 1, "2001-02-28");
	check_deadline("1900-01-31", 1, "1900-02-28"); /* 1900: divisible by 100, not leap */
	check_deadline("2024-01-30", 1, "2024-02-29");
	check_deadline("2024-01-29", 1, "2024-02-29");
	check_deadline("2024-01-28", 1, "2024-02-28");
	/* 2100 is not leap: Feb 28, a Sunday, so the Monday, Mar 1. */
	check_deadline("2100-01-31", 1, "2100-03-01");
	/* Mar 31 -> Apr 30. */
	check_deadline("2024-03-31", 1, "2024-04-30");
	check_deadline("2025-03-31", 1, "2025-04-30");
	check_deadline("2024-03-30", 1, "2024-04-30");
	/* Dec 31 -> Jan 31 of the next year. */
	check_deadline("2023-12-31", 1, "2024-01-31");
	check_deadline("2024-12-31", 1, "2025-01-31");
	check_deadline("2024-12-15", 1, "2025-01-15");
	/* Feb 29 -> Mar 29; a year on: Feb 28. */
	check_deadline("2024-02-29", 1, "2024-03-29");
	check_deadline("2024-02-29", 12, "2025-02-28");
	/* Zero months: the day itself (weekday shift only). */
	check_deadline("2024-01-15", 0, "2024-01-15");
}

static void t_deadline_extension(void **state)
{
	(void)state;
	/* Extended by two further months: three months from receipt. */
	check_deadline("2024-01-15", 3, "2024-04-15");
	check_deadline("2024-01-31", 3, "2024-04-30");
	check_deadline("2024-11-30", 3, "2025-02-28");
	check_deadline("2023-11-30", 3, "2024-02-29");
	check_deadline("2024-10-31", 3, "2025-01-31");
}

static void t_deadline_weekend(void **state)
{
	(void)state;
	/* 2024-06-01 is a Saturday, 2024-06-02 a Sunday: both to Monday 06-03. */
	check_deadline("2024-05-01", 1, "2024-06-03");
	check_deadline("2024-05-02", 1, "2024-06-03");
	check_deadline("2024-05-03", 1, "2024-06-03"); /* a Monday stays */
	/* Month end and weekend together: 2026-01-31 is a Saturday, 2023-04-30 a Sunday. */
	check_deadline("2025-12-31", 1, "2026-02-02");
	check_deadline("2023-03-31", 1, "2023-05-01");
	/* 2100-02-28 + 1 month = Sunday 2100-03-28. */
	check_deadline("2100-02-28", 1, "2100-03-29");
}

static void t_deadline_bad_input(void **state)
{
	static const char *const bad[] = {
		"", "2024", "2024-02-30", "2023-02-29", "2100-02-29", "2024-13-01", "2024-00-10",
		"2024-01-00", "2024-1-01", "2024-01-1", "24-01-01", "2024/01/01", "2024-01-01 ",
		"2024-01-01T00:00Z", "abcd-ef-gh", " 2024-01-01", "2024-01-32",
	};
	char out[11] = "untouched";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dpms_deadline(bad[i], 1, out) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_string_equal(out, "untouched");
	}
	assert_int_equal(dpms_deadline("2024-01-15", -1, out), -EINVAL);
	assert_int_equal(dpms_deadline("2024-01-15", 1201, out), -EINVAL);
	/* Past year 9999: no date to write. */
	assert_int_equal(dpms_deadline("9999-12-15", 1, out), -ERANGE);
	assert_string_equal(out, "untouched");
}

/* --- the request record's computed fields: SQL and C must agree ---------------------- */

struct reqcheck {
	int ir, ie, id, io;
	char today[11];
	size_t n;
};

static int req_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct reqcheck *c = ud;
	const char *received = v[c->ir], *ext = v[c->ie], *sql = v[c->id], *over = v[c->io];
	bool extended = strcmp(ext, "yes") == 0;
	char want[11];

	(void)e;
	assert_int_equal(dpms_deadline(received, extended ? 3 : 1, want), 0);
	if (!sql || strcmp(sql, want) != 0)
		fail_msg("received %s, extended %s: SQL says %s, C says %s", received, ext,
			 sql ? sql : "(null)", want);
	/* Open and past the deadline (UTC date): overdue. */
	assert_string_equal(over, strcmp(c->today, want) > 0 ? "yes" : "no");
	c->n++;
	return 0;
}

static void t_request_deadline_sql_matches_c(void **state)
{
	struct dfx *fx = *state;
	const struct isms_entity *e = de("request");
	int64_t from = isms_days_from_civil(2023, 1, 1), to = isms_days_from_civil(2026, 1, 1);
	struct reqcheck c = {
		.ir = isms_entity_field_index(e, "received"),
		.ie = isms_entity_field_index(e, "extended"),
		.id = isms_entity_field_index(e, "deadline"),
		.io = isms_entity_field_index(e, "overdue"),
	};
	time_t now = time(NULL);
	struct tm tm;

	assert_int_equal(isms_store_begin(fx->s), 0);
	for (int64_t d = from; d < to; d++) {
		time_t t = (time_t)(d * DAY);
		char date[11];

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		dput(fx->s, "request", {"type", "access"}, {"data_subject", "DS"},
		     {"received", date}, {"extended", "no"});
		dput(fx->s, "request", {"type", "erasure"}, {"data_subject", "DS"},
		     {"received", date}, {"extended", "yes"}, {"extension_reason", "complex"});
	}
	assert_int_equal(isms_store_commit(fx->s), 0);
	gmtime_r(&now, &tm);
	strftime(c.today, sizeof(c.today), "%Y-%m-%d", &tm);
	assert_int_equal(isms_record_list(fx->s, e, NULL, 0, req_cb, &c), 0);
	assert_int_equal(c.n, (size_t)(2 * (to - from)));
	assert_int_equal(c.n, 2 * 1096);
}

static void t_request_overdue_and_late(void **state)
{
	struct dfx *fx = *state;

	dput(fx->s, "request", {"id", "OLD"}, {"type", "access"}, {"data_subject", "a"},
	     {"received", "2020-01-15"});
	dput(fx->s, "request", {"id", "DONE"}, {"type", "access"}, {"data_subject", "b"},
	     {"received", "2020-01-15"}, {"status", "done"}, {"closed", "2020-02-10"});
	dput(fx->s, "request", {"id", "LATE"}, {"type", "objection"}, {"data_subject", "c"},
	     {"received", "2020-01-15"}, {"status", "done"}, {"closed", "2020-02-18"});
	dput(fx->s, "request", {"id", "FUTURE"}, {"type", "portability"}, {"data_subject", "d"},
	     {"received", "2099-01-15"});
	assert_dfield(fx->s, "request", "OLD", "deadline", "2020-02-17"); /* 15th: a Saturday */
	assert_dfield(fx->s, "request", "OLD", "overdue", "yes");
	assert_dfield(fx->s, "request", "DONE", "overdue", "no");
	assert_dfield(fx->s, "request", "DONE", "late", "no");
	assert_dfield(fx->s, "request", "LATE", "late", "yes");
	assert_dfield(fx->s, "request", "FUTURE", "overdue", "no");
	/* The extension moves the deadline and ends the overdue. */
	dset(fx->s, "request", "OLD", {"extended", "yes"},
	     {"extension_reason", "number of requests"});
	assert_dfield(fx->s, "request", "OLD", "deadline", "2020-04-15");
	/* A bad receipt date never reaches the store. */
	assert_int_equal(isms_record_add(fx->s, de("request"),
					 TU_KV({"type", "access"}, {"data_subject", "x"},
					       {"received", "2024-02-30"}), NULL),
			 -EINVAL);
	assert_int_equal(isms_record_add(fx->s, de("request"),
					 TU_KV({"type", "complaint"}, {"data_subject", "x"},
					       {"received", "2024-02-01"}), NULL),
			 -EINVAL);
}

/* --- Art. 33(1): 72 hours ------------------------------------------------------------- */

static void t_breach_deadline_dst(void **state)
{
	struct isms_tz *tz = NULL;
	int64_t aware = at("2026-03-28T10:00+01:00"), due = dpms_breach_deadline(aware);
	char buf[32];

	(void)state;
	isms_date_format((time_t)due, buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-31T09:00:00Z");
	assert_int_equal(due - aware, 72 * 3600);
	/* Across the spring change in Berlin: 72 real hours end at 11:00 local, not 10:00. */
	if (access(ZONEINFO "/Europe/Berlin", R_OK) == 0) {
		assert_int_equal(isms_tz_load(NULL, "Europe/Berlin", &tz), 0);
		assert_int_equal(isms_tz_offset(tz, aware), 3600);
		assert_int_equal(isms_tz_offset(tz, due), 7200);
		tz = isms_tz_free(tz);
	}
	/* And the autumn change: aware 12:00 CEST, due 11:00 CET, still 72 hours. */
	due = dpms_breach_deadline(at("2026-10-24T12:00+02:00"));
	isms_date_format((time_t)due, buf, sizeof(buf));
	assert_string_equal(buf, "2026-10-27T10:00:00Z");
	/* Over a month end and a leap day. */
	isms_date_format((time_t)dpms_breach_deadline(at("2024-02-27T23:30Z")), buf, sizeof(buf));
	assert_string_equal(buf, "2024-03-01T23:30:00Z");
	isms_date_format((time_t)dpms_breach_deadline(at("2025-12-30T12:00Z")), buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-02T12:00:00Z");
}

static void t_breach_time_zones(void **state)
{
	static const char *const same[] = {
		"2026-03-28T10:00+01:00", "2026-03-28T04:00-05:00", "2026-03-28T09:00Z",
		"2026-03-28T09:00:00Z",   "2026-03-28T09:00:00.999Z", "2026-03-28T14:30+05:30",
		"2026-03-27T23:00-10:00",
	};
	static const char *const bad[] = {
		"2026-03-28T10:00", "2026-03-28", "2026-03-28T10:00+1", "2026-03-28T10:00+15:00",
		"2026-03-28T25:00Z", "2026-02-30T10:00Z", "2026-03-28T10:00 CET", "10:00Z",
	};
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(isms_parse_datetime(same[i], &t), 0);
		assert_int_equal(t, at("2026-03-28T09:00:00Z"));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (isms_parse_datetime(bad[i], &t) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

struct brcheck {
	int ia, in;
	size_t n;
};

static int br_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct brcheck *c = ud;
	char want[32];

	(void)e;
	isms_date_format((time_t)dpms_breach_deadline(at(v[c->ia])), want, sizeof(want));
	if (strcmp(v[c->in], want) != 0)
		fail_msg("aware %s: SQL notify_by %s, C %s", v[c->ia], v[c->in], want);
	c->n++;
	return 0;
}

static void t_breach_record(void **state)
{
	struct dfx *fx = *state;
	const struct isms_entity *e = de("breach");
	static const char *const zones[] = {"Z", "+01:00", "+02:00", "-05:00", "+05:45"};
	struct brcheck c = {isms_entity_field_index(e, "aware_at"),
			    isms_entity_field_index(e, "notify_by"), 0};
	int64_t t0 = at("2026-03-27T00:00Z");

	/* Entered with offsets: kept and computed in UTC. */
	dput(fx->s, "breach", {"id", "B1"}, {"title", "lost laptop"},
	     {"aware_at", "2026-03-28T10:00+01:00"});
	dput(fx->s, "breach", {"id", "B2"}, {"title", "mail to wrong list"},
	     {"aware_at", "2026-03-28T04:00-05:00"});
	assert_dfield(fx->s, "breach", "B1", "aware_at", "2026-03-28T09:00:00Z");
	assert_dfield(fx->s, "breach", "B2", "aware_at", "2026-03-28T09:00:00Z");
	assert_dfield(fx->s, "breach", "B1", "notify_by", "2026-03-31T09:00:00Z");
	assert_dfield(fx->s, "breach", "B2", "notify_by", "2026-03-31T09:00:00Z");
	/* Without a zone it means different instants on different hosts: refused. */
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"title", "x"}, {"aware_at", "2026-03-28T10:00"}),
					 NULL),
			 -EINVAL);
	/* The SQL 72 hours and the C ones, every 7 hours across both DST changes of 2026. */
	assert_int_equal(isms_store_begin(fx->s), 0);
	for (int i = 0; i < 250; i++) {
		int64_t t = t0 + (int64_t)i * 7 * 3600 + (i % 2 ? 182 * DAY : 0);
		char iso[40], base[32];
		const char *z = zones[i % 5];
		int off = strcmp(z, "Z") == 0 ? 0 : ((z[1] - '0') * 10 + (z[2] - '0')) * 3600 +
							 ((z[4] - '0') * 10 + (z[5] - '0')) * 60;
		time_t local;
		struct tm tm;

		off *= z[0] == '-' ? -1 : 1;
		local = (time_t)(t + off);
		gmtime_r(&local, &tm);
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(iso, sizeof(iso), "%s%s", base, z);
		assert_int_equal(at(iso), t);
		dput(fx->s, "breach", {"title", "generated"}, {"aware_at", iso});
	}
	assert_int_equal(isms_store_commit(fx->s), 0);
	assert_int_equal(isms_record_list(fx->s, e, NULL, 0, br_cb, &c), 0);
	assert_int_equal(c.n, 252);
}

static void review(struct isms_store *s, size_t want_new, size_t want_seen);

/*
 * GDPR Art. 33(2): a processor notifies the controller without undue delay;
 * the 72 hours to the supervisory authority (Art. 33(1)) and the duty to
 * inform the data subjects (Art. 34) are the controller's, not its.
 */
static void t_breach_processor(void **state)
{
	struct dfx *fx = *state;

	dput(fx->s, "activity", {"id", "PR-1"}, {"name", "Hosting"}, {"role", "processor"});
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"});
	dput(fx->s, "breach", {"id", "P"}, {"title", "a"}, {"activity", "PR-1"},
	     {"aware_at", "2020-01-01T00:00Z"}, {"risk", "unlikely"});
	dput(fx->s, "breach", {"id", "PH"}, {"title", "a"}, {"activity", "PR-1"},
	     {"aware_at", "2020-01-01T00:00Z"}, {"risk", "high_risk"});
	dput(fx->s, "breach", {"id", "C"}, {"title", "b"}, {"activity", "PA-1"},
	     {"aware_at", "2020-01-01T00:00Z"});
	assert_dfield(fx->s, "breach", "P", "notify", "controller");
	assert_dfield(fx->s, "breach", "C", "notify", "authority");
	assert_dfield(fx->s, "breach", "P", "notify_by", "2020-01-02T00:00:00Z");
	assert_dfield(fx->s, "breach", "C", "notify_by", "2020-01-04T00:00:00Z");
	/* The controller judges the risk: a processor tells it of every breach. */
	assert_dfield(fx->s, "breach", "P", "overdue", "yes");
	/* The authority's notice does not discharge the processor's duty. */
	dset(fx->s, "breach", "P", {"notified_at", "2020-01-01T10:00Z"});
	assert_dfield(fx->s, "breach", "P", "overdue", "yes");
	assert_dfield(fx->s, "breach", "PH", "inform_subjects", "no");
	dset(fx->s, "breach", "P", {"controller_notified_at", "2020-01-01T20:00Z"});
	assert_dfield(fx->s, "breach", "P", "overdue", "no");
	assert_dfield(fx->s, "breach", "P", "late_unexplained", "no");
	dset(fx->s, "breach", "PH", {"controller_notified_at", "2020-01-03T00:00Z"});
	assert_dfield(fx->s, "breach", "PH", "overdue", "no");
	assert_dfield(fx->s, "breach", "PH", "late_unexplained", "yes");
	dset(fx->s, "breach", "PH", {"delay_reason", "the controller's contact was unreachable"});
	assert_dfield(fx->s, "breach", "PH", "late_unexplained", "no");
	/* A controller's breach keeps the 72 hours, even with a controller notice field set. */
	dset(fx->s, "breach", "C", {"controller_notified_at", "2020-01-01T10:00Z"});
	assert_dfield(fx->s, "breach", "C", "overdue", "yes");
}

/*
 * GDPR Art. 33(1), 33(2), 34(1): a breach is notified, and its data subjects
 * informed, after it became known, never before aware_at.
 */
static void t_breach_notified_before_aware(void **state)
{
	struct dfx *fx = *state;
	const struct isms_entity *e = de("breach");
	static const char *const fields[] = {"notified_at", "controller_notified_at",
					     "subjects_informed_at"};

	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"id", "B0"}, {"title", "x"},
					       {"aware_at", "2026-03-28T10:00Z"},
					       {"notified_at", "2026-03-28T09:59:59Z"}),
					 NULL),
			 -EINVAL);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "before aware_at"));
	assert_int_equal(dcount(fx->s, "breach"), 0);
	dput(fx->s, "breach", {"id", "B1"}, {"title", "x"}, {"aware_at", "2026-03-28T10:00Z"});
	for (size_t i = 0; i < 3; i++) {
		/* In another zone, the same instant minus a second: refused. */
		assert_int_equal(isms_record_change(fx->s, e, "B1",
						    TU_KV({fields[i], "2026-03-28T11:59:59+02:00"})),
				 -EINVAL);
		assert_non_null(strstr(isms_store_errmsg(fx->s), fields[i]));
		assert_dfield(fx->s, "breach", "B1", fields[i], NULL);
		/* The very moment of awareness is not before it. */
		dset(fx->s, "breach", "B1", {fields[i], "2026-03-28T12:00+02:00"});
	}
	/* Moving awareness after a notice is the same mistake. */
	assert_int_equal(isms_record_change(fx->s, e, "B1", TU_KV({"aware_at", "2026-03-29T00:00Z"})),
			 -EINVAL);
	assert_dfield(fx->s, "breach", "B1", "aware_at", "2026-03-28T10:00:00Z");
}

/*
 * GDPR Art. 33(1): the 72 hours run from awareness; the organisation was
 * aware when its evidence showed the access, not when the DPO ran the
 * command.  The DPO's decision (who, when) is recorded beside it.
 */
static void t_breach_from_finding(void **state)
{
	struct dfx *fx = *state;
	char *bid = NULL;
	int64_t now = at("2026-04-02T08:00Z");

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"authorised_users", "alice"});
	access_ev(fx->s, "PA-1", "mallory", "2026-03-25T10:00:00.123Z", "/srv/p/a.csv");
	access_ev_outcome(fx->s, "PA-1", "eve", "2026-03-25T11:00:00.000Z", "/srv/p/a.csv",
			  "failure");
	access_ev(fx->s, "PA-1", "trudy", "2026-03-25T12:00:00.000Z", "/srv/p/a.csv");
	review(fx->s, 3, 3);
	assert_int_equal(dpms_breach_from_finding(fx->s, "F-1", NULL, "dpo-anna", now, &bid), 0);
	assert_string_equal(bid, "BR-1");
	free(bid);
	bid = NULL;
	assert_dfield(fx->s, "breach", "BR-1", "aware_at", "2026-03-25T10:00:00Z");
	assert_dfield(fx->s, "breach", "BR-1", "notify_by", "2026-03-28T10:00:00Z");
	assert_dfield(fx->s, "breach", "BR-1", "decided_by", "dpo-anna");
	assert_dfield(fx->s, "breach", "BR-1", "decided_at", "2026-04-02T08:00:00Z");
	assert_dfield(fx->s, "breach", "BR-1", "activity", "PA-1");
	assert_dfield(fx->s, "finding", "F-1", "status", "unjustified");
	assert_dfield(fx->s, "finding", "F-1", "breach", "BR-1");
	/* Once per finding. */
	assert_int_equal(dpms_breach_from_finding(fx->s, "F-1", NULL, "dpo-anna", now, &bid),
			 -EEXIST);
	/* Art. 4(12): the failed attempt is no breach; nothing written. */
	assert_int_equal(dpms_breach_from_finding(fx->s, "F-2", NULL, "dpo-anna", now, &bid),
			 -EINVAL);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "Art. 4(12)"));
	assert_dfield(fx->s, "finding", "F-2", "status", "open");
	assert_int_equal(dcount(fx->s, "breach"), 1);
	/* The DPO's own moment of awareness wins. */
	assert_int_equal(dpms_breach_from_finding(fx->s, "F-3", "2026-03-26T09:00+01:00", "dpo-anna",
						  now, &bid),
			 0);
	assert_dfield(fx->s, "breach", bid, "aware_at", "2026-03-26T08:00:00Z");
	free(bid);
	assert_int_equal(dpms_breach_from_finding(fx->s, "F-404", NULL, "x", now, &bid), -ENOENT);
}

static void t_breach_overdue(void **state)
{
	struct dfx *fx = *state;

	/* Long past the 72 hours, nobody notified, no reason: overdue. */
	dput(fx->s, "breach", {"id", "PAST"}, {"title", "a"}, {"aware_at", "2020-01-01T00:00Z"});
	dput(fx->s, "breach", {"id", "HIGH"}, {"title", "a"}, {"aware_at", "2020-01-01T00:00Z"},
	     {"risk", "high_risk"});
	dput(fx->s, "breach", {"id", "NOTIFIED"}, {"title", "b"},
	     {"aware_at", "2020-01-01T00:00Z"}, {"notified_at", "2020-01-02T10:00+01:00"});
	dput(fx->s, "breach", {"id", "REASON"}, {"title", "c"}, {"aware_at", "2020-01-01T00:00Z"},
	     {"not_notified_reason", "encrypted, key not compromised"});
	dput(fx->s, "breach", {"id", "UNLIKELY"}, {"title", "d"},
	     {"aware_at", "2020-01-01T00:00Z"}, {"risk", "unlikely"});
	dput(fx->s, "breach", {"id", "FUTURE"}, {"title", "e"}, {"aware_at", "2099-01-01T00:00Z"});
	assert_dfield(fx->s, "breach", "PAST", "overdue", "yes");
	assert_dfield(fx->s, "breach", "HIGH", "overdue", "yes");
	assert_dfield(fx->s, "breach", "NOTIFIED", "overdue", "no");
	assert_dfield(fx->s, "breach", "NOTIFIED", "late_unexplained", "no");
	assert_dfield(fx->s, "breach", "REASON", "overdue", "no");
	assert_dfield(fx->s, "breach", "UNLIKELY", "overdue", "no");
	assert_dfield(fx->s, "breach", "FUTURE", "overdue", "no");
	/* Notified after the 72 hours: late, until the reasons for the delay are given. */
	dset(fx->s, "breach", "PAST", {"notified_at", "2020-01-05T00:00Z"});
	assert_dfield(fx->s, "breach", "PAST", "overdue", "no");
	assert_dfield(fx->s, "breach", "PAST", "late_unexplained", "yes");
	dset(fx->s, "breach", "PAST", {"delay_reason", "forensics first"});
	assert_dfield(fx->s, "breach", "PAST", "late_unexplained", "no");
	/* Exactly at the deadline is in time. */
	dset(fx->s, "breach", "HIGH", {"notified_at", "2020-01-04T00:00:00Z"});
	assert_dfield(fx->s, "breach", "HIGH", "late_unexplained", "no");
	dset(fx->s, "breach", "HIGH", {"notified_at", "2020-01-04T00:00:01Z"});
	assert_dfield(fx->s, "breach", "HIGH", "late_unexplained", "yes");
}

/* --- WP248 ------------------------------------------------------------------------------ */

static void t_wp248_pure(void **state)
{
	bool c[DPMS_WP248_CRITERIA] = {false};

	(void)state;
	assert_false(dpms_dpia_likely(c));
	for (int i = 0; i < DPMS_WP248_CRITERIA; i++) {
		memset(c, 0, sizeof(c));
		c[i] = true;
		assert_false(dpms_dpia_likely(c));
		for (int k = i + 1; k < DPMS_WP248_CRITERIA; k++) {
			c[k] = true;
			assert_true(dpms_dpia_likely(c));
			c[k] = false;
		}
	}
	for (int i = 0; i < DPMS_WP248_CRITERIA; i++)
		c[i] = true;
	assert_true(dpms_dpia_likely(c));
	/* Every criterion is a field of the screening record, with a title. */
	for (int i = 0; i < DPMS_WP248_CRITERIA; i++) {
		const struct isms_field *f;

		f = isms_entity_field(de("screening"), dpms_wp248_names[i]);

		assert_non_null(f);
		assert_int_equal(f->type, ISMS_FT_BOOL);
		assert_non_null(dpms_wp248_titles[i]);
		assert_true(strlen(dpms_wp248_titles[i]) > 10);
	}
}

static void t_wp248_records(void **state)
{
	struct dfx *fx = *state;

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "CCTV"});
	dput(fx->s, "activity", {"id", "PA-2"}, {"name", "Newsletter"});
	/* No screening yet: not known. */
	assert_dfield(fx->s, "activity", "PA-1", "dpia_likely", NULL);
	dput(fx->s, "screening", {"id", "S-1"}, {"activity", "PA-1"});
	assert_dfield(fx->s, "screening", "S-1", "criteria_met", "0");
	assert_dfield(fx->s, "screening", "S-1", "dpia_likely", "no");
	assert_dfield(fx->s, "activity", "PA-1", "dpia_likely", "no");
	dset(fx->s, "screening", "S-1", {"systematic_monitoring", "yes"});
	assert_dfield(fx->s, "screening", "S-1", "criteria_met", "1");
	assert_dfield(fx->s, "screening", "S-1", "dpia_likely", "no");
	assert_dfield(fx->s, "activity", "PA-1", "dpia_likely", "no");
	dset(fx->s, "screening", "S-1", {"vulnerable_subjects", "yes"});
	assert_dfield(fx->s, "screening", "S-1", "criteria_met", "2");
	assert_dfield(fx->s, "screening", "S-1", "dpia_likely", "yes");
	assert_dfield(fx->s, "activity", "PA-1", "dpia_likely", "yes");
	dset(fx->s, "screening", "S-1", {"evaluation_scoring", "yes"},
	     {"automated_decisions", "yes"},
	     {"sensitive_data", "yes"}, {"large_scale", "yes"}, {"matching_datasets", "yes"},
	     {"innovative_technology", "yes"}, {"prevents_rights", "yes"});
	assert_dfield(fx->s, "screening", "S-1", "criteria_met", "9");
	/* The other activity is not affected; one screening per activity. */
	assert_dfield(fx->s, "activity", "PA-2", "dpia_likely", NULL);
	assert_int_equal(isms_record_add(fx->s, de("screening"), TU_KV({"activity", "PA-1"}), NULL),
			 -EEXIST);
	assert_int_equal(isms_record_add(fx->s, de("screening"), TU_KV({"activity", "PA-404"}),
					 NULL),
			 -ENOENT);
	/* The activity of a screening stays put. */
	assert_int_equal(isms_record_change(fx->s, de("screening"), "S-1",
					    TU_KV({"activity", "PA-2"})),
			 -EINVAL);
}

/* --- dpms_access_judge ------------------------------------------------------------------- */

static int judge(const char *users, const char *groups_list, const char *days, const char *hours,
		 const char *tz, const char *user, const char *const *groups, const char *when)
{
	struct dpms_access_rule rule = {users, groups_list, days, hours, tz};
	char err[256] = "";
	int r = dpms_access_judge(&rule, user, groups, at(when), NULL, err, sizeof(err));

	if (r == -EINVAL)
		assert_true(err[0] != '\0');
	return r;
}

static void t_judge_who(void **state)
{
	static const char *const ops[] = {"users", "ops", NULL};
	static const char *const none[] = {NULL};
	const char *w = "2026-03-25T10:00Z"; /* a Wednesday */

	(void)state;
	assert_int_equal(judge("alice,bob", NULL, NULL, NULL, NULL, "bob", none, w), DPMS_OK);
	assert_int_equal(judge(" alice , bob ", NULL, NULL, NULL, NULL, "alice", NULL, w), DPMS_OK);
	assert_int_equal(judge("alice", "ops", NULL, NULL, NULL, "carol", ops, w), DPMS_OK);
	assert_int_equal(judge("alice", "hr, ops", NULL, NULL, NULL, "carol", ops, w), DPMS_OK);
	assert_int_equal(judge("alice", "hr", NULL, NULL, NULL, "carol", ops, w),
			 DPMS_UNAUTHORISED);
	assert_int_equal(judge("alice", NULL, NULL, NULL, NULL, "mallory", none, w),
			 DPMS_UNAUTHORISED);
	/* Names are whole list entries, not prefixes or substrings. */
	assert_int_equal(judge("alice", NULL, NULL, NULL, NULL, "al", none, w), DPMS_UNAUTHORISED);
	assert_int_equal(judge("al", NULL, NULL, NULL, NULL, "alice", none, w), DPMS_UNAUTHORISED);
	assert_int_equal(judge("alice", "op", NULL, NULL, NULL, "carol", ops, w),
			 DPMS_UNAUTHORISED);
	/* Nobody listed: nobody authorised; no user: not authorised. */
	assert_int_equal(judge(NULL, NULL, NULL, NULL, NULL, "alice", ops, w), DPMS_UNAUTHORISED);
	assert_int_equal(judge("alice", "ops", NULL, NULL, NULL, NULL, none, w), DPMS_UNAUTHORISED);
	/* Unauthorised wins over out of hours. */
	assert_int_equal(judge("alice", NULL, "mon-fri", "09:00-17:00", NULL, "mallory", none,
			       "2026-03-28T23:00Z"),
			 DPMS_UNAUTHORISED);
}

static void t_judge_days_hours(void **state)
{
	(void)state;
#define J(days, hours, when) judge("alice", NULL, days, hours, NULL, "alice", NULL, when)
	/* 2026-03-25 is a Wednesday, 03-28 a Saturday, 03-29 a Sunday. */
	assert_int_equal(J("mon-fri", "09:00-17:00", "2026-03-25T10:00Z"), DPMS_OK);
	assert_int_equal(J("mon-fri", "09:00-17:00", "2026-03-25T09:00Z"), DPMS_OK);
	assert_int_equal(J("mon-fri", "09:00-17:00", "2026-03-25T16:59:59Z"), DPMS_OK);
	assert_int_equal(J("mon-fri", "09:00-17:00", "2026-03-25T17:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J("mon-fri", "09:00-17:00", "2026-03-25T08:59Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J("mon-fri", "09:00-17:00", "2026-03-28T10:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J("mon-fri", "09:00-17:00", "2026-03-29T10:00Z"), DPMS_OUTSIDE_HOURS);
	/* Days only, hours only, lists and ranges over the week's end. */
	assert_int_equal(J("mon-fri", NULL, "2026-03-25T03:00Z"), DPMS_OK);
	assert_int_equal(J("mon-fri", NULL, "2026-03-28T10:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J(NULL, "09:00-17:00", "2026-03-28T10:00Z"), DPMS_OK);
	assert_int_equal(J("sat,sun", NULL, "2026-03-28T10:00Z"), DPMS_OK);
	assert_int_equal(J("Mon,WED", NULL, "2026-03-25T10:00Z"), DPMS_OK);
	assert_int_equal(J("fri-mon", NULL, "2026-03-29T10:00Z"), DPMS_OK);
	assert_int_equal(J("fri-mon", NULL, "2026-03-25T10:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J(NULL, "18:00-24:00", "2026-03-25T23:59Z"), DPMS_OK);
	assert_int_equal(J(NULL, "18:00-24:00", "2026-03-25T17:59Z"), DPMS_OUTSIDE_HOURS);
	/* An empty field is no restriction, as an absent one. */
	assert_int_equal(J("", "", "2026-03-28T03:00Z"), DPMS_OK);
	assert_int_equal(judge("alice", NULL, "mon-fri", "09:00-17:00", "", "alice", NULL,
			       "2026-03-25T10:00Z"),
			 DPMS_OK);
}

static void t_judge_midnight(void **state)
{
	(void)state;
	/* A night shift 22:00-06:00, Monday to Friday nights. */
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-27T23:00Z"), DPMS_OK); /* Fri 23:00 */
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-28T02:00Z"), DPMS_OK); /* Fri night */
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-28T06:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-28T23:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-30T02:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-30T12:00Z"), DPMS_OUTSIDE_HOURS);
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-30T22:00Z"), DPMS_OK);
	assert_int_equal(J("mon-fri", "22:00-06:00", "2026-03-31T05:59Z"), DPMS_OK);
	assert_int_equal(J(NULL, "22:00-06:00", "2026-03-29T03:00Z"), DPMS_OK);
#undef J
}

static void t_judge_berlin_dst(void **state)
{
	(void)state;
	if (access(ZONEINFO "/Europe/Berlin", R_OK) != 0) {
		print_message("# Europe/Berlin not installed\n");
		skip();
	}
#define B(when) judge("alice", NULL, "mon-fri", "09:00-17:00", "Europe/Berlin", "alice", NULL, when)
	/* Friday 27 March, CET (UTC+1): the window is 08:00-16:00 UTC. */
	assert_int_equal(B("2026-03-27T07:30Z"), DPMS_OUTSIDE_HOURS); /* 08:30 local */
	assert_int_equal(B("2026-03-27T08:30Z"), DPMS_OK);
	assert_int_equal(B("2026-03-27T15:30Z"), DPMS_OK);            /* 16:30 local */
	/* Monday 30 March, CEST (UTC+2): the window is 07:00-15:00 UTC. */
	assert_int_equal(B("2026-03-30T07:30Z"), DPMS_OK);            /* 09:30 local */
	assert_int_equal(B("2026-03-30T15:30Z"), DPMS_OUTSIDE_HOURS); /* 17:30 local */
	assert_int_equal(B("2026-03-30T06:30Z"), DPMS_OUTSIDE_HOURS); /* 08:30 local */
	/* Sunday 23:30 UTC is Monday 01:30 local: the day is the local one. */
	assert_int_equal(judge("alice", NULL, "mon", NULL, "Europe/Berlin", "alice", NULL,
			       "2026-03-29T23:30Z"),
			 DPMS_OK);
	assert_int_equal(judge("alice", NULL, "mon", NULL, "UTC", "alice", NULL,
			       "2026-03-29T23:30Z"),
			 DPMS_OUTSIDE_HOURS);
	/* And back in autumn: Monday 26 October is CET again. */
	assert_int_equal(B("2026-10-23T07:30Z"), DPMS_OK);            /* Fri 09:30 CEST */
	assert_int_equal(B("2026-10-26T07:30Z"), DPMS_OUTSIDE_HOURS); /* Mon 08:30 CET */
	assert_int_equal(B("2026-10-26T15:30Z"), DPMS_OK);            /* Mon 16:30 CET */
#undef B
}

static void t_judge_bad_rules(void **state)
{
	static const char *const bad_hours[] = {
		"25:00-26:00", "7-19", "07:00-07:00", "07:00-19:00x", "aa", "07:60-08:00",
		"07:00-24:01", "-1:00-05:00", "07:00",
	};
	static const char *const bad_days[] = {"xyz", "mon-", "monday", "mon,,fri", "-fri"};
	static const char *const bad_tz[] = {"Mars/Olympus", "../../etc/passwd", "/etc/passwd"};
	const char *w = "2026-03-25T10:00Z";

	(void)state;
	for (size_t i = 0; i < sizeof(bad_hours) / sizeof(bad_hours[0]); i++)
		if (judge("alice", NULL, NULL, bad_hours[i], NULL, "alice", NULL, w) != -EINVAL)
			fail_msg("hours '%s' accepted", bad_hours[i]);
	for (size_t i = 0; i < sizeof(bad_days) / sizeof(bad_days[0]); i++)
		if (judge("alice", NULL, bad_days[i], NULL, NULL, "alice", NULL, w) != -EINVAL)
			fail_msg("days '%s' accepted", bad_days[i]);
	for (size_t i = 0; i < sizeof(bad_tz) / sizeof(bad_tz[0]); i++)
		if (judge("alice", NULL, NULL, "09:00-17:00", bad_tz[i], "alice", NULL, w) !=
		    -EINVAL)
			fail_msg("zone '%s' accepted", bad_tz[i]);
}

/* --- TOMs against the ISMS store ------------------------------------------------------------ */

struct toms {
	size_t n;
	char line[16][200];
};

static int toms_cb(const struct dpms_tom_ref *ref, void *ud)
{
	struct toms *t = ud;

	assert_true(t->n < 16);
	snprintf(t->line[t->n++], sizeof(t->line[0]), "%s %s %s %s", ref->activity, ref->kind,
		 ref->id, dpms_tom_state_name(ref->state));
	return 0;
}

/* An ISMS store with control 8.5 implemented by M-1, and M-2 only planned. */
static char *isms_fixture(const char *dir)
{
	char *path = tu_path(dir, "isms.db"), cat[4096], *err = NULL, *key = NULL;
	const struct isms_entity *me = isms_schema_entity(&isms_schema_main, "measure");
	struct isms_store *is = NULL;

	if (isms_store_open(path, ISMS_STORE_CREATE, 2000, &is, &err) < 0)
		fail_msg("cannot create ISMS store: %s", err);
	snprintf(cat, sizeof(cat), "%s/annex-a-2022.json", tu_data_dir());
	if (isms_catalogue_load_controls(is, cat, &err) < 0)
		fail_msg("%s", err);
	assert_int_equal(isms_record_add(is, me, TU_KV({"title", "MFA"}, {"control", "8.5"},
						       {"status", "implemented"}), &key), 0);
	assert_string_equal(key, "M-1");
	free(key);
	assert_int_equal(isms_record_add(is, me, TU_KV({"title", "Log review"}, {"control", "8.15"}),
					 NULL), 0);
	isms_store_free(is);
	return path;
}

/*
 * GDPR Art. 30(1)(g), 32: the TOMs a record of processing claims rest on
 * ISMS measures and controls that exist, and are shown unverified until
 * implemented; unchecked, not refused, when the ISMS store cannot be read.
 */
static void t_toms_isms(void **state)
{
	struct dfx *fx = *state;
	const struct isms_entity *ae = de("activity");
	char *isms = isms_fixture(fx->dir), *missing = tu_path(fx->dir, "no-such-isms.db");
	struct toms t = {0};

	/* No ISMS store configured: accepted, unchecked. */
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"isms_measures", "M-999"});
	assert_int_equal(dpms_toms_check(fx->s, NULL, "PA-1", toms_cb, &t), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.line[0], "PA-1 measure M-999 unchecked");

	assert_int_equal(isms_setting_set(fx->s, DPMS_SETTING_ISMS_STORE, isms), 0);
	/* Readable: an unknown measure or control is refused, on add and on set. */
	assert_int_equal(isms_record_add(fx->s, ae, TU_KV({"id", "PA-2"}, {"name", "x"},
							  {"isms_measures", "M-1, M-999"}), NULL),
			 -EINVAL);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "'M-999' does not exist"));
	assert_int_equal(dcount(fx->s, "activity"), 1);
	assert_int_equal(isms_record_change(fx->s, ae, "PA-1",
					    TU_KV({"isms_measures", "M-1"}, {"isms_controls", "99.99"})),
			 -EINVAL);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "control '99.99'"));
	/* A set that does not touch the references is not checked again. */
	dset(fx->s, "activity", "PA-1", {"purposes", "salaries"});
	dset(fx->s, "activity", "PA-1", {"isms_measures", "M-1,M-2"}, {"isms_controls", "8.5, 5.1"});
	memset(&t, 0, sizeof(t));
	assert_int_equal(dpms_toms_check(fx->s, NULL, NULL, toms_cb, &t), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.line[0], "PA-1 measure M-1 implemented");
	assert_string_equal(t.line[1], "PA-1 measure M-2 unverified");
	assert_string_equal(t.line[2], "PA-1 control 8.5 implemented");
	assert_string_equal(t.line[3], "PA-1 control 5.1 unverified");

	/* Not readable: accepted, unchecked, and the reason said. */
	assert_int_equal(isms_setting_set(fx->s, DPMS_SETTING_ISMS_STORE, missing), 0);
	dset(fx->s, "activity", "PA-1", {"isms_measures", "M-999"});
	memset(&t, 0, sizeof(t));
	assert_int_equal(dpms_toms_check(fx->s, NULL, "PA-1", toms_cb, &t), 0);
	assert_string_equal(t.line[0], "PA-1 measure M-999 unchecked");
	/* An explicit path wins over the setting. */
	memset(&t, 0, sizeof(t));
	assert_int_equal(dpms_toms_check(fx->s, isms, "PA-1", toms_cb, &t), 0);
	assert_string_equal(t.line[0], "PA-1 measure M-999 unknown");
	assert_int_equal(dpms_toms_check(fx->s, isms, "PA-404", toms_cb, &t), -ENOENT);
	free(isms);
	free(missing);
}

/* --- dpms_due_list ------------------------------------------------------------------------- */

struct dues {
	size_t n;
	char line[16][160];
};

static int dues_cb(const struct dpms_due_item *it, void *ud)
{
	struct dues *d = ud;

	assert_true(d->n < 16);
	snprintf(d->line[d->n++], sizeof(d->line[0]), "%s %s %s %s %s", it->kind, it->id,
		 it->activity ? it->activity : "-", it->due ? it->due : "-",
		 it->overdue ? "overdue" : "pending");
	return 0;
}

static bool dues_has(const struct dues *d, const char *line)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->line[i], line) == 0)
			return true;
	return false;
}

/*
 * GDPR Art. 35(1): a DPIA before processing likely to result in a high risk
 * (the WP248 screening); Art. 35(11): reviewed.  Both are due beside the
 * requests and breaches.
 */
static void t_due_dpia(void **state)
{
	struct dfx *fx = *state;
	struct dues d = {0};

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Monitoring"});
	dput(fx->s, "screening", {"activity", "PA-1"}, {"systematic_monitoring", "yes"},
	     {"vulnerable_subjects", "yes"});
	dput(fx->s, "activity", {"id", "PA-2"}, {"name", "Planned"}, {"status", "draft"});
	dput(fx->s, "screening", {"activity", "PA-2"}, {"decision", "required"});
	dput(fx->s, "activity", {"id", "PA-3"}, {"name", "Decided against"});
	dput(fx->s, "screening", {"activity", "PA-3"}, {"large_scale", "yes"},
	     {"sensitive_data", "yes"}, {"decision", "not_required"},
	     {"reason", "pseudonymised at source"});
	dput(fx->s, "activity", {"id", "PA-4"}, {"name", "Assessed"});
	dput(fx->s, "screening", {"activity", "PA-4"}, {"decision", "required"});
	dput(fx->s, "dpia", {"id", "DPIA-1"}, {"activity", "PA-4"}, {"next_review", "2025-01-01"});
	dput(fx->s, "dpia", {"id", "DPIA-2"}, {"activity", "PA-4"}, {"next_review", "2026-05-31"});
	dput(fx->s, "activity", {"id", "PA-5"}, {"name", "Gone"}, {"status", "retired"});
	dput(fx->s, "screening", {"activity", "PA-5"}, {"decision", "required"});
	dput(fx->s, "dpia", {"id", "DPIA-3"}, {"activity", "PA-5"}, {"next_review", "2020-01-01"});
	dput(fx->s, "activity", {"id", "PA-6"}, {"name", "Reviewed"});
	dput(fx->s, "dpia", {"id", "DPIA-4"}, {"activity", "PA-6"}, {"next_review", "2026-06-01"});
	dput(fx->s, "request", {"id", "DSR-1"}, {"type", "access"}, {"data_subject", "x"},
	     {"received", "2020-01-01"});
	dput(fx->s, "breach", {"id", "BR-1"}, {"title", "t"}, {"aware_at", "2020-01-01T00:00Z"});

	assert_int_equal(dpms_due_list(fx->s, "2026-06-01", dues_cb, &d), 0);
	assert_int_equal(d.n, 5);
	assert_true(dues_has(&d, "dpia-missing S-1 PA-1 - overdue"));
	/* Not yet processing: due, not overdue. */
	assert_true(dues_has(&d, "dpia-missing S-2 PA-2 - pending"));
	/* The latest DPIA's review date counts; the review day itself is not past. */
	assert_true(dues_has(&d, "dpia-review DPIA-2 PA-4 2026-05-31 overdue"));
	assert_true(dues_has(&d, "request DSR-1 - 2020-02-03 overdue"));
	assert_true(dues_has(&d, "breach BR-1 - 2020-01-04T00:00:00Z overdue"));
	assert_int_equal(dpms_due_list(fx->s, "June", dues_cb, &d), -EINVAL);
}

static void full_register(struct isms_store *s);
static char *export(struct isms_store *s, enum dpms_format fmt, const char *activity,
		    size_t *ret_missing);

/*
 * GDPR Art. 28: a processor is bound by a contract (28(3)) that says whether
 * it may engage sub-processors (28(2)); one without, or past its review
 * date, is due.
 */
static void t_processor_register(void **state)
{
	struct dfx *fx = *state;
	struct dues d = {0};

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"});
	dput(fx->s, "processor", {"name", "PayCloud GmbH"}, {"activity", "PA-1"},
	     {"contract_date", "2024-01-15"}, {"subject", "payroll runs"}, {"duration", "open-ended"},
	     {"sub_processors", "specific"}, {"review_date", "2026-01-15"});
	dput(fx->s, "processor", {"name", "Shredder AG"});
	dput(fx->s, "processor", {"name", "Mail Ltd"}, {"contract_date", "2025-01-01"},
	     {"review_date", "2027-01-01"});
	assert_dfield(fx->s, "processor", "P-1", "sub_processors", "specific");
	assert_dfield(fx->s, "processor", "P-2", "sub_processors", "none");
	assert_dfield(fx->s, "processor", "P-2", "contract_missing", "yes");
	assert_dfield(fx->s, "processor", "P-1", "contract_missing", "no");
	/* Art. 28(2): only the three ways the article allows. */
	assert_int_equal(isms_record_change(fx->s, de("processor"), "P-1",
					    TU_KV({"sub_processors", "whenever"})),
			 -EINVAL);
	assert_int_equal(dpms_due_list(fx->s, "2026-06-01", dues_cb, &d), 0);
	assert_int_equal(d.n, 2);
	assert_true(dues_has(&d, "contract-review P-1 PA-1 2026-01-15 overdue"));
	assert_true(dues_has(&d, "contract-missing P-2 - - overdue"));
}

/*
 * GDPR Art. 30(1) and 35(1), WP248 rev.01: isms's own evidence is personal
 * data of employees; its record is ready, and its screening (systematic
 * monitoring of employees: criteria 3 and 7) requires a DPIA.
 */
static void t_isms_record(void **state)
{
	struct dfx *fx = *state;
	struct dues d = {0};
	size_t missing = 99;
	char *id = NULL, *out;

	full_register(fx->s);
	assert_int_equal(dpms_isms_record_add(fx->s, &id), 0);
	assert_dfield(fx->s, "activity", id, "dpia_likely", "yes");
	assert_dfield(fx->s, "activity", id, "lawful_basis", "legitimate_interests");
	assert_dfield(fx->s, "screening", "S-1", "criteria_met", "2");
	assert_dfield(fx->s, "screening", "S-1", "systematic_monitoring", "yes");
	assert_dfield(fx->s, "screening", "S-1", "vulnerable_subjects", "yes");
	assert_dfield(fx->s, "screening", "S-1", "decision", "required");
	/* Every Art. 30(1) field is filled. */
	out = export(fx->s, DPMS_FMT_MARKDOWN, id, &missing);
	assert_int_equal(missing, 0);
	assert_contains(out, "source addresses");
	free(out);
	/* And the DPIA it needs is due. */
	assert_int_equal(dpms_due_list(fx->s, "2026-06-01", dues_cb, &d), 0);
	assert_true(d.n >= 1);
	assert_non_null(strstr(d.line[d.n - 1], "dpia-missing S-1"));
	/* Once. */
	free(id);
	id = NULL;
	assert_int_equal(dpms_isms_record_add(fx->s, &id), -EEXIST);
	assert_null(id);
}

/* --- dpms_review_run --------------------------------------------------------------------- */

struct frow {
	char *v[16];
};

struct flist {
	size_t n;
	struct frow r[64];
	const struct isms_entity *e;
};

static int flist_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct flist *l = ud;

	assert_true(l->n < 64);
	assert_true(e->nfields <= 16);
	l->e = e;
	for (size_t i = 0; i < e->nfields; i++)
		l->r[l->n].v[i] = v[i] ? strdup(v[i]) : NULL;
	l->n++;
	return 0;
}

static void flist_load(struct isms_store *s, struct flist *l)
{
	memset(l, 0, sizeof(*l));
	l->e = de("finding");
	assert_int_equal(isms_record_list(s, l->e, NULL, 0, flist_cb, l), 0);
}

static const char *fget(const struct flist *l, size_t i, const char *field)
{
	return l->r[i].v[isms_entity_field_index(l->e, field)];
}

static void flist_free(struct flist *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < 16; k++)
			free(l->r[i].v[k]);
	memset(l, 0, sizeof(*l));
}

static void review(struct isms_store *s, size_t want_new, size_t want_seen)
{
	size_t found = 99, seen = 99;
	int r = dpms_review_run(s, NULL, &found, &seen);

	if (r < 0)
		fail_msg("review failed: %s", isms_store_errmsg(s));
	assert_int_equal(seen, want_seen);
	assert_int_equal(found, want_new);
}

static void t_review_findings(void **state)
{
	struct dfx *fx = *state;
	struct flist l;
	int64_t e_mal, e_out, e_unknown;

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"},
	     {"authorised_users", "alice,bob"}, {"access_days", "mon-fri"},
	     {"access_hours", "07:00-19:00"}, {"access_tz", "UTC"});
	/* A nobody reads payroll on Wednesday morning: unauthorised. */
	e_mal = access_ev(fx->s, "PA-1", "mallory", "2026-03-25T10:00:00.123Z",
			  "/srv/payroll/a.csv");
	/* Alice, in hours: fine. */
	access_ev(fx->s, "PA-1", "alice", "2026-03-25T10:05:00.000Z", "/srv/payroll/a.csv");
	/* Bob on a Saturday: out of hours. */
	e_out = access_ev(fx->s, "PA-1", "bob", "2026-03-28T11:00:00.000Z", "/srv/payroll/b.csv");
	/* Something under a key no activity has: the DPO must see it. */
	e_unknown = access_ev(fx->s, "PA-404", "alice", "2026-03-25T10:00:00.000Z", "/srv/x");
	review(fx->s, 3, 4);
	flist_load(fx->s, &l);
	assert_int_equal(l.n, 3);
	assert_str_or_null(fget(&l, 0, "user"), "mallory");
	assert_str_or_null(fget(&l, 0, "why"), "unauthorised");
	assert_str_or_null(fget(&l, 0, "activity"), "PA-1");
	assert_str_or_null(fget(&l, 0, "path"), "/srv/payroll/a.csv");
	assert_str_or_null(fget(&l, 0, "access"), "read");
	assert_str_or_null(fget(&l, 0, "at"), "2026-03-25T10:00:00.123Z");
	assert_str_or_null(fget(&l, 0, "status"), "open");
	assert_int_equal(strtoll(fget(&l, 0, "evidence"), NULL, 10), e_mal);
	assert_str_or_null(fget(&l, 1, "user"), "bob");
	assert_str_or_null(fget(&l, 1, "why"), "outside_hours");
	assert_int_equal(strtoll(fget(&l, 1, "evidence"), NULL, 10), e_out);
	assert_str_or_null(fget(&l, 2, "why"), "unauthorised");
	assert_str_or_null(fget(&l, 2, "activity"), NULL);
	assert_str_or_null(fget(&l, 2, "path"), "/srv/x");
	assert_int_equal(strtoll(fget(&l, 2, "evidence"), NULL, 10), e_unknown);
	flist_free(&l);

	/* Twice: nothing new (the watermark). */
	review(fx->s, 0, 0);
	assert_int_equal(dcount(fx->s, "finding"), 3);
	/* A new access is seen once. */
	access_ev(fx->s, "PA-1", "eve", "2026-03-26T10:00:00.000Z", "/srv/payroll/c.csv");
	access_ev(fx->s, "PA-1", "alice", "2026-03-26T10:00:00.000Z", "/srv/payroll/c.csv");
	review(fx->s, 1, 2);
	review(fx->s, 0, 0);
	assert_int_equal(dcount(fx->s, "finding"), 4);
	/* Other evidence in the chain (retention) is not an access. */
	{
		struct isms_evidence ev = {.source = "dpmsctl", .kind = "retention.deleted",
					   .asset = "PA-1", .subject = "mallory"};

		assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	}
	review(fx->s, 0, 0);
}

/*
 * GDPR Art. 4(12): a personal data breach leads to destruction, loss,
 * alteration, disclosure of or access to personal data.  An access that
 * failed led to none: a finding of kind "attempt", never "unauthorised".
 */
static void t_review_failed_attempt(void **state)
{
	struct dfx *fx = *state;
	struct flist l;

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"},
	     {"authorised_users", "alice"}, {"access_days", "mon-fri"},
	     {"access_hours", "07:00-19:00"}, {"access_tz", "UTC"});
	access_ev_outcome(fx->s, "PA-1", "mallory", "2026-03-25T10:00:00.000Z", "/srv/p/a.csv",
			  "failure");
	access_ev_outcome(fx->s, "PA-1", "alice", "2026-03-28T11:00:00.000Z", "/srv/p/a.csv",
			  "failure");
	/* An authorised one in hours that failed is nothing to look at. */
	access_ev_outcome(fx->s, "PA-1", "alice", "2026-03-25T10:00:00.000Z", "/srv/p/a.csv",
			  "failure");
	/* The same person succeeding is a real unauthorised access. */
	access_ev(fx->s, "PA-1", "mallory", "2026-03-25T10:01:00.000Z", "/srv/p/a.csv");
	review(fx->s, 3, 4);
	flist_load(fx->s, &l);
	assert_int_equal(l.n, 3);
	assert_str_or_null(fget(&l, 0, "user"), "mallory");
	assert_str_or_null(fget(&l, 0, "why"), "attempt");
	assert_str_or_null(fget(&l, 1, "user"), "alice");
	assert_str_or_null(fget(&l, 1, "why"), "attempt");
	assert_str_or_null(fget(&l, 2, "user"), "mallory");
	assert_str_or_null(fget(&l, 2, "why"), "unauthorised");
	flist_free(&l);
}

static void t_review_odd_rows(void **state)
{
	struct dfx *fx = *state;
	struct flist l;

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"authorised_users", "alice"});
	/* First a good row, so that the activity is cached... */
	access_ev(fx->s, "PA-1", "alice", "2026-03-25T10:00:00.000Z", "/srv/p");
	/*
	 * ...then an unknown activity with a time that cannot be read, and a
	 * known one with such a time: appends refuse such times now, so they
	 * go in as an older build stored them...
	 */
	assert_int_equal(tu_sql(fx->path,
				"INSERT INTO evidence (pk, recorded, ts, source, kind, asset, subject,"
				" outcome, details, prev, hash) VALUES"
				" (2, '2026-03-25T10:00:00Z', 'yesterday', 'audisp-isms',"
				"  'personal-data.read', 'PA-404', 'alice', 'success',"
				"  '{\"paths\":[\"/srv/q\"],\"exe\":\"/usr/bin/cat\"}', 'x', 'x'),"
				" (3, '2026-03-25T10:00:00Z', 'not a time', 'audisp-isms',"
				"  'personal-data.read', 'PA-1', 'alice', 'success',"
				"  '{\"paths\":[\"/srv/r\"],\"exe\":\"/usr/bin/cat\"}', 'x', 'x');"
				"UPDATE evidence_head SET last_pk = 3"),
			 0);
	/* ...and one with nobody named. */
	access_ev(fx->s, "PA-1", NULL, "2026-03-25T10:00:00.000Z", "/srv/s");
	review(fx->s, 3, 4);
	flist_load(fx->s, &l);
	assert_int_equal(l.n, 3);
	assert_str_or_null(fget(&l, 0, "activity"), NULL);
	assert_str_or_null(fget(&l, 0, "path"), "/srv/q");
	assert_str_or_null(fget(&l, 1, "activity"), "PA-1");
	assert_str_or_null(fget(&l, 1, "path"), "/srv/r");
	assert_str_or_null(fget(&l, 2, "activity"), "PA-1");
	assert_str_or_null(fget(&l, 2, "user"), NULL);
	flist_free(&l);
}

static void t_review_bad_rule(void **state)
{
	struct dfx *fx = *state;
	char *wm = NULL;

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"authorised_users", "alice"},
	     {"access_hours", "7 to 19"});
	access_ev(fx->s, "PA-1", "mallory", "2026-03-25T10:00:00.000Z", "/srv/p");
	access_ev(fx->s, "PA-1", "alice", "2026-03-25T10:00:00.000Z", "/srv/p");
	assert_int_equal(dpms_review_run(fx->s, NULL, NULL, NULL), -EINVAL);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "PA-1"));
	/* Nothing half-done: no findings, the watermark where it was. */
	assert_int_equal(dcount(fx->s, "finding"), 0);
	assert_int_equal(isms_setting_get(fx->s, "review_watermark", &wm), 0);
	assert_string_equal(wm, "0");
	free(wm);
	/* Fixed, the same accesses are reviewed. */
	dset(fx->s, "activity", "PA-1", {"access_hours", "07:00-19:00"});
	review(fx->s, 1, 2);
}

/*
 * The user and its group come from nss_wrapper (tests/data/nss, preloaded by
 * meson for this test), never from the machine's /etc/passwd: the test must
 * leave no user or group behind, and runs without root.
 */
#define TEST_GROUP "isms-dpms-g"
#define TEST_USER "isms-dpms-u"

static bool user_in_group(const char *user, const char *group)
{
	struct passwd *pw = getpwnam(user);
	gid_t gids[256];
	int n = 256;
	struct group *gr = getgrnam(group);

	if (!pw || !gr || getgrouplist(user, pw->pw_gid, gids, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (gids[i] == gr->gr_gid)
			return true;
	return false;
}

static void t_review_nss_groups(void **state)
{
	struct dfx *fx = *state;
	struct flist l;
	char uid[32];

	if (!getenv("NSS_WRAPPER_PASSWD") || !getenv("NSS_WRAPPER_GROUP")) {
		print_message("# needs nss_wrapper (package libnss-wrapper; meson preloads it)\n");
		skip();
	}
	if (!user_in_group(TEST_USER, TEST_GROUP))
		fail_msg("nss_wrapper is set but has no user '%s' in group '%s' (tests/data/nss)",
			 TEST_USER, TEST_GROUP);
	snprintf(uid, sizeof(uid), "%u", (unsigned)getpwnam(TEST_USER)->pw_uid);
	dput(fx->s, "activity", {"id", "HR-1"}, {"name", "Personnel files"},
	     {"authorised_groups", TEST_GROUP});
	/* A member of the group, by name and by the numeric audit uid: authorised. */
	access_ev(fx->s, "HR-1", TEST_USER, "2026-03-25T10:00:00.000Z", "/srv/hr/a");
	access_ev(fx->s, "HR-1", uid, "2026-03-25T10:01:00.000Z", "/srv/hr/a");
	/* root is not a member. */
	access_ev(fx->s, "HR-1", "root", "2026-03-25T10:02:00.000Z", "/srv/hr/a");
	access_ev(fx->s, "HR-1", "0", "2026-03-25T10:03:00.000Z", "/srv/hr/b");
	review(fx->s, 2, 4);
	flist_load(fx->s, &l);
	assert_int_equal(l.n, 2);
	assert_str_or_null(fget(&l, 0, "user"), "root");
	/* The numeric uid is shown by name. */
	assert_str_or_null(fget(&l, 1, "user"), "root");
	assert_str_or_null(fget(&l, 1, "path"), "/srv/hr/b");
	flist_free(&l);
	/* The group no longer authorised: the same user's next access is a finding. */
	dset(fx->s, "activity", "HR-1", {"authorised_groups", "nobody-group"});
	access_ev(fx->s, "HR-1", TEST_USER, "2026-03-25T11:00:00.000Z", "/srv/hr/a");
	review(fx->s, 1, 1);
}

/* --- dpms_ropa_export -------------------------------------------------------------------- */

static void full_register(struct isms_store *s)
{
	dput(s, "controller", {"name", "ACME GmbH"}, {"address", "Hauptstr. 1, 10115 Berlin"},
	     {"contact", "privacy@acme.example"});
	dput(s, "dpo", {"name", "Dana Schmidt"}, {"contact", "dpo@acme.example"});
	dput(s, "activity", {"id", "PA-1"}, {"name", "Payroll | salaries"},
	     {"controller", "ACME GmbH"},
	     {"purposes", "paying salaries"}, {"lawful_basis", "contract"},
	     {"data_subjects", "employees"}, {"data_categories", "bank details, salary"},
	     {"recipients", "bank, tax office"}, {"transfers", "none"}, {"erasure", "10 years"},
	     {"toms", "encryption, access control"}, {"retention_days", "3650"});
	dput(s, "location", {"activity", "PA-1"}, {"path", "/srv/payroll"});
}

static char *export(struct isms_store *s, enum dpms_format fmt, const char *activity,
		    size_t *ret_missing)
{
	struct capture c;
	int r;

	cap_open(&c);
	r = dpms_ropa_export(s, fmt, activity, c.f, ret_missing);
	cap_close(&c);
	if (r < 0)
		fail_msg("export failed: %d %s", r, isms_store_errmsg(s));
	return c.buf;
}

static const char *const art30_keys[] = {
	"controller_name", "controller_contact", "controller_address",
	"controller_joint_controllers", "controller_representative", "dpo_name", "dpo_contact",
	"purposes", "lawful_basis", "data_subjects", "data_categories", "special_categories",
	"art9_basis", "criminal_data", "recipients", "third_country_recipients", "transfers",
	"transfer_safeguards", "erasure", "toms",
};

static struct json_object *activity_json(struct json_object *root, const char *id)
{
	struct json_object *acts, *a, *v;

	assert_true(json_object_object_get_ex(root, "activities", &acts));
	for (size_t i = 0; i < json_object_array_length(acts); i++) {
		a = json_object_array_get_idx(acts, i);
		if (json_object_object_get_ex(a, "id", &v) &&
		    strcmp(json_object_get_string(v), id) == 0)
			return a;
	}
	fail_msg("activity '%s' not in the JSON export", id);
	return NULL;
}

static bool json_missing_has(struct json_object *act, const char *key)
{
	struct json_object *m;

	assert_true(json_object_object_get_ex(act, "missing", &m));
	for (size_t i = 0; i < json_object_array_length(m); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(m, i)), key) == 0)
			return true;
	return false;
}

static size_t json_missing_len(struct json_object *act)
{
	struct json_object *m;

	assert_true(json_object_object_get_ex(act, "missing", &m));
	return json_object_array_length(m);
}

static void t_ropa_complete(void **state)
{
	struct dfx *fx = *state;
	struct json_object *root, *a, *f30, *v;
	size_t missing = 99;
	char *out;

	full_register(fx->s);
	/* JSON: every Art. 30(1) key, nothing missing. */
	out = export(fx->s, DPMS_FMT_JSON, NULL, &missing);
	assert_int_equal(missing, 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	a = activity_json(root, "PA-1");
	assert_true(json_object_object_get_ex(a, "art30", &f30));
	for (size_t i = 0; i < sizeof(art30_keys) / sizeof(art30_keys[0]); i++)
		if (!json_object_object_get_ex(f30, art30_keys[i], &v))
			fail_msg("art30 lacks '%s'", art30_keys[i]);
	/* Processor fields do not apply to a controller's activity. */
	assert_false(json_object_object_get_ex(f30, "on_behalf_of", &v));
	assert_int_equal(json_missing_len(a), 0);
	assert_true(json_object_object_get_ex(f30, "controller_name", &v));
	assert_string_equal(json_object_get_string(v), "ACME GmbH");
	assert_true(json_object_object_get_ex(f30, "dpo_contact", &v));
	assert_string_equal(json_object_get_string(v), "dpo@acme.example");
	assert_true(json_object_object_get_ex(a, "locations", &v));
	assert_int_equal(json_object_array_length(v), 1);
	assert_true(json_object_object_get_ex(root, "missing_fields", &v));
	assert_int_equal(json_object_get_int(v), 0);
	json_object_put(root);
	free(out);

	/* Markdown: every field's row, nothing MISSING, the name's '|' escaped. */
	out = export(fx->s, DPMS_FMT_MARKDOWN, NULL, &missing);
	assert_int_equal(missing, 0);
	assert_lacks(out, "| **MISSING** |");
	assert_contains(out, "Payroll \\| salaries");
	assert_contains(out, "| 30(1)(a) | Controller | ACME GmbH |");
	assert_contains(out, "| 30(1)(a) | Data protection officer | Dana Schmidt |");
	assert_contains(out, "| 30(1)(b) | Purposes of the processing | paying salaries |");
	assert_contains(out, "| 30(1)(c) | Categories of data subjects | employees |");
	assert_contains(out, "| 30(1)(c) | Categories of personal data |");
	assert_contains(out, "| 30(1)(d) | Categories of recipients |");
	assert_contains(out, "| 30(1)(e) | Transfers to third countries | none |");
	assert_contains(out, "| 30(1)(f) | Time limits for erasure | 10 years |");
	assert_contains(out, "| 30(1)(g) | Technical and organisational measures (Art. 32) |");
	assert_contains(out, "`/srv/payroll`");
	assert_contains(out, "1 activity, 0 required fields missing.");
	free(out);

	/* CSV: a header and one row, ending in the count. */
	out = export(fx->s, DPMS_FMT_CSV, NULL, &missing);
	assert_int_equal(missing, 0);
	assert_int_equal(count_str(out, "\r\n"), 2);
	assert_contains(out, ",Time limits for erasure,");
	/* Quoted only where RFC 4180 needs it (the one CSV writer). */
	assert_contains(out, "\r\nPA-1,Payroll | salaries,controller,");
	assert_contains(out, ",\"Hauptstr. 1, 10115 Berlin\",");
	assert_contains(out, ",/srv/payroll,,0\r\n");
	free(out);
}

static void t_ropa_missing(void **state)
{
	struct dfx *fx = *state;
	static const char *const want[] = {"purposes",      "lawful_basis", "data_subjects",
					   "data_categories", "recipients", "transfers",
					   "erasure",        "toms",         "controller_name",
					   "controller_contact", "controller_address", "dpo_name",
					   "dpo_contact"};
	struct json_object *root, *a;
	size_t missing = 0;
	char *out, csvtail[32];

	/* A bare activity: no controller, no DPO, nothing filled in. */
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "=HYPERLINK(\"x\")"});
	out = export(fx->s, DPMS_FMT_JSON, NULL, &missing);
	assert_int_equal(missing, sizeof(want) / sizeof(want[0]));
	root = json_tokener_parse(out);
	assert_non_null(root);
	a = activity_json(root, "PA-1");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!json_missing_has(a, want[i]))
			fail_msg("'%s' not listed as missing", want[i]);
	/* 'Where applicable' fields are not missing when empty. */
	assert_false(json_missing_has(a, "controller_joint_controllers"));
	assert_false(json_missing_has(a, "controller_representative"));
	assert_false(json_missing_has(a, "third_country_recipients"));
	assert_false(json_missing_has(a, "art9_basis"));
	assert_false(json_missing_has(a, "transfer_safeguards"));
	json_object_put(root);
	free(out);

	out = export(fx->s, DPMS_FMT_MARKDOWN, NULL, &missing);
	assert_int_equal(count_str(out, "| **MISSING** |"), sizeof(want) / sizeof(want[0]));
	assert_contains(out, "| 30(1)(b) | Purposes of the processing | **MISSING** |");
	assert_contains(out, "| 30(1)(f) | Time limits for erasure | **MISSING** |");
	assert_contains(out, "13 required fields missing");
	free(out);

	out = export(fx->s, DPMS_FMT_CSV, NULL, &missing);
	snprintf(csvtail, sizeof(csvtail), ",%zu\r\n", sizeof(want) / sizeof(want[0]));
	assert_contains(out, csvtail);
	/* No formula reaches a spreadsheet. */
	assert_contains(out, "\"'=HYPERLINK(\"\"x\"\")\"");
	free(out);
}

/*
 * GDPR Art. 30(2): a processor's record names the processor (a), each
 * controller it processes for with name and contact details (a), the
 * categories of processing (b), transfers (c) and the TOMs (d), under those
 * letters, not the controller's 30(1) ones.
 */
static void t_ropa_processor(void **state)
{
	struct dfx *fx = *state;
	struct json_object *root, *a, *f30, *v, *c0;
	size_t missing = 0;
	char *out;

	full_register(fx->s);
	dput(fx->s, "activity", {"id", "PR-1"}, {"name", "Hosting for clients"},
	     {"role", "processor"},
	     {"toms", "ISO 27001 certified"}, {"transfers", "none"});
	out = export(fx->s, DPMS_FMT_JSON, "PR-1", &missing);
	root = json_tokener_parse(out);
	assert_non_null(root);
	a = activity_json(root, "PR-1");
	assert_true(json_object_object_get_ex(a, "art30", &f30));
	/* 30(2)(a), (b) apply; 30(1)(b)-(d), (f) do not. */
	assert_true(json_object_object_get_ex(f30, "controllers", &v));
	assert_int_equal(json_object_array_length(v), 0);
	assert_true(json_object_object_get_ex(f30, "processing_categories", &v));
	assert_true(json_object_object_get_ex(f30, "transfers", &v));
	assert_true(json_object_object_get_ex(f30, "toms", &v));
	assert_false(json_object_object_get_ex(f30, "purposes", &v));
	assert_false(json_object_object_get_ex(f30, "data_subjects", &v));
	assert_false(json_object_object_get_ex(f30, "erasure", &v));
	assert_true(json_missing_has(a, "controllers"));
	assert_true(json_missing_has(a, "processing_categories"));
	assert_false(json_missing_has(a, "purposes"));
	assert_int_equal(missing, 2);
	assert_int_equal(json_missing_len(a), 2);
	/* --activity: only that one. */
	assert_true(json_object_object_get_ex(root, "activities", &v));
	assert_int_equal(json_object_array_length(v), 1);
	json_object_put(root);
	free(out);

	out = export(fx->s, DPMS_FMT_MARKDOWN, "PR-1", &missing);
	assert_contains(out, "Role: processor (Art. 30(2))");
	assert_contains(out, "| 30(2)(a) | Processor | ");
	assert_contains(out, "| 30(2)(a) | Processor's data protection officer | ");
	assert_contains(out, "| 30(2)(a) | Controllers processed for | **MISSING** |");
	assert_contains(out, "| 30(2)(c) | Transfers to third countries | none |");
	assert_contains(out, "| 30(2)(d) | Technical and organisational measures (Art. 32) | ISO 27001 certified |");
	assert_contains(out, "| 30(1)(b) | Purposes of the processing | *n/a* |");
	/* The 30(1) letters are the controller's: none labels a processor's field. */
	assert_null(strstr(out, "| 30(1)(a) | Controller |"));
	assert_null(strstr(out, "| 30(1)(e) |"));
	assert_null(strstr(out, "| 30(1)(g) |"));
	free(out);

	/* A controller's own activity processes for no one. */
	assert_int_equal(isms_record_add(fx->s, de("client"),
					 TU_KV({"activity", "PA-1"}, {"name", "Client Z"}), NULL),
			 -EINVAL);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "processor activity"));
	/* A controller without contact details is not yet a 30(2)(a) entry. */
	dput(fx->s, "client", {"activity", "PR-1"}, {"name", "Client A GmbH"});
	dset(fx->s, "activity", "PR-1", {"processing_categories", "hosting, backup"});
	out = export(fx->s, DPMS_FMT_MARKDOWN, "PR-1", &missing);
	assert_int_equal(missing, 1);
	assert_contains(out, "Client A GmbH (no contact details) **MISSING** contact details");
	free(out);
	dput(fx->s, "client", {"id", "PC-9"}, {"activity", "PR-1"}, {"name", "Client B AG"},
	     {"contact", "dpo@client-b.example"}, {"representative", "B EU Rep"},
	     {"dpo", "Dr. B"});
	dset(fx->s, "client", "PC-1", {"contact", "client-a@example"});
	out = export(fx->s, DPMS_FMT_JSON, "PR-1", &missing);
	assert_int_equal(missing, 0);
	root = json_tokener_parse(out);
	a = activity_json(root, "PR-1");
	assert_true(json_object_object_get_ex(a, "art30", &f30));
	assert_true(json_object_object_get_ex(f30, "controllers", &v));
	assert_int_equal(json_object_array_length(v), 2);
	c0 = json_object_array_get_idx(v, 1);
	assert_true(json_object_object_get_ex(c0, "representative", &v));
	assert_string_equal(json_object_get_string(v), "B EU Rep");
	assert_true(json_object_object_get_ex(c0, "dpo", &v));
	assert_string_equal(json_object_get_string(v), "Dr. B");
	json_object_put(root);
	free(out);
}

/* The free text of the 30(2)(a) field, before migration 7, stays readable as a controller's name. */
static void t_ropa_clients_migrated(void **state)
{
	struct dfx *fx = *state;
	struct isms_schema v6 = dpms_schema;
	char *err = NULL;
	int r;

	isms_store_free(fx->s);
	fx->s = NULL;
	unlink(fx->path);
	v6.version = 6;
	r = isms_store_open_schema(fx->path, &v6, ISMS_STORE_CREATE, 2000, &fx->s, &err);
	if (r < 0)
		fail_msg("cannot create a version 6 store: %s", err ? err : strerror(-r));
	isms_store_free(fx->s);
	fx->s = NULL;
	assert_int_equal(tu_sql(fx->path,
				"INSERT INTO activity (id, name, role, on_behalf_of, art9_basis,"
				" transfer_safeguards, status) VALUES"
				" ('PR-1', 'Hosting', 'processor', 'Client A GmbH, a@example', 'none',"
				" 'none', 'active'),"
				" ('PR-2', 'Mail', 'processor', '  ', 'none', 'none', 'active')"),
			 0);
	r = isms_store_open_schema(fx->path, &dpms_schema, 0, 2000, &fx->s, &err);
	if (r < 0)
		fail_msg("cannot migrate: %s", err ? err : strerror(-r));
	assert_int_equal(isms_store_schema_version(fx->s), DPMS_SCHEMA_VERSION);
	assert_dfield(fx->s, "client", "PC-1", "name", "Client A GmbH, a@example");
	assert_dfield(fx->s, "client", "PC-1", "activity", "PR-1");
	/* Blank text is no controller. */
	assert_int_equal(dcount(fx->s, "client"), 1);
	/* The next one added goes on from there. */
	{
		char *k = dadd(fx->s, "client", {"activity", "PR-2"}, {"name", "Client C"});

		assert_string_equal(k, "PC-2");
		free(k);
	}
}

static void t_ropa_art9_and_transfers(void **state)
{
	struct dfx *fx = *state;
	size_t missing = 0;
	char *out;

	full_register(fx->s);
	/* Health data without an Art. 9(2) condition. */
	dset(fx->s, "activity", "PA-1", {"special_categories", "yes"});
	out = export(fx->s, DPMS_FMT_MARKDOWN, "PA-1", &missing);
	assert_int_equal(missing, 1);
	assert_contains(out, "| Art. 9(2) | Condition for special categories | **MISSING** |");
	free(out);
	dset(fx->s, "activity", "PA-1", {"art9_basis", "employment"});
	free(export(fx->s, DPMS_FMT_MARKDOWN, "PA-1", &missing));
	assert_int_equal(missing, 0);
	/* A transfer to a third country needs its Art. 45-49 basis. */
	dset(fx->s, "activity", "PA-1", {"transfers", "USA (payroll provider)"});
	out = export(fx->s, DPMS_FMT_JSON, "PA-1", &missing);
	assert_int_equal(missing, 1);
	assert_contains(out, "\"transfer_safeguards\"");
	{
		struct json_object *root = json_tokener_parse(out);

		assert_non_null(root);
		assert_true(json_missing_has(activity_json(root, "PA-1"), "transfer_safeguards"));
		json_object_put(root);
	}
	free(out);
	dset(fx->s, "activity", "PA-1", {"transfer_safeguards", "safeguards_art46"});
	free(export(fx->s, DPMS_FMT_JSON, "PA-1", &missing));
	assert_int_equal(missing, 0);
	/* Transfers left empty are missing: 'none' has to be said. */
	dset(fx->s, "activity", "PA-1", {"transfers", NULL});
	free(export(fx->s, DPMS_FMT_CSV, "PA-1", &missing));
	assert_int_equal(missing, 1);
}

static void t_ropa_unknown_activity(void **state)
{
	struct dfx *fx = *state;
	struct capture c;

	full_register(fx->s);
	cap_open(&c);
	assert_int_equal(dpms_ropa_export(fx->s, DPMS_FMT_JSON, "PA-404", c.f, NULL), -ENOENT);
	assert_int_equal(dpms_ropa_export(fx->s, DPMS_FMT_MARKDOWN, "PA-404", c.f, NULL), -ENOENT);
	assert_int_equal(dpms_ropa_export(fx->s, DPMS_FMT_CSV, "PA-404", c.f, NULL), -ENOENT);
	cap_close(&c);
	free(c.buf);
}

/* --- dpms_audit_rules -------------------------------------------------------------------- */

static void t_audit_rules(void **state)
{
	struct dfx *fx = *state;
	struct capture c;
	size_t n = 99;

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"});
	dput(fx->s, "activity", {"id", "PA-2"}, {"name", "Old CRM"}, {"status", "retired"});
	dput(fx->s, "activity", {"id", "PA 3"}, {"name", "Key with a space"});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", "/srv/payroll"});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", "/var/lib/payroll/db.sqlite"},
	     {"kind", "database"});
	dput(fx->s, "location", {"activity", "PA-2"}, {"path", "/srv/crm"});
	dput(fx->s, "location", {"id", "L-9"}, {"activity", "PA 3"}, {"path", "/srv/three"});
	cap_open(&c);
	assert_int_equal(dpms_audit_rules(fx->s, c.f, &n), 0);
	cap_close(&c);
	assert_int_equal(n, 2);
	assert_contains(c.buf, "\n-w /srv/payroll -p rwa -k dpms:PA-1\n");
	assert_contains(c.buf, "\n-w /var/lib/payroll/db.sqlite -p rwa -k dpms:PA-1\n");
	/* Retired: not watched. */
	assert_lacks(c.buf, "/srv/crm");
	/* A key a rule line cannot carry: skipped with a comment, never half a rule. */
	assert_lacks(c.buf, "-w /srv/three");
	assert_contains(c.buf, "## skipped L-9");
	/* Every line is a comment or a rule. */
	for (char *line = c.buf; *line;) {
		char *nl = strchr(line, '\n');

		assert_non_null(nl);
		assert_true(strncmp(line, "## ", 3) == 0 || strncmp(line, "-w /", 4) == 0);
		line = nl + 1;
	}
	free(c.buf);
	/* No locations: only the comments. */
	assert_int_equal(isms_record_remove(fx->s, de("location"), "L-9"), 0);
	dset(fx->s, "activity", "PA-1", {"status", "retired"});
	cap_open(&c);
	assert_int_equal(dpms_audit_rules(fx->s, c.f, &n), 0);
	cap_close(&c);
	assert_int_equal(n, 0);
	assert_lacks(c.buf, "-w ");
	free(c.buf);
}

/* --- dpms_retention_check ---------------------------------------------------------------- */

struct rhits {
	size_t n;
	char *path[32];
	int64_t age[32];
	size_t problems;
	char problem[512];
};

static int rhit_cb(const struct dpms_retention_hit *h, void *ud)
{
	struct rhits *x = ud;

	assert_true(x->n < 32);
	assert_non_null(h->activity);
	x->age[x->n] = h->age_days;
	x->path[x->n++] = strdup(h->path);
	return 0;
}

static void rproblem(const char *msg, void *ud)
{
	struct rhits *x = ud;

	x->problems++;
	snprintf(x->problem, sizeof(x->problem), "%s", msg);
}

static bool rhas(const struct rhits *x, const char *path)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->path[i], path) == 0)
			return true;
	return false;
}

static void rhits_free(struct rhits *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->path[i]);
	memset(x, 0, sizeof(*x));
}

static void make_file(const char *path, int64_t mtime, bool symlink_itself)
{
	struct timespec ts[2] = {{.tv_sec = (time_t)mtime}, {.tv_sec = (time_t)mtime}};

	if (!symlink_itself) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs("personal data\n", f);
		assert_int_equal(fclose(f), 0);
	}
	assert_int_equal(utimensat(AT_FDCWD, path, ts, symlink_itself ? AT_SYMLINK_NOFOLLOW : 0),
			 0);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/*
 * GDPR Art. 5(1)(e), 17(3)(b): data kept no longer than needed, but as long
 * as a legal obligation (HGB 257(4)-(5), AO 147(3)-(4): ten years after the
 * end of the calendar year) demands.
 */
static void t_retention_rule(void **state)
{
	struct dpms_retention_rule hgb = {.event = DPMS_RET_YEAR_END, .n = 10, .unit = 'y'};
	struct dpms_retention_rule contract = {.event = DPMS_RET_EVENT, .n = 6, .unit = 'm'};
	struct dpms_retention_rule days = {.days = 30};
	int64_t t;
	int n = 0;
	char unit = 0;
	enum dpms_retention_event ev;

	(void)state;
	/* An invoice of 3 March 2015 is kept to the end of 2025. */
	assert_int_equal(dpms_retention_expiry(&hgb, at("2015-03-03T10:00Z"), &t), 0);
	assert_int_equal(t, at("2026-01-01T00:00Z"));
	/* One of 31 December: the same year's end. */
	assert_int_equal(dpms_retention_expiry(&hgb, at("2015-12-31T23:59:59Z"), &t), 0);
	assert_int_equal(t, at("2026-01-01T00:00Z"));
	assert_int_equal(dpms_retention_expiry(&hgb, at("2016-01-01T00:00Z"), &t), 0);
	assert_int_equal(t, at("2027-01-01T00:00Z"));
	/* The end of a contract plus six months; a month end clamps. */
	assert_int_equal(dpms_retention_expiry(&contract, 0, &t), -ENODATA);
	contract.has_event_date = true;
	contract.event_date = at("2025-08-31T00:00Z");
	assert_int_equal(dpms_retention_expiry(&contract, 0, &t), 0);
	assert_int_equal(t, at("2026-02-28T00:00Z"));
	assert_int_equal(dpms_retention_expiry(&days, at("2026-01-01T00:00Z"), &t), 0);
	assert_int_equal(t, at("2026-01-31T00:00Z"));
	/* Both rules: the longer duty wins. */
	hgb.days = 36500;
	assert_int_equal(dpms_retention_expiry(&hgb, at("2015-03-03T00:00Z"), &t), 0);
	assert_true(t > at("2100-01-01T00:00Z"));
	/* No rule: nothing can be said, so nothing is deleted. */
	assert_int_equal(dpms_retention_expiry(&(struct dpms_retention_rule){0}, 0, &t), -ENODATA);

	assert_int_equal(dpms_retention_period_parse("10 years", &n, &unit), 0);
	assert_true(n == 10 && unit == 'y');
	assert_int_equal(dpms_retention_period_parse("1 month", &n, &unit), 0);
	assert_true(n == 1 && unit == 'm');
	assert_int_equal(dpms_retention_period_parse("30 days", &n, &unit), 0);
	assert_int_equal(dpms_retention_period_parse("10", &n, &unit), -EINVAL);
	assert_int_equal(dpms_retention_period_parse("0 days", &n, &unit), -EINVAL);
	assert_int_equal(dpms_retention_period_parse("ten years", &n, &unit), -EINVAL);
	assert_int_equal(dpms_retention_period_parse("10 decades", &n, &unit), -EINVAL);
	assert_int_equal(dpms_retention_event_parse("year_end", &ev), 0);
	assert_int_equal(ev, DPMS_RET_YEAR_END);
	assert_int_equal(dpms_retention_event_parse("birthday", &ev), -EINVAL);
}

/*
 * HGB 257, AO 147 (GDPR Art. 17(3)(b)): files under a legal duty to keep are
 * never listed for deletion; nor are files under a legal hold.  The period
 * runs from its event: the end of the calendar year, the end of a contract.
 */
static void t_retention_rules_and_holds(void **state)
{
	struct dfx *fx = *state;
	int64_t now = at("2026-06-01T00:00Z");
	char *inv = tu_path(fx->dir, "invoices"), *held_dir = tu_path(inv, "held");
	char *con = tu_path(fx->dir, "contracts"), *all = tu_path(fx->dir, "all");
	char *i2015 = tu_path(inv, "2015.pdf"), *i2016 = tu_path(inv, "2016.pdf");
	char *i2014 = tu_path(held_dir, "2014.pdf"), *c1 = tu_path(con, "c1.pdf");
	char *a1 = tu_path(all, "a1.txt");
	struct rhits x = {0};
	size_t deleted = 99;

	assert_int_equal(mkdir(inv, 0700), 0);
	assert_int_equal(mkdir(held_dir, 0700), 0);
	assert_int_equal(mkdir(con, 0700), 0);
	assert_int_equal(mkdir(all, 0700), 0);
	make_file(i2015, at("2015-03-03T10:00Z"), false);
	/* Older than nine years and five months, yet kept until 2027. */
	make_file(i2016, at("2016-12-31T12:00Z"), false);
	make_file(i2014, at("2014-05-05T10:00Z"), false);
	make_file(c1, at("2020-01-01T00:00Z"), false);
	make_file(a1, at("2020-01-01T00:00Z"), false);
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Invoices"}, {"retention_event", "year_end"},
	     {"retention_period", "10 years"});
	dput(fx->s, "activity", {"id", "PA-2"}, {"name", "Contracts"}, {"retention_event", "event"},
	     {"retention_period", "6 months"});
	dput(fx->s, "activity", {"id", "PA-3"}, {"name", "Disputed"}, {"retention_days", "1"});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", inv});
	dput(fx->s, "location", {"activity", "PA-2"}, {"path", con});
	dput(fx->s, "location", {"activity", "PA-3"}, {"path", all});
	dput(fx->s, "hold", {"activity", "PA-1"}, {"path", held_dir}, {"reason", "tax audit 2014"});
	dput(fx->s, "hold", {"activity", "PA-3"}, {"reason", "litigation"});
	assert_int_equal(isms_record_change(fx->s, de("activity"), "PA-1",
					    TU_KV({"retention_period", "ten years"})),
			 -EINVAL);

	assert_int_equal(dpms_retention_check(fx->s, NULL, false, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(x.n, 1);
	assert_true(rhas(&x, i2015));
	assert_false(rhas(&x, i2016)); /* the duty to keep runs to the end of 2026 */
	assert_false(rhas(&x, i2014)); /* held */
	assert_false(rhas(&x, c1));    /* the contract has not ended: kept, and said so */
	assert_false(rhas(&x, a1));    /* the whole activity held */
	assert_int_equal(x.problems, 1);
	assert_non_null(strstr(x.problem, "without a date"));
	rhits_free(&x);

	/* The contract ended on 31 August 2025: six months on is 28 February 2026. */
	dset(fx->s, "activity", "PA-2", {"retention_event_date", "2025-08-31"});
	dset(fx->s, "hold", "H-2", {"status", "lifted"});
	memset(&x, 0, sizeof(x));
	assert_int_equal(dpms_retention_check(fx->s, NULL, true, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(x.n, 3);
	assert_true(rhas(&x, c1));
	assert_true(rhas(&x, a1));
	assert_int_equal(deleted, 3);
	assert_false(exists(i2015));
	assert_true(exists(i2016));
	assert_true(exists(i2014));
	rhits_free(&x);
	free(inv);
	free(held_dir);
	free(con);
	free(all);
	free(i2015);
	free(i2016);
	free(i2014);
	free(c1);
	free(a1);
}

static void t_retention(void **state)
{
	struct dfx *fx = *state;
	int64_t now = (int64_t)time(NULL), old = now - 40 * DAY, young = now - 5 * DAY;
	char *loc = tu_path(fx->dir, "loc"), *sub = tu_path(loc, "sub");
	char *outside = tu_path(fx->dir, "outside");
	char *f_old = tu_path(loc, "old.txt"), *f_new = tu_path(loc, "new.txt");
	char *f_old2 = tu_path(sub, "old2.txt"), *f_new2 = tu_path(sub, "new2.txt");
	char *f_out = tu_path(outside, "victim.txt"), *lnk = tu_path(loc, "link.txt");
	char *lnkdir = tu_path(loc, "linkdir"), *missing = tu_path(fx->dir, "gone");
	char *fifo = tu_path(fx->dir, "fifo"), *single = tu_path(fx->dir, "single.db");
	struct rhits x = {0};
	struct isms_verify_result vr;
	size_t deleted = 99;

	assert_int_equal(mkdir(loc, 0700), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(mkdir(outside, 0700), 0);
	make_file(f_old, old, false);
	make_file(f_new, young, false);
	make_file(f_old2, old, false);
	make_file(f_new2, now, false);
	make_file(f_out, old, false);
	/* A symlink inside to an old file outside, itself old; and one to the directory. */
	assert_int_equal(symlink(f_out, lnk), 0);
	make_file(lnk, old, true);
	assert_int_equal(symlink(outside, lnkdir), 0);
	/* A FIFO registered as a location must not hang the check. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	make_file(single, old, false);

	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"retention_days", "30"});
	dput(fx->s, "activity", {"id", "PA-2"}, {"name", "Archive"}, {"retention_days", "30"});
	dput(fx->s, "activity", {"id", "PA-3"}, {"name", "No limit in days"});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", loc});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", missing});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", fifo}, {"kind", "file"});
	dput(fx->s, "location", {"activity", "PA-2"}, {"path", single}, {"kind", "database"});
	dput(fx->s, "location", {"activity", "PA-3"}, {"path", outside});

	/* Looking only: the two old files and the old database, nothing else. */
	assert_int_equal(dpms_retention_check(fx->s, NULL, false, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(x.n, 3);
	assert_true(rhas(&x, f_old));
	assert_true(rhas(&x, f_old2));
	assert_true(rhas(&x, single));
	for (size_t i = 0; i < x.n; i++)
		assert_int_equal(x.age[i], 40);
	assert_false(rhas(&x, lnk));
	assert_false(rhas(&x, f_out));
	/* The missing location and the FIFO are reported, not fatal. */
	assert_int_equal(x.problems, 2);
	assert_true(exists(f_old) && exists(f_old2) && exists(single));
	rhits_free(&x);

	/* One activity only. */
	assert_int_equal(dpms_retention_check(fx->s, "PA-2", false, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(x.n, 1);
	assert_true(rhas(&x, single));
	assert_int_equal(x.problems, 0);
	rhits_free(&x);

	/* Deleting: exactly the old regular files, each recorded. */
	assert_int_equal(dpms_retention_check(fx->s, "PA-1", true, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(deleted, 2);
	assert_int_equal(x.n, 2);
	assert_true(strstr(x.problem, "PA-1") != NULL);
	assert_false(exists(f_old));
	assert_false(exists(f_old2));
	assert_true(exists(f_new));
	assert_true(exists(f_new2));
	assert_true(exists(sub));
	assert_true(exists(lnk));
	assert_true(exists(lnkdir));
	assert_true(exists(f_out));
	assert_true(exists(single)); /* another activity's */
	rhits_free(&x);
	assert_int_equal(dcount(fx->s, "deletion"), 2);
	{
		char *keys = NULL;
		struct flist l;

		memset(&l, 0, sizeof(l));
		l.e = de("deletion");
		assert_int_equal(isms_record_list(fx->s, l.e, NULL, 0, flist_cb, &l), 0);
		assert_int_equal(l.n, 2);
		for (size_t i = 0; i < l.n; i++) {
			const char *p = fget(&l, i, "path");

			assert_true(strcmp(p, f_old) == 0 || strcmp(p, f_old2) == 0);
			assert_str_or_null(fget(&l, i, "activity"), "PA-1");
			assert_str_or_null(fget(&l, i, "size"), "14");
			assert_non_null(fget(&l, i, "by"));
			assert_non_null(fget(&l, i, "modified"));
		}
		flist_free(&l);
		free(keys);
	}
	{
		struct flist l;
		size_t n = 0;

		memset(&l, 0, sizeof(l));
		l.e = de("evidence");
		assert_int_equal(isms_record_list(fx->s, l.e, NULL, 0, flist_cb, &l), 0);
		for (size_t i = 0; i < l.n; i++)
			if (strcmp(fget(&l, i, "kind"), "retention.deleted") == 0) {
				n++;
				assert_str_or_null(fget(&l, i, "asset"), "PA-1");
				/* not an access: its details carry 'path', not 'paths' */
				assert_str_or_null(fget(&l, i, "path"), NULL);
				assert_true(strstr(fget(&l, i, "details"), "old") != NULL);
			}
		assert_int_equal(n, 2);
		flist_free(&l);
	}
	assert_int_equal(isms_evidence_verify(fx->s, &vr), 0);
	assert_int_equal(vr.rows, 4); /* each deletion: its intent, then its record */

	/* Again: nothing left to delete. */
	assert_int_equal(dpms_retention_check(fx->s, "PA-1", true, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(x.n, 0);
	rhits_free(&x);
	/* An activity that does not exist is an error, not a check of nothing. */
	assert_int_equal(dpms_retention_check(fx->s, "PA-404", false, now, rhit_cb, rproblem, &x,
					      &deleted),
			 -ENOENT);
	assert_int_equal(x.n, 0);
	rhits_free(&x);

	free(loc);
	free(sub);
	free(outside);
	free(f_old);
	free(f_new);
	free(f_old2);
	free(f_new2);
	free(f_out);
	free(lnk);
	free(lnkdir);
	free(missing);
	free(fifo);
	free(single);
}

/* Counts evidence rows of @kind. */
static size_t ev_kind(struct isms_store *s, const char *kind, const char *details_has)
{
	struct flist l;
	size_t n = 0;

	memset(&l, 0, sizeof(l));
	l.e = de("evidence");
	assert_int_equal(isms_record_list(s, l.e, NULL, 0, flist_cb, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(fget(&l, i, "kind"), kind) == 0 &&
		    (!details_has || strstr(fget(&l, i, "details"), details_has)))
			n++;
	flist_free(&l);
	return n;
}

static int fail_second(const struct dpms_retention_hit *h, void *ud)
{
	size_t *n = ud;

	(void)h;
	return ++*n == 2 ? -EIO : 0;
}

/*
 * A check that fails half-way (here the caller's callback, as a full disk
 * or a crash would) must not lose the record of a file it already deleted:
 * each deletion is recorded before and after, committed on its own.
 */
static void t_retention_records_first(void **state)
{
	struct dfx *fx = *state;
	int64_t now = (int64_t)time(NULL), old = now - 40 * DAY;
	char *loc = tu_path(fx->dir, "loc"), *a = tu_path(loc, "a.txt"), *b = tu_path(loc, "b.txt");
	size_t calls = 0, deleted = 99;

	assert_int_equal(mkdir(loc, 0700), 0);
	make_file(a, old, false);
	make_file(b, old, false);
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"retention_days", "30"});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", loc});
	assert_int_equal(dpms_retention_check(fx->s, NULL, true, now, fail_second, NULL, &calls,
					      &deleted),
			 -EIO);
	/* one file went before the failure, and its deletion is on record */
	assert_true(exists(a) != exists(b));
	assert_int_equal(dcount(fx->s, "deletion"), 1);
	assert_int_equal(ev_kind(fx->s, "retention.deleted", NULL), 1);
	assert_int_equal(ev_kind(fx->s, "retention.delete-intent", NULL), 1);
	free(loc);
	free(a);
	free(b);
}

/* A run that died between an intent and its record: the next run finishes. */
static void t_retention_recovers(void **state)
{
	struct dfx *fx = *state;
	int64_t now = (int64_t)time(NULL);
	char *gone = tu_path(fx->dir, "gone.txt"), *kept = tu_path(fx->dir, "kept.txt");
	char details[512];
	struct isms_evidence ev = {.source = "dpmsctl", .kind = "retention.delete-intent",
				   .control = "8.10", .asset = "PA-1", .subject = "root",
				   .outcome = "intended"};
	struct isms_verify_result vr;
	size_t deleted = 99;

	make_file(kept, now - 40 * DAY, false);
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"retention_days", "30"});
	snprintf(details, sizeof(details),
		 "{\"path\":\"%s\",\"size\":14,\"modified\":\"2026-01-01T00:00:00Z\"}", gone);
	ev.details = details;
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	snprintf(details, sizeof(details),
		 "{\"path\":\"%s\",\"size\":14,\"modified\":\"2026-01-01T00:00:00Z\"}", kept);
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);

	assert_int_equal(dpms_retention_check(fx->s, NULL, true, now, NULL, NULL, NULL, &deleted), 0);
	/* the file that is gone: its deletion recorded now, marked so */
	assert_int_equal(deleted, 1);
	assert_int_equal(dcount(fx->s, "deletion"), 1);
	assert_int_equal(ev_kind(fx->s, "retention.deleted", "\"recovered\":true"), 1);
	/* the one still there: not deleted by an old intent, marked unfinished */
	assert_true(exists(kept));
	assert_int_equal(ev_kind(fx->s, "retention.delete-unfinished", "kept.txt"), 1);
	/* and nothing is pending any more: a second run changes nothing */
	assert_int_equal(dpms_retention_check(fx->s, NULL, true, now, NULL, NULL, NULL, &deleted), 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(ev_kind(fx->s, "retention.deleted", NULL), 1);
	assert_int_equal(isms_evidence_verify(fx->s, &vr), 0);
	free(gone);
	free(kept);
}

/* The register says where data lives on which host: only this host's paths. */
static void t_retention_other_host(void **state)
{
	struct dfx *fx = *state;
	int64_t now = (int64_t)time(NULL), old = now - 40 * DAY;
	char *here = tu_path(fx->dir, "here"), *there = tu_path(fx->dir, "there");
	char *f_here = tu_path(here, "a.txt"), *f_there = tu_path(there, "a.txt");
	char me[256] = "";
	struct rhits x = {0};
	size_t deleted = 99;

	assert_int_equal(gethostname(me, sizeof(me) - 1), 0);
	assert_int_equal(mkdir(here, 0700), 0);
	assert_int_equal(mkdir(there, 0700), 0);
	make_file(f_here, old, false);
	make_file(f_there, old, false);
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"retention_days", "30"});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", here}, {"host", me});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", there},
	     {"host", "db-elsewhere.example.org"});
	assert_int_equal(dpms_retention_check(fx->s, NULL, true, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(deleted, 1);
	assert_false(exists(f_here));
	assert_true(exists(f_there));
	assert_false(rhas(&x, f_there));
	/* that host's own check walks it: no problem here */
	assert_int_equal(x.problems, 0);
	rhits_free(&x);
	free(here);
	free(there);
	free(f_here);
	free(f_there);
}

/*
 * A location whose path passes through a symlink (a directory on the way
 * that its owner swapped for a link to elsewhere) is not walked: the
 * deletion would leave the location for wherever the link leads.
 */
static void t_retention_symlink_on_the_way(void **state)
{
	struct dfx *fx = *state;
	int64_t now = (int64_t)time(NULL), old = now - 40 * DAY;
	char *real = tu_path(fx->dir, "real"), *logd = tu_path(real, "log");
	char *victim = tu_path(logd, "victim.log"), *db = tu_path(real, "single.db");
	char *home = tu_path(fx->dir, "home"), *swapped = tu_path(home, "old");
	char *via_dir = tu_path(swapped, "log"), *via_file = tu_path(swapped, "single.db");
	struct rhits x = {0};
	size_t deleted = 99;

	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(mkdir(logd, 0700), 0);
	assert_int_equal(mkdir(home, 0700), 0);
	make_file(victim, old, false);
	make_file(db, old, false);
	assert_int_equal(symlink(real, swapped), 0);
	dput(fx->s, "activity", {"id", "PA-1"}, {"name", "Payroll"}, {"retention_days", "30"});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", via_dir});
	dput(fx->s, "location", {"activity", "PA-1"}, {"path", via_file}, {"kind", "database"});
	assert_int_equal(dpms_retention_check(fx->s, NULL, true, now, rhit_cb, rproblem, &x,
					      &deleted),
			 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(x.n, 0);
	assert_true(exists(victim));
	assert_true(exists(db));
	assert_int_equal(x.problems, 2);
	assert_int_equal(ev_kind(fx->s, "retention.delete-intent", NULL), 0);
	rhits_free(&x);
	free(real);
	free(logd);
	free(victim);
	free(db);
	free(home);
	free(swapped);
	free(via_dir);
	free(via_file);
}

/* --- the store is a store of its own -------------------------------------------------------- */

static void t_store_kinds(void **state)
{
	struct dfx *fx = *state;
	struct isms_store *s = NULL;
	char *dir = NULL, *ipath, *err = NULL;
	struct stat st;

	/* The DPMS store is 0600 and the ISMS cannot open it, nor the other way round. */
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 100, &s, &err),
			 -EMEDIUMTYPE);
	free(err);
	err = NULL;
	isms_store_free(tu_store_new(&dir));
	ipath = tu_store_path(dir);
	assert_int_equal(isms_store_open_schema(ipath, &dpms_schema, 0, 100, &s, &err),
			 -EMEDIUMTYPE);
	assert_null(s);
	free(err);
	free(ipath);
	tu_rm_rf(dir);
	free(dir);
	assert_int_equal(isms_store_schema_version(fx->s), DPMS_SCHEMA_VERSION);
}

/* The access evidence has the ISMS store's time index and block tags, not the old (asset, ts) index. */
static void t_evidence_indexes(void **state)
{
	struct dfx *fx = *state;

	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
					      " AND tbl_name = 'evidence' AND name LIKE 'evidence_by_%'"),
			 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM sqlite_master"
					      " WHERE name IN ('evidence_by_ts', 'evidence_tag')"),
			 2);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM sqlite_master"
					      " WHERE name = 'evidence_asset'"),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_deadline_month_ends),
		cmocka_unit_test(t_deadline_extension),
		cmocka_unit_test(t_deadline_weekend),
		cmocka_unit_test(t_deadline_bad_input),
		DPMS_TEST(t_request_deadline_sql_matches_c),
		DPMS_TEST(t_request_overdue_and_late),
		DPMS_TEST(t_evidence_indexes),
		cmocka_unit_test(t_breach_deadline_dst),
		cmocka_unit_test(t_breach_time_zones),
		DPMS_TEST(t_breach_record),
		DPMS_TEST(t_breach_overdue),
		DPMS_TEST(t_breach_processor),
		DPMS_TEST(t_breach_notified_before_aware),
		DPMS_TEST(t_breach_from_finding),
		DPMS_TEST(t_due_dpia),
		DPMS_TEST(t_toms_isms),
		DPMS_TEST(t_processor_register),
		DPMS_TEST(t_isms_record),
		cmocka_unit_test(t_wp248_pure),
		DPMS_TEST(t_wp248_records),
		cmocka_unit_test(t_judge_who),
		cmocka_unit_test(t_judge_days_hours),
		cmocka_unit_test(t_judge_midnight),
		cmocka_unit_test(t_judge_berlin_dst),
		cmocka_unit_test(t_judge_bad_rules),
		DPMS_TEST(t_review_findings),
		DPMS_TEST(t_review_failed_attempt),
		DPMS_TEST(t_review_odd_rows),
		DPMS_TEST(t_review_bad_rule),
		DPMS_TEST(t_review_nss_groups),
		DPMS_TEST(t_ropa_complete),
		DPMS_TEST(t_ropa_missing),
		DPMS_TEST(t_ropa_processor),
		DPMS_TEST(t_ropa_clients_migrated),
		DPMS_TEST(t_ropa_art9_and_transfers),
		DPMS_TEST(t_ropa_unknown_activity),
		DPMS_TEST(t_audit_rules),
		cmocka_unit_test(t_retention_rule),
		DPMS_TEST(t_retention),
		DPMS_TEST(t_retention_rules_and_holds),
		DPMS_TEST(t_retention_records_first),
		DPMS_TEST(t_retention_recovers),
		DPMS_TEST(t_retention_other_host),
		DPMS_TEST(t_retention_symlink_on_the_way),
		DPMS_TEST(t_store_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
