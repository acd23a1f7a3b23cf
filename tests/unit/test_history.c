/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The history of the register: each add, change, remove and import writes
 * its register.<type>.<action> row with the actor and the fields before and
 * after, in the write's transaction (a refused write writes none), and the
 * record can be rebuilt as it was.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isms/history.h"
#include "isms/nonconformity.h"
#include "testutil.h"

#define H_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

struct seen {
	int n;
	char action[8][16], actor[8][ISMS_ACTOR_MAX], type[8][32], ts[8][40];
	bool existed[8], exists[8];
	char changes[8][512]; /* "f:before>after;" */
};

static int seen_cb(const struct isms_history_entry *h, void *userdata)
{
	struct seen *x = userdata;
	size_t off = 0;

	if (x->n >= 8)
		return -E2BIG;
	snprintf(x->action[x->n], 16, "%s", h->action);
	snprintf(x->actor[x->n], ISMS_ACTOR_MAX, "%s", h->actor);
	snprintf(x->type[x->n], 32, "%s", h->type);
	snprintf(x->ts[x->n], 40, "%s", h->ts);
	x->existed[x->n] = h->existed;
	x->exists[x->n] = h->exists;
	x->changes[x->n][0] = '\0';
	for (size_t i = 0; i < h->nfields; i++)
		off += (size_t)snprintf(x->changes[x->n] + off, 512 - off, "%s:%s>%s;", h->field[i],
					h->before[i] ? h->before[i] : "", h->after[i] ? h->after[i] : "");
	x->n++;
	return 0;
}

/* The actor as the library must find it, computed here the same way. */
static void expected_actor(char buf[ISMS_ACTOR_MAX])
{
	char text[32] = "";
	FILE *f = fopen("/proc/self/loginuid", "r");
	unsigned long lu = 4294967295ul;
	uid_t uid = getuid();
	struct passwd *pw;

	if (f) {
		if (fgets(text, sizeof(text), f))
			lu = strtoul(text, NULL, 10);
		fclose(f);
	}
	if (f && text[0] && lu != 4294967295ul) {
		uid = (uid_t)lu;
	} else if (uid == 0 && getenv("SUDO_UID") && getenv("SUDO_USER") &&
		   getenv("SUDO_USER")[0]) {
		snprintf(buf, ISMS_ACTOR_MAX, "%s", getenv("SUDO_USER"));
		return;
	}
	pw = getpwuid(uid);
	if (pw)
		snprintf(buf, ISMS_ACTOR_MAX, "%s", pw->pw_name);
	else
		snprintf(buf, ISMS_ACTOR_MAX, "%u", (unsigned)uid);
}

static void t_add_change_remove(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *person = tu_entity("person");
	struct seen x = {0};
	char actor[ISMS_ACTOR_MAX];

	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", "user"}));
	assert_int_equal(isms_record_change(fx->s, person, "alice",
					    TU_KV({"role", "admin"}, {"email", "a@example.org"})), 0);
	/* A change of nothing is no history. */
	assert_int_equal(isms_record_change(fx->s, person, "alice", TU_KV({"role", "admin"})), 0);
	assert_int_equal(isms_record_remove(fx->s, person, "alice"), 0);
	assert_int_equal(isms_history_list(fx->s, "person", "alice", seen_cb, &x), 3);
	expected_actor(actor);
	assert_string_equal(x.action[0], "add");
	assert_false(x.existed[0]);
	assert_true(x.exists[0]);
	/* every stored field for an add, the computed 'active' never */
	assert_string_equal(x.changes[0],
			    "name:>alice;full_name:>;email:>;role:>user;login:>;active_until:>;");
	assert_string_equal(x.action[1], "change");
	assert_string_equal(x.changes[1], "email:>a@example.org;role:user>admin;");
	assert_string_equal(x.action[2], "remove");
	assert_true(x.existed[2]);
	assert_false(x.exists[2]);
	assert_string_equal(x.changes[2],
			    "name:alice>;full_name:>;email:a@example.org>;role:admin>;login:>;active_until:>;");
	for (int i = 0; i < 3; i++) {
		assert_string_equal(x.actor[i], actor);
		assert_string_equal(x.type[i], "person");
	}
}

static void t_failed_write_writes_none(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *risk = tu_entity("risk");
	struct seen x = {0};
	int64_t before = tu_count(fx->s, "evidence");

	/* an unknown owner, a bad value, a missing record: nothing at all */
	assert_int_equal(isms_record_add(fx->s, risk, TU_KV({"title", "t"}, {"likelihood", "1"},
							    {"impact", "1"}, {"owner", "nobody"}),
					 NULL),
			 -ENOENT);
	tu_add(fx->s, "risk", TU_KV({"title", "t"}, {"likelihood", "1"}, {"impact", "1"}));
	assert_int_equal(tu_count(fx->s, "evidence"), before + 1);
	assert_int_equal(isms_record_change(fx->s, risk, "R-1", TU_KV({"likelihood", "99"})),
			 -EINVAL);
	assert_int_equal(isms_record_remove(fx->s, risk, "R-9"), -ENOENT);
	assert_int_equal(tu_count(fx->s, "evidence"), before + 1);
	assert_int_equal(isms_history_list(fx->s, "risk", "R-1", seen_cb, &x), 1);
	assert_string_equal(x.action[0], "add");
}

static void t_import_one_per_record(void **state)
{
	struct tu_fixture *fx = *state;
	static const char doc[] =
		"{\"person\": [{\"name\": \"p1\"}, {\"name\": \"p2\"}, {\"name\": \"p3\"}],"
		" \"asset\": [{\"name\": \"web\", \"type\": \"host\", \"owner\": \"p1\"}]}";
	static const char dup[] = "{\"person\": [{\"name\": \"p4\"}, {\"name\": \"p1\"}]}";
	struct seen x = {0};
	char *err = NULL;
	int64_t before = tu_count(fx->s, "evidence");

	assert_int_equal(isms_import_json(fx->s, doc, strlen(doc), &err), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), before + 4);
	assert_int_equal(isms_history_list(fx->s, NULL, "p2", seen_cb, &x), 1);
	assert_string_equal(x.action[0], "import");
	assert_false(x.existed[0]);
	assert_contains(x.changes[0], "name:>p2;");
	/* a refused import writes none */
	assert_int_equal(isms_import_json(fx->s, dup, strlen(dup), &err), -EEXIST);
	free(err);
	assert_int_equal(tu_count(fx->s, "evidence"), before + 4);
}

static void t_same_key_two_types(void **state)
{
	struct tu_fixture *fx = *state;
	struct seen x = {0};

	tu_add(fx->s, "person", TU_KV({"name", "web"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web"}, {"type", "host"}));
	assert_int_equal(isms_history_list(fx->s, NULL, "web", seen_cb, &x), 2);
	assert_string_equal(x.type[0], "person");
	assert_string_equal(x.type[1], "asset");
	x.n = 0;
	assert_int_equal(isms_history_list(fx->s, "asset", "web", seen_cb, &x), 1);
	assert_int_equal(isms_history_list(fx->s, "nosuchtype", "web", seen_cb, &x), -EINVAL);
}

struct got {
	char role[32];
};

static int got_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	struct got *g = userdata;

	snprintf(g->role, sizeof(g->role), "%s", v[isms_entity_field_index(e, "role")] ?
							 v[isms_entity_field_index(e, "role")] : "");
	return 0;
}

static void t_at(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *person = tu_entity("person");
	struct isms_history_at info;
	struct seen x = {0};
	struct got g = {""};

	tu_add(fx->s, "person", TU_KV({"name", "bob"}, {"role", "user"}));
	assert_int_equal(isms_record_change(fx->s, person, "bob", TU_KV({"role", "admin"})), 0);
	assert_int_equal(isms_history_list(fx->s, "person", "bob", seen_cb, &x), 2);
	assert_int_equal(isms_history_at(fx->s, person, "bob", x.ts[0], got_cb, &g, &info), 0);
	assert_string_equal(g.role, "user");
	assert_false(info.from_current);
	assert_int_equal(isms_history_at(fx->s, person, "bob", x.ts[1], got_cb, &g, &info), 0);
	assert_string_equal(g.role, "admin");
	assert_int_equal(isms_history_at(fx->s, person, "bob", "2000-01-01", got_cb, &g, &info),
			 -ENOENT);
	assert_int_equal(isms_history_at(fx->s, person, "bob", "yesterday", got_cb, &g, &info),
			 -EINVAL);
}

static void t_actor_rule(void **state)
{
	char buf[ISMS_ACTOR_MAX], want[ISMS_ACTOR_MAX];
	struct passwd *pw = getpwuid(0);

	(void)state;
	/* the login uid wins over sudo's word */
	isms_actor_pick("0\n", 0, "mallory", "1000", buf);
	assert_string_equal(buf, pw ? pw->pw_name : "0");
	/* unset login uid: root with SUDO_UID is SUDO_USER */
	isms_actor_pick("4294967295", 0, "alice", "1000", buf);
	assert_string_equal(buf, "alice");
	/* not root: SUDO_USER is only the environment's say */
	isms_actor_pick("4294967295", 4000123, "alice", "1000", buf);
	pw = getpwuid(4000123);
	snprintf(want, sizeof(want), "%s", pw ? pw->pw_name : "4000123");
	assert_string_equal(buf, want);
	/* root without SUDO_UID, no login uid */
	isms_actor_pick(NULL, 0, "alice", NULL, buf);
	pw = getpwuid(0);
	assert_string_equal(buf, pw ? pw->pw_name : "0");
	/* the process's own, as computed here */
	isms_actor_get(buf);
	expected_actor(want);
	assert_string_equal(buf, want);
}

/* What the library writes as a consequence is journaled like any add, by the same actor. */
static void t_side_effects_journaled(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_nc_new n = {.title = "logins unreviewed", .source = "test", .risks = "R-1",
				.now = (int64_t)tu_utc(2026, 3, 10, 12, 0)};
	struct seen x = {0};
	char actor[ISMS_ACTOR_MAX], *id = NULL;

	tu_add(fx->s, "risk", TU_KV({"title", "t"}, {"likelihood", "1"}, {"impact", "1"}));
	assert_int_equal(isms_nc_open(fx->s, &n, &id), 1);
	free(id);
	expected_actor(actor);
	assert_int_equal(isms_history_list(fx->s, "review", "V-1", seen_cb, &x), 1);
	assert_string_equal(x.action[0], "add");
	assert_string_equal(x.actor[0], actor);
	assert_contains(x.changes[0], "subject:>reassessment after NC-1;");
	x.n = 0;
	assert_int_equal(isms_history_list(fx->s, "nc", "NC-1", seen_cb, &x), 1);
	assert_string_equal(x.action[0], "add");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(t_add_change_remove),
		H_TEST(t_failed_write_writes_none),
		H_TEST(t_import_one_per_record),
		H_TEST(t_same_key_two_types),
		H_TEST(t_at),
		H_TEST(t_side_effects_journaled),
		cmocka_unit_test(t_actor_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
