/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The entity tables, value parsing and the generic record layer (crud.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/risk.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

#define PAST   "2000-01-01"
#define FUTURE "2999-12-31"

static const struct isms_field *field(const char *entity, const char *name)
{
	const struct isms_field *f = isms_entity_field(tu_entity(entity), name);

	if (!f)
		fail_msg("%s has no field '%s'", entity, name);
	return f;
}

/* Keys of a filtered list, compared as one string. */
#define assert_keys(s, entity, want, ...)                                                   \
	do {                                                                                \
		char *got_ = tu_keys((s), (entity), TU_KV(__VA_ARGS__));                    \
		assert_str_or_null(got_, (want));                                           \
		free(got_);                                                                 \
	} while (0)

/* Keys of all records. */
#define assert_all_keys(s, entity, want)                                                    \
	do {                                                                                \
		char *got_ = tu_keys((s), (entity), NULL, 0);                               \
		assert_str_or_null(got_, (want));                                           \
		free(got_);                                                                 \
	} while (0)

/* For lists that must fail before they reach any row. */
static int never_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	(void)e;
	(void)values;
	(void)userdata;
	fail_msg("callback called");
	return -1;
}

/* --- the tables ---------------------------------------------------------- */

static void t_tables_key_first(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; isms_entities[i]; i++, n++) {
		const struct isms_entity *e = isms_entities[i];

		assert_true(e->nfields > 0);
		if (!(e->fields[0].flags & ISMS_FF_KEY))
			fail_msg("%s: fields[0] '%s' is not the key", e->name, e->fields[0].name);
		for (size_t j = 1; j < e->nfields; j++)
			if (e->fields[j].flags & ISMS_FF_KEY)
				fail_msg("%s: '%s' is a second key", e->name, e->fields[j].name);
		/* Generated keys need a prefix to generate them from. */
		if ((e->fields[0].flags & ISMS_FF_AUTO) && !e->auto_prefix)
			fail_msg("%s: AUTO key without a prefix", e->name);
		assert_ptr_equal(isms_entity_lookup(e->name), e);
		assert_ptr_equal(isms_entity_lookup(e->plural), e);
	}
	/* The register's types; more may follow. */
	assert_true(n >= 11);
	for (size_t i = 0; i < 11; i++) {
		static const char *const names[] = {"person",  "scope",   "asset",  "threat",
						    "control", "risk",    "measure", "review",
						    "document", "ack",    "evidence"};

		assert_non_null(isms_entity_lookup(names[i]));
	}
	assert_ptr_equal(isms_entity_lookup("acknowledgement"), tu_entity("ack"));
	assert_ptr_equal(isms_entity_lookup("people"), tu_entity("person"));
	assert_null(isms_entity_lookup("persons"));
	assert_null(isms_entity_lookup(""));
}

static void t_tables_consistent(void **state)
{
	(void)state;
	for (size_t i = 0; isms_entities[i]; i++) {
		const struct isms_entity *e = isms_entities[i];

		for (size_t j = 0; j < e->nfields; j++) {
			const struct isms_field *f = &e->fields[j];
			char err[256], *canon = NULL;

			assert_int_equal(isms_entity_field_index(e, f->name), (int)j);
			if (f->type == ISMS_FT_ENUM && !(f->choices && f->choices[0]))
				fail_msg("%s.%s: enum without choices", e->name, f->name);
			if (f->type == ISMS_FT_REF && !(f->ref && isms_entity_lookup(f->ref)))
				fail_msg("%s.%s: reference to an unknown entity", e->name, f->name);
			if (f->type == ISMS_FT_REFS &&
			    !(f->ref && isms_entity_lookup(f->ref) && f->link && f->link_own &&
			      f->link_other && !f->dflt && !(f->flags & ISMS_FF_REQUIRED)))
				fail_msg("%s.%s: a set without its entity or link table", e->name,
					 f->name);
			for (size_t k = 0; f->max_of && f->max_of[k]; k++) {
				const struct isms_field *o = isms_entity_field(e, f->max_of[k]);

				if (f->type != ISMS_FT_SCALE || !o || o->type != ISMS_FT_SCALE ||
				    strcmp(o->axis, f->axis) != 0)
					fail_msg("%s.%s: max_of %s is no scale of its axis", e->name,
						 f->name, f->max_of[k]);
			}
			if (f->type == ISMS_FT_SCALE && !f->axis)
				fail_msg("%s.%s: scale without an axis", e->name, f->name);
			if ((f->flags & ISMS_FF_COMPUTED) && !f->sql)
				fail_msg("%s.%s: computed without SQL", e->name, f->name);
			/* A default must itself be a valid value. */
			if (f->dflt && !(f->type == ISMS_FT_DATE && strcmp(f->dflt, ISMS_DFLT_TODAY) == 0)) {
				if (isms_field_parse(f, f->dflt, &canon, err, sizeof(err)) < 0)
					fail_msg("%s.%s: default: %s", e->name, f->name, err);
				free(canon);
			}
		}
		assert_int_equal(isms_entity_field_index(e, "no_such_field"), -1);
		assert_null(isms_entity_field(e, "no_such_field"));
	}
}

static void t_choices_str(void **state)
{
	(void)state;
	assert_string_equal(isms_field_choices_str(field("asset", "confidentiality")),
			    "normal, high, very_high");
}

/* --- isms_field_parse ---------------------------------------------------- */

static void parse_ok(const struct isms_field *f, const char *in, const char *want)
{
	char err[256] = "", *out = NULL;
	int r = isms_field_parse(f, in, &out, err, sizeof(err));

	if (r != 0)
		fail_msg("%s: '%s' refused: %s", f->name, in, err);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void parse_bad(const struct isms_field *f, const char *in)
{
	char err[256] = "", *out = (char *)"untouched";
	int r = isms_field_parse(f, in, &out, err, sizeof(err));

	if (r != -EINVAL)
		fail_msg("%s: '%.40s' gave %d, want -EINVAL", f->name, in, r);
	assert_string_equal(out, "untouched");
	/* Every message names the field. */
	if (strncmp(err, f->name, strlen(f->name)) != 0)
		fail_msg("message '%s' does not start with the field name", err);
}

static void t_parse_text(void **state)
{
	const struct isms_field *name = field("person", "name");
	const struct isms_field *email = field("person", "email");

	(void)state;
	parse_ok(name, "alice", "alice");
	parse_ok(email, "", "");
	parse_ok(email, "Jörg <j@example.org>", "Jörg <j@example.org>");
	/* Keys must be something one can type and see. */
	parse_bad(name, "");
	parse_bad(name, " alice");
	parse_bad(name, "\talice");
	parse_bad(email, "a\rb");
	parse_bad(email, "a\x1b[31mb");
	parse_bad(email, "\xc3\x28");
}

static void t_parse_length(void **state)
{
	const struct isms_field *f = field("person", "full_name");
	char *big = malloc(5001);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 5000);
	big[5000] = '\0';
	parse_bad(f, big);
	big[4096] = '\0'; /* exactly the maximum */
	parse_ok(f, big, big);
	big[4096] = 'a';
	big[4097] = '\0';
	parse_bad(f, big);
	free(big);
}

static void t_parse_int_enum_date(void **state)
{
	const struct isms_field *role = field("person", "role");
	const struct isms_field *until = field("person", "active_until");
	const struct isms_field *measures = field("control", "measures");
	struct isms_field plain_int = *measures;
	char err[256] = "", *out = NULL;

	(void)state;
	parse_ok(role, "admin", "admin");
	parse_ok(role, "Security-Officer", "security_officer");
	parse_bad(role, "boss");
	assert_int_equal(isms_field_parse(role, "boss", &out, err, sizeof(err)), -EINVAL);
	assert_contains(err, "management, security_officer");

	parse_ok(until, "2024-02-29", "2024-02-29");
	parse_bad(until, "2023-02-29");
	parse_bad(until, "29.02.2024");

	/* Computed fields cannot be set at all... */
	parse_bad(measures, "3");
	/* ...but the INT type itself checks its digits. */
	plain_int.flags = 0;
	plain_int.type = ISMS_FT_INT;
	parse_ok(&plain_int, "-12", "-12");
	parse_bad(&plain_int, "12a");
	parse_bad(&plain_int, "99999999999999999999");
}

static void t_parse_money_bool_ref_scale(void **state)
{
	const struct isms_field *cost = field("measure", "cost");
	const struct isms_field *locked = field("asset", "locked_down");

	(void)state;
	parse_ok(cost, "1200.5", "1200.50");
	parse_ok(cost, "1200", "1200.00");
	parse_ok(cost, "0.07", "0.07");
	parse_bad(cost, "1.234");
	parse_bad(cost, "-3");
	parse_bad(cost, "EUR 5");
	parse_ok(locked, "on", "yes");
	parse_ok(locked, "FALSE", "no");
	parse_bad(locked, "maybe");
	/* References and scales are resolved against the store, not here. */
	parse_ok(field("asset", "owner"), "nobody-yet", "nobody-yet");
	parse_ok(field("risk", "likelihood"), "very-frequent", "very-frequent");
	parse_bad(field("risk", "level"), "high");
}

/* --- add / get / change / remove ---------------------------------------- */

static void t_person_round_trip(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *e = tu_entity("person");
	char *key = NULL;

	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"name", "alice"}, {"full_name", "Alice Ärger"},
					       {"email", "alice@example.org"},
					       {"role", "security-officer"},
					       {"active_until", FUTURE}),
					 &key),
			 0);
	assert_string_equal(key, "alice");
	free(key);
	tu_add(fx->s, "person", TU_KV({"name", "bob"}));
	assert_int_equal(tu_count(fx->s, "person"), 2);
	assert_all_keys(fx->s, "person", "alice,bob");

	assert_field(fx->s, "person", "alice", "full_name", "Alice Ärger");
	assert_field(fx->s, "person", "alice", "role", "security_officer");
	assert_field(fx->s, "person", "alice", "active_until", FUTURE);
	assert_field(fx->s, "person", "bob", "role", "user"); /* the default */
	assert_field(fx->s, "person", "bob", "email", NULL);
	assert_int_equal(isms_record_get(fx->s, e, "bob", NULL, NULL), 0);
	assert_int_equal(isms_record_get(fx->s, e, "carol", NULL, NULL), -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "person 'carol' not found");

	assert_int_equal(isms_record_change(fx->s, e, "alice",
					    TU_KV({"email", "a@example.org"}, {"role", "dpo"})),
			 0);
	assert_field(fx->s, "person", "alice", "email", "a@example.org");
	assert_field(fx->s, "person", "alice", "role", "dpo");
	assert_field(fx->s, "person", "alice", "full_name", "Alice Ärger");
	/* NULL clears an optional field. */
	assert_int_equal(isms_record_change(fx->s, e, "alice", TU_KV({"email", NULL})), 0);
	assert_field(fx->s, "person", "alice", "email", NULL);

	assert_int_equal(isms_record_remove(fx->s, e, "bob"), 0);
	assert_int_equal(tu_count(fx->s, "person"), 1);
	assert_int_equal(isms_record_get(fx->s, e, "bob", NULL, NULL), -ENOENT);
	assert_int_equal(isms_record_remove(fx->s, e, "bob"), -ENOENT);
}

static void t_asset_round_trip(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *e = tu_entity("asset");

	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	tu_add(fx->s, "person", TU_KV({"name", "bob"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web1"}, {"type", "host"}, {"owner", "alice"},
				     {"confidentiality", "very-high"}));
	assert_field(fx->s, "asset", "web1", "owner", "alice");
	assert_field(fx->s, "asset", "web1", "confidentiality", "very_high");
	assert_field(fx->s, "asset", "web1", "integrity", "normal");
	assert_field(fx->s, "asset", "web1", "locked_down", "no");
	assert_int_equal(isms_record_change(fx->s, e, "web1",
					    TU_KV({"owner", "bob"}, {"locked_down", "yes"})),
			 0);
	assert_field(fx->s, "asset", "web1", "owner", "bob");
	assert_field(fx->s, "asset", "web1", "locked_down", "yes");
	/* alice is no longer referred to, so she can go; bob cannot. */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("person"), "alice"), 0);
	assert_int_equal(isms_record_change(fx->s, e, "web1", TU_KV({"owner", NULL})), 0);
	assert_field(fx->s, "asset", "web1", "owner", NULL);
	assert_int_equal(isms_record_remove(fx->s, tu_entity("person"), "bob"), 0);
}

static void t_risk_auto_ids(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *e = tu_entity("risk");
	char *key = NULL;

	for (int i = 1; i <= 3; i++) {
		char want[8];

		assert_int_equal(isms_record_add(fx->s, e,
						 TU_KV({"title", "outage"}, {"likelihood", "2"},
						       {"impact", "3"}),
						 &key),
				 0);
		snprintf(want, sizeof(want), "R-%d", i);
		assert_string_equal(key, want);
		free(key);
	}
	/* A given id is kept; generated ones continue after the highest. */
	tu_add(fx->s, "risk", TU_KV({"id", "R-10"}, {"title", "t"}, {"likelihood", "1"},
				    {"impact", "1"}));
	tu_add(fx->s, "risk", TU_KV({"id", "R-x7"}, {"title", "t"}, {"likelihood", "1"},
				    {"impact", "1"}));
	tu_add(fx->s, "risk", TU_KV({"id", "RISK-99"}, {"title", "t"}, {"likelihood", "1"},
				    {"impact", "1"}));
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"title", "t"}, {"likelihood", "rare"},
					       {"impact", "negligible"}),
					 &key),
			 0);
	assert_string_equal(key, "R-11");
	free(key);
	assert_all_keys(fx->s, "risk", "R-1,R-2,R-3,R-10,R-x7,RISK-99,R-11");
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"id", "R-2"}, {"title", "t"}, {"likelihood", "1"},
					       {"impact", "1"}),
					 NULL),
			 -EEXIST);
}

static void t_risk_scale_values(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *e = tu_entity("risk");

	tu_add(fx->s, "risk", TU_KV({"title", "fire"}, {"likelihood", "very-frequent"},
				    {"impact", "Considerable"}));
	assert_field(fx->s, "risk", "R-1", "likelihood", "4");
	assert_field(fx->s, "risk", "R-1", "impact", "3");
	assert_field(fx->s, "risk", "R-1", "treatment", "undecided");
	/* Off the 4x4 matrix, by number or by label. */
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"title", "t"}, {"likelihood", "5"},
					       {"impact", "1"}),
					 NULL),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "likelihood");
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"title", "t"}, {"likelihood", "0"},
					       {"impact", "1"}),
					 NULL),
			 -EINVAL);
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"title", "t"}, {"likelihood", "1"},
					       {"impact", "catastrophic"}),
					 NULL),
			 -EINVAL);
	assert_int_equal(isms_record_change(fx->s, e, "R-1", TU_KV({"impact", "-1"})), -EINVAL);
	assert_int_equal(tu_count(fx->s, "risk"), 1);
	assert_field(fx->s, "risk", "R-1", "impact", "3");
}

static void t_measure_money(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *e = tu_entity("measure");
	char *key = NULL;

	tu_add(fx->s, "risk", TU_KV({"title", "t"}, {"likelihood", "1"}, {"impact", "1"}));
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"title", "backups"}, {"risk", "R-1"},
					       {"cost", "1200.5"}, {"due", FUTURE}),
					 &key),
			 0);
	assert_string_equal(key, "M-1");
	free(key);
	assert_field(fx->s, "measure", "M-1", "cost", "1200.50");
	assert_field(fx->s, "measure", "M-1", "risk", "R-1");
	assert_field(fx->s, "measure", "M-1", "status", "planned");
	assert_int_equal(isms_record_change(fx->s, e, "M-1", TU_KV({"cost", "0.05"})), 0);
	assert_field(fx->s, "measure", "M-1", "cost", "0.05");
	assert_int_equal(isms_record_change(fx->s, e, "M-1", TU_KV({"cost", "1.005"})), -EINVAL);
	assert_field(fx->s, "measure", "M-1", "cost", "0.05");
	/* The risk a measure treats cannot disappear under it. */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("risk"), "R-1"), -ENOTEMPTY);
	assert_int_equal(tu_count(fx->s, "risk"), 1);
}

static void t_review_round_trip(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *e = tu_entity("review");
	char *key = NULL;

	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	tu_add(fx->s, "asset", TU_KV({"name", "db1"}, {"type", "host"}));
	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"kind", "access"}, {"subject", "db1 logins"},
					       {"asset", "db1"}, {"person", "alice"},
					       {"due", "2024-03-31"}),
					 &key),
			 0);
	assert_string_equal(key, "V-1");
	free(key);
	assert_field(fx->s, "review", "V-1", "kind", "access");
	assert_field(fx->s, "review", "V-1", "person", "alice");
	assert_field(fx->s, "review", "V-1", "done", NULL);
	assert_int_equal(isms_record_change(fx->s, e, "V-1",
					    TU_KV({"done", "2024-03-30"}, {"result", "findings"},
						  {"notes", "two stale accounts"})),
			 0);
	assert_field(fx->s, "review", "V-1", "result", "findings");
	assert_field(fx->s, "review", "V-1", "notes", "two stale accounts");
	assert_int_equal(isms_record_change(fx->s, e, "V-1", TU_KV({"result", "meh"})), -EINVAL);
	assert_int_equal(isms_record_change(fx->s, e, "V-1", TU_KV({"due", NULL})), -EINVAL);
	assert_field(fx->s, "review", "V-1", "due", "2024-03-31");
}

static void t_document_ack(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *ack = tu_entity("ack");
	char *key = NULL;

	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", "management"}));
	tu_add(fx->s, "person", TU_KV({"name", "bob"}));
	tu_add(fx->s, "document", TU_KV({"name", "infosec-policy"},
					{"title", "Information security policy"},
					{"version", "1.0"}, {"approved_by", "alice"},
					{"approved_at", "2024-01-10"}));
	assert_field(fx->s, "document", "infosec-policy", "acknowledged", "0");
	assert_int_equal(isms_record_add(fx->s, ack,
					 TU_KV({"person", "bob"}, {"document", "infosec-policy"},
					       {"version", "1.0"}, {"at", "2024-01-15"}),
					 &key),
			 0);
	assert_string_equal(key, "A-1");
	free(key);
	assert_field(fx->s, "ack", "A-1", "current", "yes");
	assert_field(fx->s, "document", "infosec-policy", "acknowledged", "1");

	/* The same person, document and version once only, whatever the id. */
	assert_int_equal(isms_record_add(fx->s, ack,
					 TU_KV({"id", "A-99"}, {"person", "bob"},
					       {"document", "infosec-policy"}, {"version", "1.0"},
					       {"at", "2024-02-01"}),
					 NULL),
			 -EEXIST);
	assert_int_equal(tu_count(fx->s, "ack"), 1);

	/* Who acknowledged what is history: it cannot be rewritten. */
	assert_int_equal(isms_record_change(fx->s, ack, "A-1", TU_KV({"person", "alice"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "cannot be changed");
	assert_int_equal(isms_record_change(fx->s, ack, "A-1", TU_KV({"at", "2024-01-16"})), 0);
	assert_field(fx->s, "ack", "A-1", "person", "bob");

	/* A new version makes old acknowledgements stale. */
	assert_int_equal(isms_record_change(fx->s, tu_entity("document"), "infosec-policy",
					    TU_KV({"version", "1.1"})),
			 0);
	assert_field(fx->s, "ack", "A-1", "current", "no");
	assert_field(fx->s, "document", "infosec-policy", "acknowledged", "0");
	tu_add(fx->s, "ack", TU_KV({"person", "bob"}, {"document", "infosec-policy"},
				   {"version", "1.1"}, {"at", "2024-03-01"}));
	assert_field(fx->s, "document", "infosec-policy", "acknowledged", "1");
	assert_int_equal(isms_record_remove(fx->s, tu_entity("document"), "infosec-policy"),
			 -ENOTEMPTY);
}

/* --- errors leave nothing behind ---------------------------------------- */

static void t_add_errors(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *person = tu_entity("person");
	const struct isms_entity *asset = tu_entity("asset");
	const struct isms_entity *risk = tu_entity("risk");

	tu_add(fx->s, "person", TU_KV({"name", "alice"}));

	assert_int_equal(isms_record_add(fx->s, person, TU_KV({"name", "bob"}, {"shoe_size", "9"}),
					 NULL),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "no field 'shoe_size'");
	assert_int_equal(isms_record_add(fx->s, person, TU_KV({"name", "alice"}), NULL), -EEXIST);
	assert_contains(isms_store_errmsg(fx->s), "'alice' already exists");
	assert_int_equal(isms_record_add(fx->s, person, TU_KV({"full_name", "No Name"}), NULL),
			 -EINVAL);
	assert_int_equal(isms_record_add(fx->s, person,
					 TU_KV({"name", "bob"}, {"role", "admin"},
					       {"role", "user"}),
					 NULL),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "given twice");
	assert_int_equal(isms_record_add(fx->s, person, TU_KV({"name", "bob"}, {"active", "yes"}),
					 NULL),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "computed");
	assert_int_equal(tu_count(fx->s, "person"), 1);

	assert_int_equal(isms_record_add(fx->s, asset,
					 TU_KV({"name", "web1"}, {"type", "host"},
					       {"owner", "nobody"}),
					 NULL),
			 -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "person 'nobody' not found");
	assert_contains(isms_store_errmsg(fx->s), "asset 'web1'");
	assert_int_equal(isms_record_add(fx->s, asset, TU_KV({"name", "web1"}), NULL), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "'type' is required");
	assert_int_equal(isms_record_add(fx->s, asset, TU_KV({"name", "web1"}, {"type", "toaster"}),
					 NULL),
			 -EINVAL);
	assert_int_equal(tu_count(fx->s, "asset"), 0);

	assert_int_equal(isms_record_add(fx->s, risk,
					 TU_KV({"title", "t"}, {"likelihood", "2"}), NULL),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "'impact' is required");
	assert_int_equal(isms_record_add(fx->s, risk,
					 TU_KV({"likelihood", "2"}, {"impact", "2"}), NULL),
			 -EINVAL);
	assert_int_equal(isms_record_add(fx->s, risk,
					 TU_KV({"title", "t"}, {"likelihood", "2"}, {"impact", "2"},
					       {"threat", "G 0.99"}),
					 NULL),
			 -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "'G 0.99'");
	assert_int_equal(isms_record_add(fx->s, risk,
					 TU_KV({"title", "t"}, {"likelihood", "2"}, {"impact", "2"},
					       {"accepted_at", "2023-02-29"}),
					 NULL),
			 -EINVAL);
	assert_int_equal(tu_count(fx->s, "risk"), 0);
	/* No generated id was used up by the failures. */
	tu_add(fx->s, "risk", TU_KV({"title", "t"}, {"likelihood", "2"}, {"impact", "2"}));
	assert_all_keys(fx->s, "risk", "R-1");
}

static void t_add_null_takes_default(void **state)
{
	struct tu_fixture *fx = *state;

	/* An explicit null (as an import may carry) on add means "not given". */
	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", NULL}, {"email", NULL}));
	assert_field(fx->s, "person", "alice", "role", "user");
	assert_field(fx->s, "person", "alice", "email", NULL);
	assert_int_equal(isms_record_add(fx->s, tu_entity("asset"),
					 TU_KV({"name", "web1"}, {"type", NULL}), NULL),
			 -EINVAL);
	assert_int_equal(tu_count(fx->s, "asset"), 0);
}

static void t_change_errors(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *person = tu_entity("person");

	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"email", "a@example.org"}));
	tu_add(fx->s, "person", TU_KV({"name", "bob"}));
	assert_int_equal(isms_record_change(fx->s, person, "carol", TU_KV({"email", "c@x"})),
			 -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "'carol' not found");
	assert_int_equal(isms_record_change(fx->s, person, "alice", TU_KV({"name", "bob"})),
			 -EINVAL);
	assert_int_equal(isms_record_change(fx->s, person, "alice", TU_KV({"name", "alicia"})),
			 -EINVAL);
	assert_int_equal(isms_record_change(fx->s, person, "alice", TU_KV({"hat", "red"})),
			 -EINVAL);
	assert_int_equal(isms_record_change(fx->s, person, "alice", TU_KV({"active", "no"})),
			 -EINVAL);
	assert_int_equal(isms_record_change(fx->s, person, "alice", NULL, 0), -EINVAL);
	/* A field with a default is never empty. */
	assert_int_equal(isms_record_change(fx->s, person, "alice", TU_KV({"role", NULL})),
			 -EINVAL);
	/* All of a change or none of it. */
	assert_int_equal(isms_record_change(fx->s, person, "alice",
					    TU_KV({"email", "new@example.org"},
						  {"active_until", "2024-13-01"})),
			 -EINVAL);
	assert_field(fx->s, "person", "alice", "email", "a@example.org");
	assert_field(fx->s, "person", "alice", "active_until", NULL);
	assert_field(fx->s, "person", "alice", "role", "user");
	assert_all_keys(fx->s, "person", "alice,bob");
}

static void t_remove_referenced(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *person = tu_entity("person");

	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	tu_add(fx->s, "risk", TU_KV({"title", "t"}, {"likelihood", "1"}, {"impact", "1"},
				    {"owner", "alice"}));
	assert_int_equal(isms_record_remove(fx->s, person, "alice"), -ENOTEMPTY);
	assert_contains(isms_store_errmsg(fx->s), "person 'alice' is still referred to");
	assert_int_equal(tu_count(fx->s, "person"), 1);
	assert_field(fx->s, "risk", "R-1", "owner", "alice");
	assert_int_equal(isms_record_remove(fx->s, person, "nobody"), -ENOENT);
	assert_int_equal(isms_record_remove(fx->s, tu_entity("risk"), "R-1"), 0);
	assert_int_equal(isms_record_remove(fx->s, person, "alice"), 0);
	assert_int_equal(tu_count(fx->s, "person"), 0);
}

static void t_readonly_and_catalogue_entities(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *ev = tu_entity("evidence");
	const struct isms_entity *ctl = tu_entity("control");

	assert_int_equal(isms_record_add(fx->s, ev, TU_KV({"source", "x"}, {"kind", "y"}), NULL),
			 -EPERM);
	assert_int_equal(isms_record_change(fx->s, ev, "1", TU_KV({"kind", "y"})), -EPERM);
	assert_int_equal(isms_record_remove(fx->s, ev, "1"), -EPERM);
	/* Controls come from the catalogue: changed, never added or removed. */
	assert_int_equal(isms_record_add(fx->s, ctl,
					 TU_KV({"id", "9.9"}, {"title", "made up"},
					       {"theme", "people"}),
					 NULL),
			 -EPERM);
	assert_int_equal(isms_record_remove(fx->s, ctl, "5.1"), -EPERM);
	assert_int_equal(tu_count(fx->s, "control"), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
}

/* --- lists and filters --------------------------------------------------- */

static void filter_fixture(struct isms_store *s)
{
	tu_add(s, "person", TU_KV({"name", "alice"}));
	tu_add(s, "person", TU_KV({"name", "bob"}, {"active_until", PAST}));
	tu_add(s, "asset", TU_KV({"name", "web1"}, {"type", "host"}, {"owner", "alice"},
				 {"locked_down", "yes"}));
	tu_add(s, "asset", TU_KV({"name", "wiki"}, {"type", "service"}, {"owner", "bob"}));
	tu_add(s, "asset", TU_KV({"name", "crm"}, {"type", "application"}));
	/* R-1 low, R-2 very_high, R-3 high, R-4 medium (BSI table). */
	tu_add(s, "risk", TU_KV({"title", "a"}, {"likelihood", "1"}, {"impact", "1"},
				{"owner", "alice"}, {"treatment", "accept"}));
	tu_add(s, "risk", TU_KV({"title", "b"}, {"likelihood", "4"}, {"impact", "4"},
				{"owner", "bob"}, {"treatment", "mitigate"}, {"asset", "web1"}));
	tu_add(s, "risk", TU_KV({"title", "c"}, {"likelihood", "frequent"}, {"impact", "3"},
				{"owner", "alice"}, {"treatment", "mitigate"}));
	tu_add(s, "risk", TU_KV({"title", "d"}, {"likelihood", "3"}, {"impact", "2"}));
	tu_add(s, "measure", TU_KV({"title", "m1"}, {"due", PAST}, {"cost", "100"}));
	tu_add(s, "measure", TU_KV({"title", "m2"}, {"due", PAST}, {"status", "implemented"}));
	tu_add(s, "measure", TU_KV({"title", "m3"}, {"due", FUTURE}, {"cost", "100.00"}));
	tu_add(s, "measure", TU_KV({"title", "m4"}));
	tu_add(s, "review", TU_KV({"kind", "access"}, {"subject", "s"}, {"due", PAST}));
	tu_add(s, "review", TU_KV({"kind", "risk"}, {"subject", "s"}, {"due", FUTURE}));
	tu_add(s, "review", TU_KV({"kind", "access"}, {"subject", "s"}, {"due", PAST},
				  {"done", PAST}));
}

static void t_filters(void **state)
{
	struct tu_fixture *fx = *state;

	filter_fixture(fx->s);
	assert_keys(fx->s, "risk", "R-2,R-3", {"treatment", "mitigate"});
	assert_keys(fx->s, "risk", "R-2,R-3", {"treatment", "Mitigate"});
	assert_keys(fx->s, "risk", "R-1,R-3", {"owner", "alice"});
	assert_keys(fx->s, "risk", "R-3", {"owner", "alice"}, {"treatment", "mitigate"});
	assert_keys(fx->s, "risk", "", {"owner", "nobody"});
	assert_keys(fx->s, "risk", "R-3,R-4", {"likelihood", "frequent"});
	assert_keys(fx->s, "risk", "R-2", {"asset", "web1"});
	assert_keys(fx->s, "risk", "R-3", {"level", "high"});
	assert_keys(fx->s, "risk", "R-1", {"acceptable", "yes"});
	assert_keys(fx->s, "risk", "R-2,R-3,R-4", {"acceptable", "no"});
	assert_keys(fx->s, "asset", "web1", {"locked_down", "yes"});
	assert_keys(fx->s, "asset", "wiki,crm", {"locked_down", "off"});
	assert_keys(fx->s, "asset", "wiki", {"type", "service"});
	assert_keys(fx->s, "measure", "M-1", {"overdue", "yes"});
	assert_keys(fx->s, "measure", "M-2,M-3,M-4", {"overdue", "no"});
	assert_keys(fx->s, "measure", "M-1,M-3", {"cost", "100.0"});
	assert_keys(fx->s, "review", "V-1", {"overdue", "yes"});
	assert_keys(fx->s, "review", "V-1,V-3", {"kind", "access"});
	assert_keys(fx->s, "person", "bob", {"active", "no"});
	assert_keys(fx->s, "person", "alice", {"active", "true"});
}

static void t_filter_errors(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *risk = tu_entity("risk");
	int calls = 0;

	filter_fixture(fx->s);
	assert_int_equal(isms_record_list(fx->s, risk, TU_KV({"colour", "red"}),
					  never_cb, &calls),
			 -EINVAL);
	assert_int_equal(isms_record_list(fx->s, risk, TU_KV({"treatment", "ignore"}),
					  never_cb, &calls),
			 -EINVAL);
	assert_int_equal(isms_record_list(fx->s, risk, TU_KV({"acceptable", "perhaps"}),
					  never_cb, &calls),
			 -EINVAL);
	assert_int_equal(isms_record_list(fx->s, risk, TU_KV({"likelihood", "9"}),
					  never_cb, &calls),
			 -EINVAL);
}

static int stop_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	int *calls = userdata;

	(void)e;
	(void)values;
	return ++*calls == 2 ? 42 : 0;
}

static void t_list_stops(void **state)
{
	struct tu_fixture *fx = *state;
	int calls = 0;

	filter_fixture(fx->s);
	/* A callback's non-zero return ends the walk and comes back to the caller. */
	assert_int_equal(isms_record_list(fx->s, tu_entity("risk"), NULL, 0, stop_cb, &calls), 42);
	assert_int_equal(calls, 2);
	calls = 0;
	assert_int_equal(isms_record_get(fx->s, tu_entity("risk"), "R-3", stop_cb, &calls), 0);
	assert_int_equal(calls, 1);
}

/* --- computed fields ----------------------------------------------------- */

static void t_computed_risk(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *risk = tu_entity("risk");

	filter_fixture(fx->s);
	assert_field(fx->s, "risk", "R-1", "level", "low");
	assert_field(fx->s, "risk", "R-2", "level", "very_high");
	assert_field(fx->s, "risk", "R-3", "level", "high");
	assert_field(fx->s, "risk", "R-4", "level", "medium");
	assert_field(fx->s, "risk", "R-2", "rank", "4");
	assert_field(fx->s, "risk", "R-2", "score", "16");
	assert_field(fx->s, "risk", "R-3", "score", "9");
	assert_field(fx->s, "risk", "R-2", "residual_level", NULL);

	/* Acceptance follows the setting... */
	assert_field(fx->s, "risk", "R-1", "acceptable", "yes");
	assert_field(fx->s, "risk", "R-3", "acceptable", "no");
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "high"), 0);
	assert_field(fx->s, "risk", "R-3", "acceptable", "yes");
	assert_field(fx->s, "risk", "R-2", "acceptable", "no");
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "low"), 0);
	assert_field(fx->s, "risk", "R-3", "acceptable", "no");

	/* ...and the residual rating, once the measures treating it are implemented. */
	assert_int_equal(isms_record_change(fx->s, risk, "R-2",
					    TU_KV({"residual_likelihood", "rare"},
						  {"residual_impact", "limited"})),
			 0);
	assert_field(fx->s, "risk", "R-2", "residual_level", "low");
	assert_field(fx->s, "risk", "R-2", "level", "very_high");
	assert_field(fx->s, "risk", "R-2", "current_level", "very_high");
	assert_field(fx->s, "risk", "R-2", "acceptable", "no");
	tu_add(fx->s, "measure", TU_KV({"id", "MA"}, {"title", "m1"}, {"risk", "R-2"},
				       {"status", "implemented"}));
	tu_add(fx->s, "measure", TU_KV({"id", "MB"}, {"title", "m2"}, {"risk", "R-2"},
				       {"status", "planned"}));
	assert_field(fx->s, "risk", "R-2", "acceptable", "no");
	assert_int_equal(isms_record_change(fx->s, tu_entity("measure"), "MB",
					    TU_KV({"status", "cancelled"})),
			 0);
	assert_field(fx->s, "risk", "R-2", "current_level", "low");
	assert_field(fx->s, "risk", "R-2", "acceptable", "yes");
}

/* Acceptance (ISO 27001 6.1.3 f): by management, not the owner, dated, expiring after it. */
static void t_risk_acceptance(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *risk = tu_entity("risk");

	tu_add(fx->s, "person", TU_KV({"name", "mia"}, {"role", "management"}));
	tu_add(fx->s, "person", TU_KV({"name", "max"}, {"role", "management"},
				      {"active_until", "2026-01-31"}));
	tu_add(fx->s, "person", TU_KV({"name", "olga"}, {"role", "asset_owner"}));
	tu_add(fx->s, "risk", TU_KV({"title", "x"}, {"likelihood", "4"}, {"impact", "4"},
				    {"owner", "olga"}, {"treatment", "accept"}));
	assert_field(fx->s, "risk", "R-1", "acceptance", "proposed");
	assert_field(fx->s, "risk", "R-1", "acceptable", "no");
	/* the wrong role, the owner, a manager gone by then */
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"accepted_by", "olga"}, {"accepted_at", "2026-02-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "the proposer does not approve their own proposal");
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"owner", "mia"}, {"accepted_by", "mia"},
						  {"accepted_at", "2026-02-01"})),
			 -EPERM);
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"accepted_by", "max"}, {"accepted_at", "2026-02-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "not an active person with the role management");
	/* no date, a date to come, an expiry before it */
	assert_int_equal(isms_record_change(fx->s, risk, "R-1", TU_KV({"accepted_by", "mia"})),
			 -EINVAL);
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"accepted_by", "mia"}, {"accepted_at", "2099-01-01"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "in the future");
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"accepted_by", "mia"}, {"accepted_at", "2026-02-01"},
						  {"accepted_until", "2026-01-01"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "before it was given");
	assert_field(fx->s, "risk", "R-1", "accepted_by", NULL);
	/* accepted: acceptable although very high */
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"accepted_by", "mia"}, {"accepted_at", "2026-02-01"},
						  {"accepted_until", "2099-01-31"})),
			 0);
	assert_field(fx->s, "risk", "R-1", "acceptance", "accepted");
	assert_field(fx->s, "risk", "R-1", "acceptable", "yes");
	/* expired: not acceptable, even at a level within the threshold */
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"likelihood", "1"}, {"impact", "1"},
						  {"accepted_until", "2026-03-01"})),
			 0);
	assert_field(fx->s, "risk", "R-1", "acceptance", "expired");
	assert_field(fx->s, "risk", "R-1", "acceptable", "no");
	/* revoked, by management only */
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"accepted_until", NULL}, {"revoked_by", "olga"},
						  {"revoked_at", "2026-02-10"})),
			 -EPERM);
	assert_int_equal(isms_record_change(fx->s, risk, "R-1",
					    TU_KV({"accepted_until", NULL}, {"revoked_by", "mia"},
						  {"revoked_at", "2026-02-10"})),
			 0);
	assert_field(fx->s, "risk", "R-1", "acceptance", "revoked");
	assert_field(fx->s, "risk", "R-1", "acceptable", "no");
}

static void t_computed_dates(void **state)
{
	struct tu_fixture *fx = *state;

	filter_fixture(fx->s);
	assert_field(fx->s, "review", "V-1", "overdue", "yes"); /* past, not done */
	assert_field(fx->s, "review", "V-2", "overdue", "no");  /* future */
	assert_field(fx->s, "review", "V-3", "overdue", "no");  /* past, but done */
	assert_field(fx->s, "measure", "M-1", "overdue", "yes");
	assert_field(fx->s, "measure", "M-2", "overdue", "no"); /* implemented */
	assert_field(fx->s, "measure", "M-3", "overdue", "no");
	assert_field(fx->s, "measure", "M-4", "overdue", "no"); /* no due date */
	assert_field(fx->s, "person", "alice", "active", "yes");
	assert_field(fx->s, "person", "bob", "active", "no");
	assert_int_equal(isms_record_change(fx->s, tu_entity("person"), "bob",
					    TU_KV({"active_until", FUTURE})),
			 0);
	assert_field(fx->s, "person", "bob", "active", "yes");
	assert_int_equal(isms_record_change(fx->s, tu_entity("review"), "V-1",
					    TU_KV({"done", "2024-05-01"})),
			 0);
	assert_field(fx->s, "review", "V-1", "overdue", "no");
}

/* --- hostile values ------------------------------------------------------ */

static void t_hostile_sql(void **state)
{
	struct tu_fixture *fx = *state;
	static const char evil[] = "x'); DROP TABLE risk;--";
	static const char evil2[] = "\" OR 1=1 --";

	tu_add(fx->s, "person", TU_KV({"name", evil}, {"full_name", evil2}));
	tu_add(fx->s, "risk", TU_KV({"title", evil}, {"likelihood", "1"}, {"impact", "1"},
				    {"owner", evil}));
	assert_field(fx->s, "person", evil, "full_name", evil2);
	assert_field(fx->s, "risk", "R-1", "title", evil);
	assert_field(fx->s, "risk", "R-1", "owner", evil);
	assert_keys(fx->s, "risk", "R-1", {"owner", evil});
	assert_keys(fx->s, "person", "", {"name", evil2});
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM sqlite_master WHERE"
					      " type = 'table' AND name = 'risk'"),
			 1);
	assert_int_equal(tu_count(fx->s, "risk"), 1);
	assert_int_equal(tu_count(fx->s, "person"), 1);
	/* Field names are looked up, never pasted into SQL. */
	assert_int_equal(isms_record_add(fx->s, tu_entity("person"),
					 TU_KV({"name", "m"}, {"email\" = 1; --", "x"}), NULL),
			 -EINVAL);
	assert_int_equal(isms_record_list(fx->s, tu_entity("person"),
					  TU_KV({"1=1 OR name", "x"}), never_cb,
					  NULL),
			 -EINVAL);
	assert_int_equal(isms_record_remove(fx->s, tu_entity("person"), "x' OR '1'='1"), -ENOENT);
	assert_int_equal(tu_count(fx->s, "person"), 1);
}

static void t_hostile_text(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *person = tu_entity("person");
	static const char *const bad[] = {
		"esc\x1b]0;pwned\x07", "cr\rlf", "nul\x01", "del\x7f", "bad\xff utf8",
		"csi\xc2\x9b" "2J", "surrogate\xed\xa0\x80",
	};
	char *big = malloc(5001);

	assert_non_null(big);
	memset(big, 'A', 5000);
	big[5000] = '\0';
	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(isms_record_add(fx->s, person,
						 TU_KV({"name", "bob"}, {"full_name", bad[i]}),
						 NULL),
				 -EINVAL);
		assert_int_equal(isms_record_add(fx->s, person, TU_KV({"name", bad[i]}), NULL),
				 -EINVAL);
		assert_int_equal(isms_record_change(fx->s, person, "alice",
						    TU_KV({"full_name", bad[i]})),
				 -EINVAL);
	}
	assert_int_equal(isms_record_add(fx->s, person, TU_KV({"name", "bob"}, {"full_name", big}),
					 NULL),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "longer than");
	assert_int_equal(isms_record_add(fx->s, person, TU_KV({"name", big}), NULL), -EINVAL);
	assert_int_equal(isms_record_change(fx->s, person, "alice", TU_KV({"email", big})),
			 -EINVAL);
	assert_int_equal(tu_count(fx->s, "person"), 1);
	assert_field(fx->s, "person", "alice", "full_name", NULL);
	assert_field(fx->s, "person", "alice", "email", NULL);
	/* Tabs, newlines and non-ASCII letters are ordinary text. */
	tu_add(fx->s, "person", TU_KV({"name", "zoë"}, {"full_name", "Zoë\tO'Brien\nline 2"}));
	assert_field(fx->s, "person", "zoë", "full_name", "Zoë\tO'Brien\nline 2");
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_tables_key_first),
		cmocka_unit_test(t_tables_consistent),
		cmocka_unit_test(t_choices_str),
		cmocka_unit_test(t_parse_text),
		cmocka_unit_test(t_parse_length),
		cmocka_unit_test(t_parse_int_enum_date),
		cmocka_unit_test(t_parse_money_bool_ref_scale),
		STORE_TEST(t_person_round_trip),
		STORE_TEST(t_asset_round_trip),
		STORE_TEST(t_risk_auto_ids),
		STORE_TEST(t_risk_scale_values),
		STORE_TEST(t_measure_money),
		STORE_TEST(t_review_round_trip),
		STORE_TEST(t_document_ack),
		STORE_TEST(t_add_errors),
		STORE_TEST(t_add_null_takes_default),
		STORE_TEST(t_change_errors),
		STORE_TEST(t_remove_referenced),
		STORE_TEST(t_readonly_and_catalogue_entities),
		STORE_TEST(t_filters),
		STORE_TEST(t_filter_errors),
		STORE_TEST(t_list_stops),
		STORE_TEST(t_computed_risk),
		STORE_TEST(t_risk_acceptance),
		STORE_TEST(t_computed_dates),
		STORE_TEST(t_hostile_sql),
		STORE_TEST(t_hostile_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
