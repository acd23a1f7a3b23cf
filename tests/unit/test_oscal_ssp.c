/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system security plan's Grundschutz++ part on a real store: each
 * requirement checked an implemented requirement after the Annex A
 * controls, a by-component per check on the asset's component or on the
 * system, its state, owner and props; a plan of checks alone is a plan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/catalogue_import.h"
#include "isms/entity.h"
#include "isms/oscal_export.h"
#include "testutil.h"

#define SSP_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static const char kernel[] =
	"{\"catalog\":{\"uuid\":\"58d876a3-04d3-474e-a02f-be949c2a0a61\","
	"\"metadata\":{\"title\":\"K\",\"version\":\"1\",\"oscal-version\":\"1.1.3\"},"
	"\"controls\":[{\"id\":\"DET.3.1\",\"title\":\"Logging\"},"
	"{\"id\":\"DET.3.2\",\"title\":\"Cloud\"}]}}";

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	if (isms_catalogue_import(fx->s, "kernel", "k.json", kernel, strlen(kernel), false,
				  1800000000, NULL) < 0)
		fail_msg("%s", isms_store_errmsg(fx->s));
	tu_add(fx->s, "person", TU_KV({"name", "sofia"}, {"role", "security_officer"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web1"}, {"type", "host"}));
	tu_add(fx->s, "asset", TU_KV({"name", "payroll"}, {"type", "information"}));
	return 0;
}

static struct json_object *ssp(struct isms_store *s)
{
	char *text = NULL;
	struct json_object *doc, *o;

	if (isms_oscal_ssp(s, 1800000000, &text) < 0)
		fail_msg("ssp: %s", isms_store_errmsg(s));
	doc = json_tokener_parse(text);
	free(text);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "system-security-plan", &o));
	json_object_get(o);
	json_object_put(doc);
	return o;
}

static struct json_object *at(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); o && k; k = strtok_r(NULL, "/", &save)) {
		struct json_object *v = NULL;

		if (json_object_is_type(o, json_type_array))
			v = json_object_array_get_idx(o, (size_t)atoi(k));
		else
			json_object_object_get_ex(o, k, &v);
		o = v;
	}
	return o;
}

static const char *str(struct json_object *o, const char *path)
{
	struct json_object *v = at(o, path);

	return v ? json_object_get_string(v) : NULL;
}

/* The value of isms's prop @name of @o, or NULL. */
static const char *prop(struct json_object *o, const char *name)
{
	struct json_object *props = at(o, "props");

	for (size_t i = 0; props && i < json_object_array_length(props); i++) {
		struct json_object *p = json_object_array_get_idx(props, i);

		if (strcmp(str(p, "name"), name) == 0 && strcmp(str(p, "ns"), "urn:isms:oscal") == 0)
			return str(p, "value");
	}
	return NULL;
}

/* The UUID of the component titled @title. */
static const char *component(struct json_object *plan, const char *title)
{
	struct json_object *cs = at(plan, "system-implementation/components");

	for (size_t i = 0; i < json_object_array_length(cs); i++)
		if (strcmp(str(json_object_array_get_idx(cs, i), "title"), title) == 0)
			return str(json_object_array_get_idx(cs, i), "uuid");
	return NULL;
}

static void t_checks_are_implemented_requirements(void **state)
{
	struct tu_fixture *fx = *state;
	struct json_object *plan, *reqs, *r, *bc;

	assert_int_equal(isms_record_change(fx->s, tu_entity("control"), "5.17",
					    TU_KV({"applicable", "yes"}, {"status", "partial"})),
			 0);
	tu_add(fx->s, "implementation", TU_KV({"requirement", "DET.3.1"}, {"status", "yes"},
					     {"owner", "sofia"}, {"checked_at", "2026-11-30"}));
	tu_add(fx->s, "implementation", TU_KV({"asset", "web1"}, {"requirement", "DET.3.1"},
					     {"status", "partly"}));
	tu_add(fx->s, "implementation", TU_KV({"asset", "payroll"}, {"requirement", "DET.3.2"},
					     {"status", "not_applicable"}, {"notes", "no logs"}));
	plan = ssp(fx->s);
	reqs = at(plan, "control-implementation/implemented-requirements");
	assert_int_equal(json_object_array_length(reqs), 3);
	assert_string_equal(str(reqs, "0/control-id"), "A.5.17");
	r = json_object_array_get_idx(reqs, 1);
	assert_string_equal(str(r, "control-id"), "DET.3.1");
	assert_string_equal(prop(r, "framework"), "grundschutz++");
	assert_string_equal(prop(r, "catalogue"), "kernel");
	assert_int_equal(json_object_array_length(at(r, "by-components")), 2);
	/* the information domain on the system as a whole */
	bc = at(r, "by-components/0");
	assert_string_equal(str(bc, "component-uuid"),
			    component(plan, "The information domain in scope"));
	assert_string_equal(str(bc, "implementation-status/state"), "implemented");
	assert_string_equal(prop(bc, "status"), "yes");
	assert_string_equal(prop(bc, "checked-at"), "2026-11-30");
	assert_null(prop(bc, "asset"));
	assert_string_equal(str(bc, "responsible-roles/0/role-id"), "security_officer");
	assert_non_null(str(bc, "responsible-roles/0/party-uuids/0"));
	/* a host on its own component */
	bc = at(r, "by-components/1");
	assert_string_equal(str(bc, "component-uuid"), component(plan, "web1"));
	assert_string_equal(str(bc, "implementation-status/state"), "partial");
	assert_string_equal(prop(bc, "asset"), "web1");
	assert_null(at(bc, "responsible-roles"));
	/* an information asset is no component: on the system, named */
	bc = at(reqs, "2/by-components/0");
	assert_string_equal(str(reqs, "2/control-id"), "DET.3.2");
	assert_string_equal(str(bc, "component-uuid"),
			    component(plan, "The information domain in scope"));
	assert_string_equal(str(bc, "implementation-status/state"), "not-applicable");
	assert_string_equal(prop(bc, "asset"), "payroll");
	assert_string_equal(str(bc, "description"), "no logs");
	json_object_put(plan);
}

static void t_checks_alone_make_a_plan(void **state)
{
	struct tu_fixture *fx = *state;
	struct json_object *plan;
	char *text = NULL;

	assert_int_equal(isms_oscal_ssp(fx->s, 1800000000, &text), -ENODATA);
	tu_add(fx->s, "implementation", TU_KV({"asset", "web1"}, {"requirement", "DET.3.2"},
					     {"status", "no"}));
	plan = ssp(fx->s);
	assert_string_equal(str(plan, "control-implementation/implemented-requirements/0/control-id"),
			    "DET.3.2");
	assert_string_equal(str(plan, "control-implementation/implemented-requirements/0/"
				      "by-components/0/implementation-status/state"),
			    "planned");
	json_object_put(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SSP_TEST(t_checks_are_implemented_requirements),
		SSP_TEST(t_checks_alone_make_a_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
