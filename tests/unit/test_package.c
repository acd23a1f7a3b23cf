/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The requirement package of a target object over the BSI's own type tree:
 * a host system with a very high requirement receives the normal-SdT and
 * erhöht requirements of host systems and of IT systems; with normal
 * requirements no erhöht ones; the domain receives what names no type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/package.h"
#include "testutil.h"

static struct isms_toc *bsi_toc(void)
{
	const char *root = getenv("ISMS_SOURCE_ROOT");
	char path[4096], *buf = NULL, err[256];
	struct isms_toc *toc = NULL;
	size_t len;

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/data/bsi-grundschutz-plusplus/target_object_categories.csv",
		 root);
	assert_int_equal(isms_read_file(path, 1u << 20, &buf, &len), 0);
	assert_int_equal(isms_toc_parse(buf, len, &toc, err, sizeof(err)), 0);
	free(buf);
	return toc;
}

static const struct isms_package_req reqs[] = {
	{"HOST.1", ISMS_SEC_NORMAL, "Hostsysteme"},
	{"HOST.2", ISMS_SEC_RAISED, "Hostsysteme"},
	{"IT.1", ISMS_SEC_NORMAL, "IT-Systeme"},
	{"IT.2", ISMS_SEC_RAISED, "Netze, IT-Systeme"},
	{"APP.1", ISMS_SEC_NORMAL, "Anwendungen"},
	{"ORG.1", ISMS_SEC_NORMAL, NULL},
	{"ORG.2", ISMS_SEC_RAISED, ""},
	{"ODD.1", ISMS_SEC_NORMAL, "Gibt es nicht"},
	{"NEW.1", "künftig", "Hostsysteme"},
};
#define NREQ (sizeof(reqs) / sizeof(reqs[0]))

/* The ids selected, comma-separated. */
static void selected(const enum isms_package_why *why, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NREQ; i++)
		if (why[i] != ISMS_PKG_NO)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "", reqs[i].id);
}

static void t_host(void **state)
{
	struct isms_toc *toc = bsi_toc();
	enum isms_package_why why[NREQ];
	int host = isms_toc_find(toc, "Hostsysteme");
	char ids[256];

	(void)state;
	assert_true(host >= 0);
	assert_int_equal(isms_package_select(toc, host, 2, reqs, NREQ, why), 5);
	selected(why, ids, sizeof(ids));
	assert_string_equal(ids, "HOST.1,HOST.2,IT.1,IT.2,NEW.1");
	assert_int_equal(why[0], ISMS_PKG_TYPE);
	assert_int_equal(why[2], ISMS_PKG_ANCESTOR);
	assert_int_equal(isms_package_select(toc, host, 1, reqs, NREQ, why), 5);
	/* normal requirements: no erhöht ones */
	assert_int_equal(isms_package_select(toc, host, 0, reqs, NREQ, why), 3);
	selected(why, ids, sizeof(ids));
	assert_string_equal(ids, "HOST.1,IT.1,NEW.1");
	isms_toc_free(toc);
}

static void t_other_types(void **state)
{
	struct isms_toc *toc = bsi_toc();
	enum isms_package_why why[NREQ];
	char ids[256];

	(void)state;
	/* a web application is an application, never an IT system */
	assert_int_equal(isms_package_select(toc, isms_toc_find(toc, "Webanwendungen"), 2, reqs,
					     NREQ, why),
			 1);
	selected(why, ids, sizeof(ids));
	assert_string_equal(ids, "APP.1");
	/* the parent receives nothing of its children */
	assert_int_equal(isms_package_select(toc, isms_toc_find(toc, "IT-Systeme"), 2, reqs, NREQ,
					     why),
			 2);
	selected(why, ids, sizeof(ids));
	assert_string_equal(ids, "IT.1,IT.2");
	/* the information domain: what names no type */
	assert_int_equal(isms_package_select(toc, -1, 0, reqs, NREQ, why), 1);
	assert_int_equal(why[5], ISMS_PKG_DOMAIN);
	assert_int_equal(isms_package_select(toc, -1, 2, reqs, NREQ, why), 2);
	isms_toc_free(toc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_host),
		cmocka_unit_test(t_other_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
