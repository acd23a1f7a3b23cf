/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the shipped catalogues: ISO/IEC 27001:2022 Annex A and the BSI elementary threats. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isms/catalogue.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

static char *data_path(const char *name)
{
	return tu_path(tu_data_dir(), name);
}

static int load_controls(struct isms_store *s)
{
	char *path = data_path("annex-a-2022.json");
	char *err = NULL;
	int r = isms_catalogue_load_controls(s, path, &err);

	if (r < 0)
		fail_msg("cannot load '%s': %s", path, err ? err : strerror(-r));
	free(path);
	return r;
}

static int count_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	(void)e;
	(void)values;
	++*(int *)userdata;
	return 0;
}

static int count_where(struct isms_store *s, const char *entity, const char *name,
		       const char *value)
{
	struct isms_kv f = {name, value};
	int n = 0;

	assert_int_equal(isms_record_list(s, tu_entity(entity), &f, 1, count_cb, &n), 0);
	return n;
}

static void t_controls_count_and_themes(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(load_controls(fx->s), 93);
	assert_int_equal(tu_count(fx->s, "control"), 93);
	assert_int_equal(count_where(fx->s, "control", "theme", "organizational"), 37);
	assert_int_equal(count_where(fx->s, "control", "theme", "people"), 8);
	assert_int_equal(count_where(fx->s, "control", "theme", "physical"), 14);
	assert_int_equal(count_where(fx->s, "control", "theme", "technological"), 34);
	/* Nothing is decided for the Statement of Applicability yet. */
	assert_int_equal(count_where(fx->s, "control", "applicable", "undecided"), 93);
	assert_int_equal(count_where(fx->s, "control", "status", "not_started"), 93);
}

static void t_controls_ids(void **state)
{
	struct tu_fixture *fx = *state;
	static const struct {
		int clause, n;
		const char *theme;
	} themes[] = {
		{5, 37, "organizational"}, {6, 8, "people"}, {7, 14, "physical"},
		{8, 34, "technological"},
	};
	const struct isms_entity *c = tu_entity("control");
	char id[16];

	load_controls(fx->s);
	for (size_t t = 0; t < 4; t++) {
		for (int i = 1; i <= themes[t].n; i++) {
			snprintf(id, sizeof(id), "%d.%d", themes[t].clause, i);
			if (isms_record_get(fx->s, c, id, NULL, NULL) != 0)
				fail_msg("control %s missing", id);
			assert_field(fx->s, "control", id, "theme", themes[t].theme);
		}
		/* ...and none beyond. */
		snprintf(id, sizeof(id), "%d.%d", themes[t].clause, themes[t].n + 1);
		assert_int_equal(isms_record_get(fx->s, c, id, NULL, NULL), -ENOENT);
		snprintf(id, sizeof(id), "%d.0", themes[t].clause);
		assert_int_equal(isms_record_get(fx->s, c, id, NULL, NULL), -ENOENT);
	}
}

static void t_controls_titles(void **state)
{
	struct tu_fixture *fx = *state;

	load_controls(fx->s);
	assert_field(fx->s, "control", "5.1", "title", "Policies for information security");
	assert_field(fx->s, "control", "8.15", "title", "Logging");
	assert_field(fx->s, "control", "8.16", "title", "Monitoring activities");
	assert_field(fx->s, "control", "5.23", "title",
		     "Information security for use of cloud services");
	assert_field(fx->s, "control", "5.23", "theme", "organizational");
	assert_field(fx->s, "control", "8.15", "theme", "technological");
}

static void t_controls_reload_keeps_decisions(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *c = tu_entity("control");

	load_controls(fx->s);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	assert_int_equal(isms_record_change(fx->s, c, "5.1",
					    TU_KV({"applicable", "yes"}, {"status", "implemented"},
						  {"justification", "required by policy"},
						  {"owner", "alice"})),
			 0);
	assert_int_equal(isms_record_change(fx->s, c, "7.4",
					    TU_KV({"applicable", "no"},
						  {"justification", "no premises"})),
			 0);
	tu_add(fx->s, "measure", TU_KV({"title", "central logging"}, {"control", "8.15"}));
	/* A title damaged in the store is refreshed from the catalogue. */
	assert_int_equal(tu_sql(fx->path, "UPDATE control SET title = 'x' WHERE id = '8.16'"), 0);

	assert_int_equal(load_controls(fx->s), 93);
	assert_int_equal(tu_count(fx->s, "control"), 93);
	assert_field(fx->s, "control", "5.1", "applicable", "yes");
	assert_field(fx->s, "control", "5.1", "status", "implemented");
	assert_field(fx->s, "control", "5.1", "justification", "required by policy");
	assert_field(fx->s, "control", "5.1", "owner", "alice");
	assert_field(fx->s, "control", "7.4", "applicable", "no");
	assert_field(fx->s, "control", "8.15", "measures", "M-1");
	assert_field(fx->s, "measure", "M-1", "control", "8.15");
	assert_field(fx->s, "control", "8.16", "title", "Monitoring activities");
	assert_int_equal(count_where(fx->s, "control", "applicable", "undecided"), 91);
}

static void t_controls_fixed_fields(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *c = tu_entity("control");

	load_controls(fx->s);
	/* Catalogue text is not the user's to edit. */
	assert_int_equal(isms_record_change(fx->s, c, "8.15", TU_KV({"title", "Logs"})), -EINVAL);
	assert_int_equal(isms_record_change(fx->s, c, "8.15", TU_KV({"theme", "people"})),
			 -EINVAL);
	assert_int_equal(isms_record_change(fx->s, c, "8.15", TU_KV({"applicable", "maybe"})),
			 -EINVAL);
	assert_field(fx->s, "control", "8.15", "title", "Logging");
	assert_field(fx->s, "control", "8.15", "applicable", "undecided");
}

static void t_threats(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *t = tu_entity("threat");
	char *path = data_path("bsi-elementary-threats.json");
	char *err = NULL;
	char id[16];

	assert_int_equal(isms_catalogue_load_threats(fx->s, path, &err), 47);
	assert_null(err);
	assert_int_equal(tu_count(fx->s, "threat"), 47);
	for (int i = 1; i <= 47; i++) {
		snprintf(id, sizeof(id), "G 0.%d", i);
		if (isms_record_get(fx->s, t, id, NULL, NULL) != 0)
			fail_msg("threat %s missing", id);
	}
	assert_int_equal(isms_record_get(fx->s, t, "G 0.48", NULL, NULL), -ENOENT);
	assert_field(fx->s, "threat", "G 0.1", "title", "Fire");
	assert_field(fx->s, "threat", "G 0.1", "source", "bsi");
	assert_int_equal(count_where(fx->s, "threat", "source", "bsi"), 47);
	/* Own threats live beside the catalogue and survive a reload. */
	tu_add(fx->s, "threat", TU_KV({"id", "X-1"}, {"title", "Drone over the data centre"}));
	tu_add(fx->s, "risk", TU_KV({"title", "fire in the server room"}, {"threat", "G 0.1"},
				    {"likelihood", "1"}, {"impact", "4"}));
	assert_int_equal(isms_catalogue_load_threats(fx->s, path, &err), 47);
	assert_int_equal(tu_count(fx->s, "threat"), 48);
	assert_field(fx->s, "threat", "X-1", "source", "custom");
	assert_field(fx->s, "risk", "R-1", "threat", "G 0.1");
	free(path);
}

/* Write @text to a file in the fixture's directory; returns its path. */
static char *write_catalogue(struct tu_fixture *fx, const char *name, const char *text)
{
	char *path = tu_path(fx->dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void t_malformed(void **state)
{
	struct tu_fixture *fx = *state;
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{"{\"controls\": [", "not valid JSON at line 1, column 15"},
		{"", "not valid JSON"},
		/* Strict JSON, as everywhere (issue #8). */
		{"{\"controls\": [] // none yet\n}", "comments are not allowed"},
		{"{\"controls\": [{\"id\": \"5.1\", \"title\": \"A\", \"theme\": \"people\","
		 " \"\\u0069d\": \"5.2\"}]}",
		 "($.controls[0].id): member given twice"},
		{"{\"threats\": []}", "array 'controls'"},
		{"{\"controls\": {\"id\": \"5.1\"}}", "array 'controls'"},
		{"{\"controls\": [{\"id\": \"5.1\", \"title\": \"A\", \"theme\": \"people\"},"
		 " {\"id\": \"5.2\", \"theme\": \"people\"}]}",
		 "entry 1"},
		{"{\"controls\": [{\"id\": \"5.1\", \"title\": \"A\", \"theme\": \"people\"},"
		 " {\"id\": \"5.2\", \"title\": \"B\", \"theme\": \"financial\"}]}",
		 "valid theme"},
		{"{\"controls\": [{\"id\": \"5.1\", \"title\": \"A\"}]}", "entry 0"},
		{"{\"controls\": [{\"id\": \"\", \"title\": \"A\", \"theme\": \"people\"}]}",
		 "entry 0"},
		{"{\"controls\": [{\"id\": 51, \"title\": \"A\", \"theme\": \"people\"}]}",
		 "entry 0"},
		{"{\"controls\": [{\"id\": \"5.1\", \"title\": \"A\", \"theme\": \"people\"}, 7]}",
		 "entry 1"},
		{"{\"controls\": [{\"id\": \"5.1\", \"title\": \"A\\u001b[2J\","
		 " \"theme\": \"people\"}]}",
		 "entry 0"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *path = write_catalogue(fx, "bad.json", bad[i].text);
		char *err = NULL;
		int r = isms_catalogue_load_controls(fx->s, path, &err);

		if (r != -EINVAL)
			fail_msg("case %zu: %d, want -EINVAL", i, r);
		assert_non_null(err);
		assert_contains(err, bad[i].msg);
		assert_contains(err, path);
		assert_int_equal(tu_count(fx->s, "control"), 0);
		free(err);
		free(path);
	}
}

static void t_malformed_keeps_loaded(void **state)
{
	struct tu_fixture *fx = *state;
	char *path = write_catalogue(fx, "bad.json",
				     "{\"controls\": [{\"id\": \"5.1\", \"title\": \"Renamed\","
				     " \"theme\": \"people\"}, {\"id\": \"9.1\", \"title\": \"\","
				     " \"theme\": \"people\"}]}");
	char *err = NULL;

	load_controls(fx->s);
	/* The good first entry of a bad file is not applied either. */
	assert_int_equal(isms_catalogue_load_controls(fx->s, path, &err), -EINVAL);
	free(err);
	assert_int_equal(tu_count(fx->s, "control"), 93);
	assert_field(fx->s, "control", "5.1", "title", "Policies for information security");
	assert_field(fx->s, "control", "5.1", "theme", "organizational");
	free(path);
}

static void t_missing_file(void **state)
{
	struct tu_fixture *fx = *state;
	char *path = tu_path(fx->dir, "no-such-catalogue.json");
	char *err = NULL;

	assert_int_equal(isms_catalogue_load_controls(fx->s, path, &err), -ENOENT);
	assert_non_null(err);
	assert_contains(err, "cannot read catalogue");
	free(err);
	assert_int_equal(isms_catalogue_load_threats(fx->s, path, NULL), -ENOENT);
	/* A directory is not a catalogue. */
	assert_int_equal(isms_catalogue_load_threats(fx->s, fx->dir, NULL), -EINVAL);
	assert_int_equal(tu_count(fx->s, "control"), 0);
	assert_int_equal(tu_count(fx->s, "threat"), 0);
	free(path);
}

static void t_readonly_store(void **state)
{
	struct tu_fixture *fx = *state;
	char *path = data_path("annex-a-2022.json");
	char *err = NULL;

	isms_store_free(fx->s);
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 500, &fx->s, NULL), 0);
	assert_int_equal(isms_catalogue_load_controls(fx->s, path, &err), -EROFS);
	free(err);
	assert_int_equal(tu_count(fx->s, "control"), 0);
	free(path);
}

static void t_read_file(void **state)
{
	struct tu_fixture *fx = *state;
	char *path = write_catalogue(fx, "f.txt", "hello\nworld");
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(isms_read_file(path, 1024, &buf, &len), 0);
	assert_int_equal(len, 11);
	assert_string_equal(buf, "hello\nworld");
	free(buf);
	buf = NULL;
	assert_int_equal(isms_read_file(path, 11, &buf, NULL), 0);
	free(buf);
	buf = (char *)"untouched";
	assert_int_equal(isms_read_file(path, 10, &buf, &len), -EFBIG);
	assert_string_equal(buf, "untouched");
	assert_int_equal(isms_read_file(fx->dir, 1024, &buf, &len), -EINVAL);
	unlink(path);
	assert_int_equal(isms_read_file(path, 1024, &buf, &len), -ENOENT);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_controls_count_and_themes),
		STORE_TEST(t_controls_ids),
		STORE_TEST(t_controls_titles),
		STORE_TEST(t_controls_reload_keeps_decisions),
		STORE_TEST(t_controls_fixed_fields),
		STORE_TEST(t_threats),
		STORE_TEST(t_malformed),
		STORE_TEST(t_malformed_keeps_loaded),
		STORE_TEST(t_missing_file),
		STORE_TEST(t_readonly_store),
		STORE_TEST(t_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
