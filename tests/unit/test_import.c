/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isms_import_json: one document, one transaction, all or nothing. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/entity.h"
#include "store_internal.h" /* the sqlite3 handle, to count the work done */
#include "testutil.h"

/* A store with the Annex A catalogue loaded, as 'ismsctl init' leaves it. */
static int setup_catalogue(void **state)
{
	struct tu_fixture *fx;
	char *path, *err = NULL;
	int r;

	tu_setup_store(state);
	fx = *state;
	path = tu_path(tu_data_dir(), "annex-a-2022.json");
	r = isms_catalogue_load_controls(fx->s, path, &err);
	if (r < 0)
		fail_msg("cannot load '%s': %s", path, err ? err : strerror(-r));
	free(path);
	return 0;
}

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, setup_catalogue, tu_teardown_store)

static int import(struct isms_store *s, const char *json, char **ret_err)
{
	return isms_import_json(s, json, strlen(json), ret_err);
}

static void import_ok(struct isms_store *s, const char *json)
{
	char *err = NULL;
	int r = import(s, json, &err);

	if (r < 0)
		fail_msg("import failed: %d: %s", r, err ? err : "");
	assert_null(err);
}

/* Import must fail with @want and a message containing @needle. */
static void import_fails(struct isms_store *s, const char *json, int want, const char *needle)
{
	char *err = NULL;
	int r = import(s, json, &err);

	if (r != want)
		fail_msg("import gave %d (%s), want %d", r, err ? err : "", want);
	assert_non_null(err);
	assert_contains(err, needle);
	free(err);
}

static char *setting(struct isms_store *s, const char *key)
{
	char *v = NULL;

	return isms_setting_get(s, key, &v) == 0 ? v : NULL;
}

#define assert_setting(s, key, want)                                                        \
	do {                                                                                \
		char *got_ = setting((s), (key));                                           \
		assert_str_or_null(got_, (want));                                           \
		free(got_);                                                                 \
	} while (0)

static const char doc[] =
	"{\"_comment\": \"exported by hand\","
	" \"settings\": {\"organisation\": \"Example GmbH\", \"budget\": 50000,"
	"   \"acceptance\": \"medium\"},"
	" \"people\": [{\"name\": \"alice\", \"role\": \"security-officer\", \"active\": \"no\"},"
	"   {\"name\": \"bob\", \"active_until\": \"2000-01-01\", \"email\": null}],"
	" \"asset\": [{\"name\": \"web1\", \"type\": \"host\", \"owner\": \"alice\","
	"   \"locked_down\": true, \"confidentiality\": \"high\"}],"
	" \"risks\": [{\"title\": \"outage\", \"asset\": \"web1\", \"likelihood\": \"frequent\","
	"   \"impact\": 3, \"owner\": \"alice\", \"level\": \"low\", \"acceptable\": \"yes\","
	"   \"score\": 1, \"rank\": 1},"
	"   {\"id\": \"R-7\", \"title\": \"typo\", \"likelihood\": 1, \"impact\": 2}],"
	" \"control\": [{\"id\": \"5.1\", \"title\": \"Ignored title\", \"theme\": \"people\","
	"   \"applicable\": \"yes\", \"status\": \"implemented\", \"measures\": 99},"
	"   {\"id\": \"7.4\", \"applicable\": \"no\", \"justification\": \"no premises\"}],"
	" \"measures\": [{\"title\": \"backups\", \"risk\": \"R-1\", \"control\": \"5.1\","
	"   \"cost\": 1200.5, \"overdue\": \"yes\"}]}";

static void t_import_document(void **state)
{
	struct tu_fixture *fx = *state;

	import_ok(fx->s, doc);
	assert_int_equal(tu_count(fx->s, "person"), 2);
	assert_int_equal(tu_count(fx->s, "asset"), 1);
	assert_int_equal(tu_count(fx->s, "risk"), 2);
	assert_int_equal(tu_count(fx->s, "measure"), 1);
	assert_int_equal(tu_count(fx->s, "control"), 93);

	assert_setting(fx->s, "organisation", "Example GmbH");
	assert_setting(fx->s, "budget", "5000000");
	assert_setting(fx->s, "acceptance", "2");

	assert_field(fx->s, "person", "alice", "role", "security_officer");
	assert_field(fx->s, "person", "bob", "role", "user");
	assert_field(fx->s, "person", "bob", "email", NULL);
	assert_field(fx->s, "asset", "web1", "owner", "alice");
	assert_field(fx->s, "asset", "web1", "locked_down", "yes");
	assert_field(fx->s, "asset", "web1", "confidentiality", "high");
	assert_field(fx->s, "risk", "R-1", "asset", "web1");
	assert_field(fx->s, "risk", "R-1", "likelihood", "3");
	assert_field(fx->s, "risk", "R-7", "title", "typo");
	assert_field(fx->s, "control", "5.1", "applicable", "yes");
	assert_field(fx->s, "control", "5.1", "status", "implemented");
	assert_field(fx->s, "control", "7.4", "justification", "no premises");
	assert_field(fx->s, "control", "7.4", "status", "not_started");
	assert_field(fx->s, "measure", "M-1", "cost", "1200.50");
	assert_field(fx->s, "measure", "M-1", "control", "5.1");
}

static void t_import_ignores_computed(void **state)
{
	struct tu_fixture *fx = *state;

	import_ok(fx->s, doc);
	/* What the document claimed for derived values is recomputed. */
	assert_field(fx->s, "person", "alice", "active", "yes");
	assert_field(fx->s, "person", "bob", "active", "no");
	assert_field(fx->s, "risk", "R-1", "level", "high");
	assert_field(fx->s, "risk", "R-1", "acceptable", "no");
	assert_field(fx->s, "risk", "R-1", "score", "9");
	assert_field(fx->s, "risk", "R-1", "rank", "3");
	assert_field(fx->s, "measure", "M-1", "overdue", "no");
	assert_field(fx->s, "control", "5.1", "measures", "M-1");
	/* A catalogue's fixed text comes from the catalogue. */
	assert_field(fx->s, "control", "5.1", "title", "Policies for information security");
	assert_field(fx->s, "control", "5.1", "theme", "organizational");
}

static void t_import_all_or_nothing(void **state)
{
	struct tu_fixture *fx = *state;

	import_fails(fx->s,
		     "{\"settings\": {\"organisation\": \"Example GmbH\"},"
		     " \"people\": [{\"name\": \"alice\"}, {\"name\": \"bob\"}],"
		     " \"control\": [{\"id\": \"5.1\", \"applicable\": \"yes\"}],"
		     " \"risks\": [{\"title\": \"fine\", \"likelihood\": 1, \"impact\": 1},"
		     "   {\"title\": \"off the matrix\", \"likelihood\": 9, \"impact\": 1}]}",
		     -EINVAL, "risk[1]: ");
	assert_int_equal(tu_count(fx->s, "person"), 0);
	assert_int_equal(tu_count(fx->s, "risk"), 0);
	assert_field(fx->s, "control", "5.1", "applicable", "undecided");
	assert_setting(fx->s, "organisation", NULL);

	/* The same document, corrected, goes in whole. */
	import_ok(fx->s, "{\"settings\": {\"organisation\": \"Example GmbH\"},"
			 " \"people\": [{\"name\": \"alice\"}, {\"name\": \"bob\"}],"
			 " \"risks\": [{\"title\": \"fine\", \"likelihood\": 1, \"impact\": 1}]}");
	assert_int_equal(tu_count(fx->s, "person"), 2);
	assert_setting(fx->s, "organisation", "Example GmbH");
}

static void t_import_errors_name_entry(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	import_fails(fx->s, "{\"people\": [{\"name\": \"bob\"}, {\"name\": \"alice\"}]}", -EEXIST,
		     "person[1]: person 'alice' already exists");
	import_fails(fx->s,
		     "{\"assets\": [{\"name\": \"a\", \"type\": \"host\", \"owner\": \"z\"}]}",
		     -ENOENT, "asset[0]: asset 'a': owner: person 'z' not found");
	import_fails(fx->s, "{\"people\": [{\"name\": \"carol\", \"shoe\": 9}]}", -EINVAL,
		     "person[0]: person has no field 'shoe'");
	import_fails(fx->s, "{\"people\": [\"carol\"]}", -EINVAL,
		     "person[0]: entry is not an object");
	import_fails(fx->s, "{\"people\": [{\"name\": [\"carol\"]}]}", -EINVAL,
		     "person[0]: name: must be a string");
	import_fails(fx->s, "{\"people\": {\"name\": \"carol\"}}", -EINVAL,
		     "person: must be an array");
	import_fails(fx->s, "{\"control\": [{\"id\": \"9.9\", \"applicable\": \"yes\"}]}", -ENOENT,
		     "control[0]: control '9.9' not found");
	import_fails(fx->s, "{\"settings\": {\"budget\": \"lots\"}}", -EINVAL, "settings: budget");
	import_fails(fx->s, "{\"settings\": {\"colour\": \"blue\"}}", -EINVAL, "unknown setting");
	import_fails(fx->s, "{\"settings\": [1]}", -EINVAL, "settings: must be an object");
	assert_int_equal(tu_count(fx->s, "person"), 1);
	assert_int_equal(tu_count(fx->s, "asset"), 0);
	assert_setting(fx->s, "budget", NULL);
}

static void t_import_unknown_section(void **state)
{
	struct tu_fixture *fx = *state;

	import_fails(fx->s, "{\"people\": [{\"name\": \"alice\"}], \"widgets\": []}", -EINVAL,
		     "unknown section 'widgets'");
	/* Evidence is appended by collectors, never imported. */
	import_fails(fx->s, "{\"evidence\": [{\"source\": \"x\", \"kind\": \"y\"}]}", -EINVAL,
		     "unknown section 'evidence'");
	assert_int_equal(tu_count(fx->s, "person"), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
}

static void t_import_invalid_json(void **state)
{
	struct tu_fixture *fx = *state;

	/* The '}' at offset 12 is where the array should have gone on. */
	import_fails(fx->s, "{\"people\": [}", -EINVAL, "not valid JSON at byte 12");
	import_fails(fx->s, "{\"people\": [{\"name\": \"alice\"}", -EINVAL,
		     "not valid JSON at byte");
	import_fails(fx->s, "", -EINVAL, "not valid JSON");
	import_fails(fx->s, "[{\"name\": \"alice\"}]", -EINVAL, "must be a JSON object");
	/* A second document after the first is not silently dropped. */
	import_fails(fx->s,
		     "{\"people\": [{\"name\": \"alice\"}]} {\"people\": [{\"name\": \"bob\"}]}",
		     -EINVAL, "not valid JSON at byte 32");
	import_fails(fx->s, "{\"people\": []} trailing", -EINVAL, "not valid JSON at byte 15");
	assert_int_equal(tu_count(fx->s, "person"), 0);
	/* Trailing white space is fine. */
	import_ok(fx->s, "{\"people\": [{\"name\": \"alice\"}]}\n\n");
	assert_int_equal(tu_count(fx->s, "person"), 1);
}

/* Strict JSON (issue #8): json-c's default reader took comments and kept the
 * last of two equal names; neither may get into the register. */
static void t_import_strict_json(void **state)
{
	struct tu_fixture *fx = *state;

	import_fails(fx->s, "{\"people\": [ // the staff\n{\"name\": \"alice\"}]}", -EINVAL,
		     "not valid JSON at byte 13 (line 1, column 14");
	import_fails(fx->s, "{\"people\": [{\"name\": \"alice\" /* x */}]}", -EINVAL,
		     "comment");
	import_fails(fx->s, "{\"people\": [{\"name\": \"alice\", \"n\\u0061me\": \"bob\"}]}",
		     -EINVAL, "$.people[0].name");
	import_fails(fx->s, "{\"people\": [{\"name\": \"alice\",}]}", -EINVAL, "trailing comma");
	assert_int_equal(tu_count(fx->s, "person"), 0);
}

static void t_import_length_bounds(void **state)
{
	struct tu_fixture *fx = *state;
	static const char json[] = "{\"people\": [{\"name\": \"alice\"}]}GARBAGE";
	size_t big = (64u << 20) + 1;
	char *huge = calloc(1, big);

	/* Only @len bytes are read: the garbage after them does not count. */
	assert_int_equal(isms_import_json(fx->s, json, strlen(json) - strlen("GARBAGE"), NULL), 0);
	assert_int_equal(tu_count(fx->s, "person"), 1);
	assert_non_null(huge);
	assert_int_equal(isms_import_json(fx->s, huge, big, NULL), -EFBIG);
	free(huge);
}

static void t_import_matrix(void **state)
{
	struct tu_fixture *fx = *state;

	import_ok(fx->s,
		  "{\"matrix\": {\"likelihood\": [\"unlikely\", \"likely\"],"
		  "   \"impact\": [\"minor\", \"major\"], \"levels\": [\"ok\", \"bad\"],"
		  "   \"cells\": [[1, 1], [1, 2]], \"acceptance\": \"ok\"},"
		  " \"risks\": [{\"title\": \"t\", \"likelihood\": \"likely\","
		  "   \"impact\": \"major\"}]}");
	assert_field(fx->s, "risk", "R-1", "level", "bad");
	assert_field(fx->s, "risk", "R-1", "acceptable", "no");
	/* A risk off the new matrix takes the new matrix down with it. */
	import_fails(fx->s,
		     "{\"matrix\": {\"likelihood\": [\"a\", \"b\", \"c\"],"
		     "   \"impact\": [\"a\", \"b\", \"c\"], \"levels\": [\"l\", \"h\"],"
		     "   \"cells\": [[1, 1, 1], [1, 1, 2], [1, 2, 2]]},"
		     " \"risks\": [{\"title\": \"t\", \"likelihood\": 3, \"impact\": 4}]}",
		     -EINVAL, "risk[0]: ");
	assert_field(fx->s, "risk", "R-1", "level", "bad");
	assert_int_equal(tu_count(fx->s, "risk"), 1);
	import_fails(fx->s, "{\"matrix\": {\"likelihood\": [\"a\"]}}", -EINVAL,
		     "matrix: $.likelihood");
	import_fails(fx->s,
		     "{\"matrix\": {\"likelihood\": [\"a\", \"b\"], \"impact\": [\"a\", \"b\"],"
		     "   \"levels\": [\"l\", \"h\"], \"cells\": [[1, 1], [1, 2]],"
		     "   \"acceptance\": null}}",
		     -EINVAL, "matrix: $.acceptance");
}

static void t_import_inside_transaction(void **state)
{
	struct tu_fixture *fx = *state;

	/* A caller's transaction decides for the import too. */
	assert_int_equal(isms_store_begin(fx->s), 0);
	import_ok(fx->s, "{\"people\": [{\"name\": \"alice\"}]}");
	assert_int_equal(tu_count(fx->s, "person"), 1);
	isms_store_rollback(fx->s);
	assert_int_equal(tu_count(fx->s, "person"), 0);
}

static void t_import_readonly(void **state)
{
	struct tu_fixture *fx = *state;

	isms_store_free(fx->s);
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 500, &fx->s, NULL), 0);
	import_fails(fx->s, "{\"people\": [{\"name\": \"alice\"}]}", -EROFS, "read-only");
	assert_int_equal(tu_count(fx->s, "person"), 0);
}

#define MANY 20000

struct progress_seen {
	size_t calls, last, total;
};

static void count_progress(size_t done, size_t total, void *userdata)
{
	struct progress_seen *p = userdata;

	assert_int_equal(done, p->last + 1);
	p->calls++;
	p->last = done;
	p->total = total;
}

/*
 * Many records with generated keys: every key once, in order, and keys given
 * in between (R-15000 by hand) are stepped over, not handed out again.  The
 * generated keys used to be searched for per record, quadratic in the records.
 */
static void t_import_many_generated_keys(void **state)
{
	struct tu_fixture *fx = *state;
	struct progress_seen prog = {0};
	size_t cap = (size_t)MANY * 96 + 256, off = 0;
	char *text = malloc(cap), *err = NULL, *keys, *key = NULL;
	int r;

	assert_non_null(text);
	off += (size_t)snprintf(text + off, cap - off, "{\"risk\": [");
	for (int i = 1; i <= MANY; i++) {
		if (i == 10)
			off += (size_t)snprintf(text + off, cap - off,
						", {\"id\": \"R-15000\", \"title\": \"by hand\","
						" \"likelihood\": 1, \"impact\": 1}");
		off += (size_t)snprintf(text + off, cap - off,
					"%s{\"title\": \"risk %d\", \"likelihood\": %d, \"impact\": %d}",
					i > 1 ? ", " : "", i, 1 + i % 4, 1 + (i / 4) % 4);
	}
	off += (size_t)snprintf(text + off, cap - off, "]}");
	assert_true(off < cap);
	r = isms_import_json_progress(fx->s, text, off, count_progress, &prog, &err);
	if (r < 0)
		fail_msg("import: %s", err ? err : strerror(-r));
	free(text);
	assert_int_equal(prog.calls, MANY + 1);
	assert_int_equal(prog.total, MANY + 1);
	assert_int_equal(tu_count(fx->s, "risk"), MANY + 1);
	/* R-1..R-9 before the hand-made key, then from R-15001 on */
	assert_field(fx->s, "risk", "R-9", "title", "risk 9");
	assert_field(fx->s, "risk", "R-15000", "title", "by hand");
	assert_field(fx->s, "risk", "R-15001", "title", "risk 10");
	{
		char want[32], title[32];

		snprintf(want, sizeof(want), "R-%d", 15000 + MANY - 9);
		snprintf(title, sizeof(title), "risk %d", MANY);
		assert_field(fx->s, "risk", want, "title", title);
	}
	assert_int_equal(tu_count(fx->s, "risk"), MANY + 1); /* no key twice (UNIQUE) */
	keys = tu_keys(fx->s, "risk", TU_KV({"title", "risk 10"}));
	assert_string_equal(keys, "R-15001");
	free(keys);
	/* A later add, in its own transaction, carries on after the highest. */
	assert_int_equal(isms_record_add(fx->s, tu_entity("risk"),
					 TU_KV({"title", "after"}, {"likelihood", "1"}, {"impact", "1"}),
					 &key),
			 0);
	{
		char want[32];

		snprintf(want, sizeof(want), "R-%d", 15000 + MANY - 9 + 1);
		assert_string_equal(key, want);
	}
	free(key);
}

static int count_ops(void *userdata)
{
	(*(int64_t *)userdata)++;
	return 0;
}

/*
 * The work SQLite does importing @n risks with generated keys: thousands of
 * virtual machine instructions (its progress handler counts them), which
 * grow with every row a statement reads.
 */
static int64_t import_work(int n)
{
	char *dir = NULL, *err = NULL, *text;
	struct isms_store *s = tu_store_new(&dir);
	size_t cap = (size_t)n * 80 + 64, off = 0;
	int64_t total = 0;

	text = malloc(cap);
	assert_non_null(text);
	off += (size_t)snprintf(text + off, cap - off, "{\"risk\": [");
	for (int i = 1; i <= n; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"%s{\"title\": \"r%d\", \"likelihood\": 1, \"impact\": 2}",
					i > 1 ? ", " : "", i);
	off += (size_t)snprintf(text + off, cap - off, "]}");
	sqlite3_progress_handler(s->db, 1000, count_ops, &total);
	if (isms_import_json(s, text, off, &err) < 0)
		fail_msg("import: %s", err);
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	free(text);
	isms_store_free(s);
	tu_rm_rf(dir);
	free(dir);
	return total;
}

/* Ten times the records, about ten times the work: linear, not quadratic. */
#define LINEAR 2000
static void t_import_linear(void **state)
{
	int64_t small = import_work(LINEAR / 10), big = import_work(LINEAR);

	if (big > 20 * small)
		fail_msg("importing %d records took %lld thousand SQLite steps, %d records %lld: more than linear",
			 LINEAR, (long long)big, LINEAR / 10, (long long)small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_import_document),
		STORE_TEST(t_import_ignores_computed),
		STORE_TEST(t_import_all_or_nothing),
		STORE_TEST(t_import_errors_name_entry),
		STORE_TEST(t_import_unknown_section),
		STORE_TEST(t_import_invalid_json),
		STORE_TEST(t_import_strict_json),
		STORE_TEST(t_import_length_bounds),
		STORE_TEST(t_import_matrix),
		STORE_TEST(t_import_inside_transaction),
		STORE_TEST(t_import_readonly),
		cmocka_unit_test(t_import_linear),
		STORE_TEST(t_import_many_generated_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
