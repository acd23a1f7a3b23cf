/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grundschutz++ modelling in the store: target object types loaded from the
 * BSI's CSV, assets modelled as target objects, protection requirements
 * inherited along dependencies by the maximum principle with justified
 * overrides, and the requirement package with its tailoring, parameters
 * and check, from the BSI's real Kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/assess.h"
#include "isms/catalogue.h"
#include "isms/catalogue_import.h"
#include "isms/modelling.h"
#include "isms/oscal.h"
#include "isms/tz.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

static char *bsi_path(const char *name)
{
	char *dir = tu_path(tu_data_dir(), "bsi-grundschutz-plusplus");
	char *path = tu_path(dir, name);

	free(dir);
	return path;
}

static void load_types(struct isms_store *s)
{
	char *path = bsi_path("target_object_categories.csv"), *err = NULL;
	int n = isms_model_types_load(s, path, &err);

	if (n < 0)
		fail_msg("%s", err ? err : "types not loaded");
	assert_int_equal(n, 39);
	free(path);
}

static void import_kernel(struct isms_store *s)
{
	char *path = bsi_path("BSI-Stand-der-Technik-Kernel-catalog.json"), *buf = NULL;
	size_t len;

	assert_int_equal(isms_read_file(path, ISMS_OSCAL_BYTES_MAX, &buf, &len), 0);
	assert_int_equal(isms_catalogue_import(s, "kernel", path, buf, len, false, 1800000000, NULL),
			 0);
	free(buf);
	free(path);
}

static int expect_fail(struct isms_store *s, int r, int want, const char *msg)
{
	assert_int_equal(r, want);
	assert_contains(isms_store_errmsg(s), msg);
	return 0;
}

static void asset(struct isms_store *s, const char *name, const char *type, const char *target,
		  const char *c, const char *i, const char *a)
{
	tu_add(s, "asset", TU_KV({"name", name}, {"type", type}, {"target_object", target},
				 {"confidentiality", c}, {"integrity", i}, {"availability", a}));
}

static void depends(struct isms_store *s, const char *name, const char *on)
{
	int r = isms_record_change(s, tu_entity("asset"), name, TU_KV({"depends_on", on}));

	if (r < 0)
		fail_msg("%s depends on %s: %s", name, on, isms_store_errmsg(s));
}

/* --- types ------------------------------------------------------------------------------ */

static void t_types(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_toc *toc = NULL;
	char *err = NULL, *bad;
	FILE *f;
	int host, it;

	/* nothing loaded yet: a type cannot be checked, so it is refused */
	assert_int_equal(isms_model_types(fx->s, &toc), -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "ismsctl init");
	assert_int_equal(isms_record_add(fx->s, tu_entity("asset"),
					 TU_KV({"name", "h"}, {"type", "host"},
					       {"target_object", "Hostsysteme"}),
					 NULL),
			 -ENOENT);
	load_types(fx->s);
	assert_int_equal(isms_model_types(fx->s, &toc), 0);
	host = isms_toc_find(toc, "Hostsysteme");
	it = isms_toc_find(toc, "IT-Systeme");
	assert_true(host >= 0 && it >= 0);
	assert_true(isms_toc_is_a(toc, host, it));
	isms_toc_free(toc);
	/* loading the same file again is idempotent */
	load_types(fx->s);
	/* unknown and synonym refused, the name accepted */
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("asset"),
				    TU_KV({"name", "h"}, {"type", "host"}, {"target_object", "Toaster"}),
				    NULL),
		    -EINVAL, "not a target object type");
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("asset"),
				    TU_KV({"name", "h"}, {"type", "host"}, {"target_object", "NAS"}),
				    NULL),
		    -EINVAL, "'Dateiserver'");
	assert_int_equal(tu_count(fx->s, "asset"), 0);
	asset(fx->s, "h", "host", "Hostsysteme", "normal", "normal", "normal");
	/* a file that lacks a type in use is refused, the store keeps the old one */
	bad = tu_path(fx->dir, "types.csv");
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("Zielobjekt,Definition,Typ,Kategorie,Synonyme,ChildOfUUID,UUID\n"
	      "IT-Systeme,d,IT-Systeme,Technisch,,,0b0c1a33-6b3c-4b8c-9d4e-1d2a3b4c5d6e\n",
	      f);
	fclose(f);
	assert_int_equal(isms_model_types_load(fx->s, bad, &err), -EINVAL);
	assert_contains(err, "asset 'h' is modelled as 'Hostsysteme'");
	free(err);
	err = NULL;
	assert_int_equal(isms_model_types(fx->s, &toc), 0);
	assert_int_equal(toc->n, 39);
	isms_toc_free(toc);
	/* a malformed file is refused with its problem */
	f = fopen(bad, "w");
	fputs("Zielobjekt,Definition\nx,y\n", f);
	fclose(f);
	assert_true(isms_model_types_load(fx->s, bad, &err) < 0);
	assert_non_null(err);
	free(err);
	free(bad);
}

/* --- inheritance ------------------------------------------------------------------------ */

struct prot {
	char from[3][64], override[3][64];
	int eff[3], inh[3], own[3], highest;
};

static int prot_cb(const struct isms_model_protection *p, void *ud)
{
	struct prot *o = ud;

	for (int k = 0; k < 3; k++) {
		o->eff[k] = p->effective[k];
		o->inh[k] = p->inherited[k];
		o->own[k] = p->own[k];
		snprintf(o->from[k], sizeof(o->from[k]), "%s", p->from[k] ? p->from[k] : "");
		snprintf(o->override[k], sizeof(o->override[k]), "%s",
			 p->override[k] ? p->override[k] : "");
	}
	o->highest = p->highest;
	return 0;
}

static struct prot prot_of(struct isms_store *s, const char *name)
{
	struct prot p;

	memset(&p, 0, sizeof(p));
	if (isms_model_protection(s, name, prot_cb, &p) < 0)
		fail_msg("protection of %s: %s", name, isms_store_errmsg(s));
	return p;
}

static void t_inherit(void **state)
{
	struct tu_fixture *fx = *state;
	struct prot p;

	load_types(fx->s);
	/* process -> application -> host -> room */
	asset(fx->s, "billing", "information", "Informationen", "high", "very_high", "normal");
	asset(fx->s, "crm", "application", "Anwendungen", "normal", "normal", "high");
	asset(fx->s, "web1", "host", "Hostsysteme", "normal", "normal", "normal");
	asset(fx->s, "web2", "host", "Hostsysteme", "normal", "normal", "normal");
	asset(fx->s, "room1", "room", "Serverräume", "normal", "normal", "normal");
	depends(fx->s, "billing", "crm");
	depends(fx->s, "crm", "web1,web2");
	depends(fx->s, "web1", "room1");
	depends(fx->s, "web2", "room1");

	p = prot_of(fx->s, "room1");
	/* the maximum over everything above it, traced back */
	assert_int_equal(p.eff[0], 1);
	assert_int_equal(p.eff[1], 2);
	assert_int_equal(p.eff[2], 1);
	assert_int_equal(p.own[1], 0);
	assert_true(strcmp(p.from[1], "web1") == 0 || strcmp(p.from[1], "web2") == 0);
	assert_int_equal(p.highest, 2);
	p = prot_of(fx->s, "crm");
	assert_string_equal(p.from[1], "billing");
	assert_string_equal(p.from[2], ""); /* its own high is not below billing's normal */
	assert_int_equal(p.eff[2], 1);

	/* distribution: crm runs on two redundant hosts, each needs less availability */
	tu_add(fx->s, "override",
	       TU_KV({"asset", "web1"}, {"objective", "availability"}, {"level", "normal"},
		     {"effect", "distribution"}, {"justification", "web2 takes over"}));
	p = prot_of(fx->s, "web1");
	assert_int_equal(p.eff[2], 0);
	assert_int_equal(p.inh[2], 1);
	assert_string_equal(p.override[2], "PO-1");
	/* the room still inherits high availability through web2 */
	p = prot_of(fx->s, "room1");
	assert_int_equal(p.eff[2], 1);
	assert_string_equal(p.from[2], "web2");

	/* an override that goes the wrong way, or nowhere, is refused */
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("override"),
				    TU_KV({"asset", "web2"}, {"objective", "availability"},
					  {"level", "very_high"}, {"effect", "distribution"},
					  {"justification", "x"}),
				    NULL),
		    -EINVAL, "distribution effect lowers");
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("override"),
				    TU_KV({"asset", "web2"}, {"objective", "integrity"},
					  {"level", "high"}, {"effect", "cumulative"},
					  {"justification", "x"}),
				    NULL),
		    -EINVAL, "cumulative effect raises");
	/* without a justification, refused */
	assert_int_equal(isms_record_add(fx->s, tu_entity("override"),
					 TU_KV({"asset", "web2"}, {"objective", "confidentiality"},
					       {"level", "very_high"}, {"effect", "cumulative"}),
					 NULL),
			 -EINVAL);
	/* cumulative: many modest applications on one host */
	tu_add(fx->s, "override",
	       TU_KV({"asset", "web2"}, {"objective", "confidentiality"}, {"level", "very_high"},
		     {"effect", "cumulative"}, {"justification", "twelve applications"}));
	p = prot_of(fx->s, "room1");
	assert_int_equal(p.eff[0], 2);
	assert_string_equal(p.from[0], "web2");
	/* one override per asset and objective */
	assert_int_equal(isms_record_add(fx->s, tu_entity("override"),
					 TU_KV({"asset", "web2"}, {"objective", "confidentiality"},
					       {"level", "high"}, {"effect", "cumulative"},
					       {"justification", "y"}),
					 NULL),
			 -EEXIST);
	assert_int_equal(tu_count(fx->s, "override"), 2);
}

static void t_cycle(void **state)
{
	struct tu_fixture *fx = *state;

	load_types(fx->s);
	asset(fx->s, "a", "application", "Anwendungen", "normal", "normal", "normal");
	asset(fx->s, "b", "host", "Hostsysteme", "normal", "normal", "normal");
	asset(fx->s, "c", "room", "Serverräume", "normal", "normal", "normal");
	depends(fx->s, "a", "b");
	depends(fx->s, "b", "c");
	expect_fail(fx->s, isms_record_change(fx->s, tu_entity("asset"), "c", TU_KV({"depends_on", "a"})),
		    -ELOOP, "form a cycle");
	expect_fail(fx->s, isms_record_change(fx->s, tu_entity("asset"), "c", TU_KV({"depends_on", "c"})),
		    -EINVAL, "cannot depend on itself");
	/* nothing of either was written */
	assert_field(fx->s, "asset", "c", "depends_on", NULL);
	/* an asset others depend on stays */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("asset"), "c"), -ENOTEMPTY);
	/* one that only depends goes, with its links */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("asset"), "a"), 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM asset_dependency"), 1);
}

/* --- the package ------------------------------------------------------------------------ */

struct pkg {
	size_t n, raised, normal, host_type, it_type, domain, excluded, added;
	char status[64], observed[16], params[512], controls[128];
};

static int pkg_cb(const struct isms_package_entry *e, void *ud)
{
	struct pkg *p = ud;

	p->n++;
	if (e->sec_level && strcmp(e->sec_level, ISMS_SEC_RAISED) == 0)
		p->raised++;
	else
		p->normal++;
	if (e->categories && strstr(e->categories, "Hostsysteme"))
		p->host_type++;
	if (e->categories && strstr(e->categories, "IT-Systeme"))
		p->it_type++;
	p->domain += e->why == ISMS_PKG_DOMAIN;
	p->excluded += e->tailoring && strcmp(e->tailoring, "exclude") == 0;
	p->added += e->why == ISMS_PKG_NO;
	if (strcmp(e->id, "KONF.4.1") == 0) {
		snprintf(p->status, sizeof(p->status), "%s", e->status ? e->status : "");
		snprintf(p->observed, sizeof(p->observed), "%s", e->observed ? e->observed : "");
		snprintf(p->controls, sizeof(p->controls), "%s", e->controls ? e->controls : "");
	}
	if (strcmp(e->id, "ASST.2.3.1") == 0)
		snprintf(p->params, sizeof(p->params), "%s", e->params ? e->params : "");
	return 0;
}

static struct pkg pkg_of(struct isms_store *s, const char *name, struct isms_package_totals *t)
{
	struct pkg p;

	memset(&p, 0, sizeof(p));
	if (isms_package_list(s, name, pkg_cb, &p, t) < 0)
		fail_msg("package of %s: %s", name ? name : "the domain", isms_store_errmsg(s));
	return p;
}

static void t_package(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_package_totals t;
	struct pkg p, q;

	load_types(fx->s);
	asset(fx->s, "vault", "host", "Hostsysteme", "very_high", "normal", "normal");
	asset(fx->s, "kiosk", "host", "Hostsysteme", "normal", "normal", "normal");
	asset(fx->s, "loose", "host", NULL, "normal", "normal", "normal");
	/* no catalogue yet: an error, not an empty package */
	expect_fail(fx->s, isms_package_list(fx->s, "vault", pkg_cb, &p, NULL), -ENOENT,
		    "no Grundschutz++ catalogue");
	import_kernel(fx->s);
	expect_fail(fx->s, isms_package_list(fx->s, "loose", pkg_cb, &p, NULL), -EINVAL,
		    "no target object type");
	expect_fail(fx->s, isms_package_list(fx->s, "nosuch", pkg_cb, &p, NULL), -ENOENT,
		    "no asset 'nosuch'");

	p = pkg_of(fx->s, "vault", &t);
	q = pkg_of(fx->s, "kiosk", NULL);
	/* very high confidentiality: both levels, for host systems and IT systems */
	assert_true(p.raised > 0 && p.normal > 0);
	assert_true(p.host_type > 0 && p.it_type > 0);
	assert_int_equal(p.domain, 0);
	/* normal: no raised requirement, the same normal ones */
	assert_int_equal(q.raised, 0);
	assert_int_equal(q.normal, p.normal);
	assert_int_equal(t.requirements, p.n);
	assert_int_equal(t.open, p.n);
	/* a kiosk inheriting very high confidentiality from what runs on it gets the raised ones */
	asset(fx->s, "secrets", "application", "Anwendungen", "very_high", "normal", "normal");
	depends(fx->s, "secrets", "kiosk");
	q = pkg_of(fx->s, "kiosk", NULL);
	assert_int_equal(q.raised, p.raised);
	/* the information domain: the requirements that name no type */
	q = pkg_of(fx->s, NULL, NULL);
	assert_true(q.n > 0);
	assert_int_equal(q.domain, q.n);

	/* tailoring: an exclusion needs the risk analysis behind it */
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("tailoring"),
				    TU_KV({"asset", "vault"}, {"requirement", "KONF.4.1"},
					  {"action", "exclude"}, {"justification", "air-gapped"}),
				    NULL),
		    -EINVAL, "risk analysis");
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("tailoring"),
				    TU_KV({"asset", "vault"}, {"requirement", "NOPE.1"},
					  {"action", "add"}, {"justification", "x"}),
				    NULL),
		    -ENOENT, "no requirement 'NOPE.1'");
	tu_add(fx->s, "risk", TU_KV({"title", "no patches"}, {"likelihood", "1"}, {"impact", "2"}));
	p = pkg_of(fx->s, "vault", NULL);
	tu_add(fx->s, "tailoring",
	       TU_KV({"asset", "vault"}, {"requirement", "KONF.4.1"}, {"action", "exclude"},
		     {"justification", "air-gapped"}, {"risk", "R-1"}));
	q = pkg_of(fx->s, "vault", &t);
	assert_int_equal(q.n, p.n); /* still listed, as excluded */
	assert_int_equal(q.excluded, 1);
	assert_int_equal(t.excluded, 1);
	assert_int_equal(t.requirements, p.n - 1);
	/* the kiosk's package is not touched by the vault's tailoring */
	assert_int_equal(pkg_of(fx->s, "kiosk", NULL).excluded, 0);
	/* adding one the type does not bring (one of the information domain's) */
	tu_add(fx->s, "tailoring",
	       TU_KV({"asset", "kiosk"}, {"requirement", "ARCH.1.1"}, {"action", "add"},
		     {"justification", "public terminal"}));
	q = pkg_of(fx->s, "kiosk", &t);
	assert_int_equal(q.added, 1);
	assert_int_equal(t.added, 1);

	/* the check, its parameter, and what a test observes */
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("implementation"),
				    TU_KV({"asset", "kiosk"}, {"requirement", "KONF.4.1"},
					  {"status", "not_applicable"}),
				    NULL),
		    -EINVAL, "needs the reason");
	tu_add(fx->s, "implementation",
	       TU_KV({"asset", "kiosk"}, {"requirement", "KONF.4.1"}, {"status", "partly"}));
	assert_int_equal(isms_record_add(fx->s, tu_entity("implementation"),
					 TU_KV({"asset", "kiosk"}, {"requirement", "KONF.4.1"},
					       {"status", "yes"}),
					 NULL),
			 -EEXIST);
	q = pkg_of(fx->s, "kiosk", &t);
	assert_string_equal(q.status, "partly");
	assert_int_equal(t.partly, 1);
	assert_string_equal(q.observed, "");
	expect_fail(fx->s,
		    isms_record_add(fx->s, tu_entity("parameter"),
				    TU_KV({"param", "nope-prm1"}, {"value", "x"}), NULL),
		    -ENOENT, "no requirement of the imported catalogues has a parameter");
	assert_contains(q.params, "\"asst.2.3.1-prm1\"");
	assert_contains(q.params, "\"value\":null");
	tu_add(fx->s, "parameter", TU_KV({"param", "asst.2.3.1-prm1"}, {"value", "the CISO"}));
	tu_add(fx->s, "parameter",
	       TU_KV({"asset", "kiosk"}, {"param", "asst.2.3.1-prm1"}, {"value", "the kiosk team"}));
	assert_contains(pkg_of(fx->s, "kiosk", NULL).params, "\"the kiosk team\"");
	assert_contains(pkg_of(fx->s, "vault", NULL).params, "\"the CISO\"");
	/* a test naming the requirement: its latest result is the observed status */
	{
		char *annex = tu_path(tu_data_dir(), "annex-a-2022.json");

		assert_int_equal(isms_catalogue_load_controls(fx->s, annex, NULL), 93);
		free(annex);
	}
	tu_add(fx->s, "test",
	       TU_KV({"name", "patches-attested"}, {"title", "patches attested"},
		     {"control", "8.8"}, {"rule", "attest valid=92d"}, {"frequency", "quarterly"},
		     {"requirements", "OPS.1.1,KONF.4.1"}));
	{
		struct isms_assess_opts o = {.test = "patches-attested", .now = 1800000000};
		struct isms_tz *tz = NULL;
		char *res;

		assert_int_equal(isms_tz_from_posix("UTC0", &tz), 0);
		o.tz = tz;
		if (isms_assess_run(fx->s, &o, NULL, NULL) != 1)
			fail_msg("assess: %s", isms_store_errmsg(fx->s));
		isms_tz_free(tz);
		res = tu_field(fx->s, "test", "patches-attested", "last_result");
		assert_non_null(res);
		q = pkg_of(fx->s, "kiosk", &t);
		assert_string_equal(q.observed, strcmp(res, "pass") == 0	     ? "pass" :
						strcmp(res, "insufficient") == 0 ? "insufficient" :
										   "fail");
		assert_int_equal(t.observed, 1);
		free(res);
	}
}

/* A check that is not for the domain is not for an asset, and the other way round. */
static void t_check_scope(void **state)
{
	struct tu_fixture *fx = *state;

	load_types(fx->s);
	import_kernel(fx->s);
	asset(fx->s, "k", "host", "Hostsysteme", "normal", "normal", "normal");
	tu_add(fx->s, "implementation", TU_KV({"requirement", "KONF.4.1"}, {"status", "yes"}));
	tu_add(fx->s, "implementation",
	       TU_KV({"asset", "k"}, {"requirement", "KONF.4.1"}, {"status", "no"}));
	assert_int_equal(isms_record_add(fx->s, tu_entity("implementation"),
					 TU_KV({"requirement", "KONF.4.1"}, {"status", "no"}), NULL),
			 -EEXIST);
	assert_string_equal(pkg_of(fx->s, "k", NULL).status, "no");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_types),   STORE_TEST(t_inherit),     STORE_TEST(t_cycle),
		STORE_TEST(t_package), STORE_TEST(t_check_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
