/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OSCAL documents into the store: the BSI's Grundschutz++ files (the
 * unchanged copies in data/bsi-grundschutz-plusplus/) imported by name, and
 * malformed or hostile ones refused with the store left as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isms/catalogue.h"
#include "isms/catalogue_import.h"
#include "isms/evidence.h"
#include "isms/oscal.h"
#include "isms/oscal_export.h"
#include "isms/sha256.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

#define KERNEL   "BSI-Stand-der-Technik-Kernel-catalog.json"
#define METHODIK "BSI-Methodik-Grundschutz++-catalog.json"
#define PROFILE  "Grundschutz++-profile.json"
#define MAPPING  "ISO27001-AnnexA-to-GS++-mapping_collection.json"

static char *bsi_file(const char *name, size_t *ret_len)
{
	char *dir = tu_path(tu_data_dir(), "bsi-grundschutz-plusplus");
	char *path = tu_path(dir, name), *buf = NULL;

	if (isms_read_file(path, ISMS_OSCAL_BYTES_MAX, &buf, ret_len) < 0)
		fail_msg("cannot read '%s'", path);
	free(path);
	free(dir);
	return buf;
}

static int import_file(struct isms_store *s, const char *name, const char *file, bool replace,
		       struct isms_catalogue_counts *n)
{
	size_t len;
	char *buf = bsi_file(file, &len);
	int r = isms_catalogue_import(s, name, file, buf, len, replace, 1800000000, n);

	free(buf);
	return r;
}

static int import_named(struct isms_store *s, const char *name, const char *file, const char *sq,
			bool replace)
{
	char *json = strdup(sq);
	int r;

	assert_non_null(json);
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	r = isms_catalogue_import(s, name, file, json, strlen(json), replace, 1800000000,
				  NULL);
	free(json);
	return r;
}

static int import_text(struct isms_store *s, const char *name, const char *sq, bool replace)
{
	return import_named(s, name, NULL, sq, replace);
}

#define CAT(body)                                                                          \
	"{'catalog':{'uuid':'58d876a3-04d3-474e-a02f-be949c2a0a61',"                       \
	"'metadata':{'title':'T','version':'1','oscal-version':'1.1.3'}," body "}}"

struct seen {
	int n;
	char names[8][80];
	int64_t controls[8], imports[8], maps[8];
};

static int seen_cb(const struct isms_catalogue_info *c, void *ud)
{
	struct seen *s = ud;

	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s %s", c->name, c->kind);
		s->controls[s->n] = c->controls;
		s->imports[s->n] = c->imports;
		s->maps[s->n] = c->maps;
	}
	s->n++;
	return 0;
}

static int64_t evidence_rows(struct tu_fixture *fx)
{
	return tu_sql_int(fx->path, "SELECT count(*) FROM evidence");
}

static void assert_intact(struct isms_store *s)
{
	struct isms_verify_result v;

	assert_int_equal(isms_evidence_verify(s, &v), 0);
}

static void t_import_bsi(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_catalogue_counts n;
	struct seen seen = {0};
	char *annex = tu_path(tu_data_dir(), "annex-a-2022.json");

	assert_int_equal(isms_catalogue_load_controls(fx->s, annex, NULL), 93);
	free(annex);
	assert_int_equal(import_file(fx->s, "gspp-kernel", KERNEL, false, &n), 0);
	assert_int_equal(n.controls, 901);
	assert_int_equal(import_file(fx->s, "gspp-methodik", METHODIK, false, &n), 0);
	assert_int_equal(n.controls, 95);
	assert_int_equal(import_file(fx->s, "gspp-profile", PROFILE, false, &n), 0);
	assert_int_equal(n.imports, 3);
	assert_int_equal(import_file(fx->s, "iso-to-gspp", MAPPING, false, &n), 0);
	assert_true(n.maps > 0);

	assert_int_equal(isms_catalogue_list(fx->s, seen_cb, &seen), 0);
	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.names[0], "gspp-kernel catalog");
	assert_int_equal(seen.controls[0], 901);
	assert_string_equal(seen.names[1], "gspp-methodik catalog");
	assert_int_equal(seen.controls[1], 95);
	assert_string_equal(seen.names[2], "gspp-profile profile");
	assert_int_equal(seen.imports[2], 3);
	assert_string_equal(seen.names[3], "iso-to-gspp mapping");
	assert_int_equal(seen.maps[3], (int64_t)n.maps);

	/* one evidence row each, naming the document and its hash */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"
					      " WHERE kind = 'catalogue.imported'"),
			 4);
	{
		char *k = tu_keys(fx->s, "evidence",
				  TU_KV({"kind", "catalogue.imported"}, {"subject", "gspp-kernel"}));
		char *d = tu_field(fx->s, "evidence", k, "details"), sha[ISMS_SHA256_HEX], want[96];
		size_t len;
		char *buf = bsi_file(KERNEL, &len);

		assert_int_equal(isms_sha256_hex(buf, len, sha), 0);
		snprintf(want, sizeof(want), "\"sha256\":\"%s\"", sha);
		assert_non_null(d);
		assert_non_null(strstr(d, want));
		assert_non_null(strstr(d, "\"kind\":\"catalog\""));
		assert_non_null(strstr(d, "\"controls\":901"));
		assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"
						      " WHERE length(sha256) = 64"), 4);
		free(buf);
		free(d);
		free(k);
	}
	/* the profile's imports resolved from back-matter to the files they name */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_import"
					      " WHERE href LIKE '%.json'"),
			 3);
	/* the Annex A register is neither added to nor replaced */
	assert_int_equal(tu_count(fx->s, "control"), 93);
	assert_intact(fx->s);
}

struct one {
	int n;
	char *sec, *modal, *statement, *group, *props;
};

static int one_cb(const struct isms_catalogue_control *c, void *ud)
{
	struct one *o = ud;

	o->n++;
	o->sec = c->sec_level ? strdup(c->sec_level) : NULL;
	o->modal = c->modal_verb ? strdup(c->modal_verb) : NULL;
	o->statement = c->statement ? strdup(c->statement) : NULL;
	o->group = c->group ? strdup(c->group) : NULL;
	o->props = strdup(c->props);
	return 0;
}

static void t_control(void **state)
{
	struct tu_fixture *fx = *state;
	struct one o = {0};

	assert_int_equal(import_file(fx->s, "gspp-kernel", KERNEL, false, NULL), 0);
	assert_int_equal(isms_catalogue_controls(fx->s, "gspp-kernel", "ASST.1.1", one_cb, &o), 0);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.sec, "normal-SdT");
	assert_string_equal(o.modal, "MUSS");
	assert_string_equal(o.group, "ASST.1");
	assert_non_null(strstr(o.statement, "MUSS Verfahren und Regelungen"));
	/* every property, with where it was given */
	assert_non_null(strstr(o.props, "{\"name\":\"modal_verb\",\"value\":\"MUSS\""));
	assert_non_null(strstr(o.props, "\"origin\":\"statement\""));
	assert_non_null(strstr(o.props, "\"origin\":\"control\""));
	free(o.sec);
	free(o.modal);
	free(o.statement);
	free(o.group);
	free(o.props);

	assert_int_equal(isms_catalogue_controls(fx->s, "gspp-kernel", "NO.SUCH", one_cb, &o),
			 -ENOENT);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "has no control 'NO.SUCH'"));
	assert_int_equal(isms_catalogue_controls(fx->s, "nothing", NULL, one_cb, &o), -ENOENT);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "no catalogue 'nothing'"));
	/* nested controls keep their parent */
	assert_true(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control"
					 " WHERE parent IS NOT NULL") > 0);
}

/* Refused, with @msg in the message, and nothing written. */
static void refused(struct tu_fixture *fx, int r, int want, const char *msg, int64_t rows)
{
	assert_int_equal(r, want);
	if (!strstr(isms_store_errmsg(fx->s), msg))
		fail_msg("message '%s' lacks '%s'", isms_store_errmsg(fx->s), msg);
	assert_int_equal(evidence_rows(fx), rows);
}

static void t_refused(void **state)
{
	struct tu_fixture *fx = *state;
	int64_t rows = evidence_rows(fx), docs, controls;
	size_t len;
	char *buf = bsi_file(METHODIK, &len);

	/* truncated */
	refused(fx, isms_catalogue_import(fx->s, "cut", NULL, buf, len / 2, false, 1800000000, NULL),
		-EINVAL, "not an OSCAL catalog, profile or mapping", rows);
	free(buf);
	/* another model */
	refused(fx, import_text(fx->s, "comp", "{'component-definition':{'uuid':'x'}}", false),
		-EINVAL, "not an OSCAL catalog, profile or mapping", rows);
	/* one id twice */
	refused(fx,
		import_text(fx->s, "dup",
			    CAT("'controls':[{'id':'a','title':'A'},{'id':'a','title':'B'}]"),
			    false),
		-EINVAL, "control id 'a' given twice", rows);
	/* names that could not be typed back safely */
	refused(fx, import_text(fx->s, "a b", CAT("'controls':[{'id':'a','title':'A'}]"), false),
		-EINVAL, "catalogue name 'a b'", rows);
	refused(fx, import_text(fx->s, "", CAT("'controls':[{'id':'a','title':'A'}]"), false),
		-EINVAL, "catalogue name", rows);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"), 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control"), 0);

	/* a second import under one name, without --replace */
	assert_int_equal(import_file(fx->s, "gspp-methodik", METHODIK, false, NULL), 0);
	rows = evidence_rows(fx);
	docs = tu_sql_int(fx->path, "SELECT count(*) FROM catalogue");
	controls = tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control");
	refused(fx, import_file(fx->s, "gspp-methodik", KERNEL, false, NULL), -EEXIST,
		"catalogue 'gspp-methodik' is imported already (--replace replaces it)", rows);
	/* --replace with a broken document keeps the old one */
	refused(fx, import_text(fx->s, "gspp-methodik", "{'catalog':", true), -EINVAL,
		"not an OSCAL", rows);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"), docs);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control"), controls);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control"), 95);
	assert_intact(fx->s);
}

static void t_replace(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_catalogue_counts n;
	int64_t rows;

	assert_int_equal(import_file(fx->s, "gspp", METHODIK, false, NULL), 0);
	rows = evidence_rows(fx);
	assert_int_equal(import_file(fx->s, "gspp", KERNEL, true, &n), 0);
	assert_int_equal(n.controls, 901);
	/* the old rows are gone, not added to */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"), 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control"), 901);
	assert_int_equal(evidence_rows(fx), rows + 1);
	/* nested controls and groups (the Kernel's) are replaced as well */
	assert_int_equal(import_file(fx->s, "gspp", KERNEL, true, &n), 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control"), 901);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_group"), 117);
	assert_int_equal(evidence_rows(fx), rows + 2);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"
					      " WHERE kind = 'catalogue.imported'"
					      " AND outcome = 'replaced'"),
			 2);
	assert_intact(fx->s);
}

struct picked {
	int n, risk, methodik, other, unresolved;
	char ids[512];
};

static int picked_cb(const char *catalogue, const char *id, const char *title, void *ud)
{
	struct picked *p = ud;
	size_t len = strlen(p->ids);

	(void)title;
	p->n++;
	if (strcmp(catalogue, "risk") == 0)
		p->risk++;
	else if (strcmp(catalogue, "gspp-methodik") == 0)
		p->methodik++;
	else
		p->other++;
	snprintf(p->ids + len, sizeof(p->ids) - len, "%s%s", len ? "," : "", id);
	return 0;
}

static int unresolved_cb(const char *href, void *ud)
{
	struct picked *p = ud;

	(void)href;
	p->unresolved++;
	return 0;
}

static void t_resolve_bsi(void **state)
{
	struct tu_fixture *fx = *state;
	struct picked p = {0};

	assert_int_equal(import_file(fx->s, "gspp-methodik", METHODIK, false, NULL), 0);
	assert_int_equal(import_file(fx->s, "risk",
				     "BSI-Anforderungen-zum-Risikomanagement-catalog.json", false,
				     NULL),
			 0);
	assert_int_equal(import_file(fx->s, "gspp-profile", PROFILE, false, NULL), 0);
	assert_int_equal(isms_catalogue_resolve(fx->s, "gspp-profile", picked_cb, unresolved_cb, &p),
			 0);
	/* Methodik whole, four of risk management's, and the Kernel G0 file is not there */
	assert_int_equal(p.methodik, 95);
	assert_int_equal(p.risk, 4);
	assert_int_equal(p.other, 0);
	assert_int_equal(p.unresolved, 1);
	assert_int_equal(isms_catalogue_resolve(fx->s, "risk", picked_cb, NULL, &p), -EINVAL);
	assert_int_equal(isms_catalogue_resolve(fx->s, "none", picked_cb, NULL, &p), -ENOENT);
}

static void t_resolve_selectors(void **state)
{
	struct tu_fixture *fx = *state;
	struct picked p = {0};

	assert_int_equal(import_named(fx->s, "small", "dir/small.json",
				      CAT("'controls':[{'id':'a-1','title':'A','controls':"
					  "[{'id':'a-1.1','title':'A1','controls':"
					  "[{'id':'a-1.1.1','title':'A11'}]}]},"
					  "{'id':'a-2','title':'B'},{'id':'b-1','title':'C'},"
					  "{'id':'c-1','title':'D','controls':[{'id':'c-1.1','title':'D1'}]}]"),
				      false),
			 0);
	assert_int_equal(
		import_text(fx->s, "prof",
			    "{'profile':{'uuid':'58d876a3-04d3-474e-a02f-be949c2a0a62',"
			    "'metadata':{'title':'P','oscal-version':'1.1.3'},"
			    "'imports':[{'href':'../x/small.json','include-controls':["
			    "{'with-ids':['a-1'],'with-child-controls':'yes'},"
			    "{'matching':[{'pattern':'b-*'}]},{'with-ids':['c-1']}],"
			    "'exclude-controls':[{'with-ids':['a-1.1.1']}]},"
			    "{'href':'https://example.org/none.json','include-all':{}}]}}",
			    false),
		0);
	if (isms_catalogue_resolve(fx->s, "prof", picked_cb, unresolved_cb, &p) < 0)
		fail_msg("%s", isms_store_errmsg(fx->s));
	/* children followed where asked, not for c-1; the excluded one out; the glob */
	assert_string_equal(p.ids, "a-1,a-1.1,b-1,c-1");
	assert_int_equal(p.unresolved, 1);
}

/* A profile's catalogues in its transaction: all or nothing, the failing file named. */
static void t_import_all(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_catalogue_counts n[3];
	size_t plen, mlen;
	char *prof = bsi_file(PROFILE, &plen), *meth = bsi_file(METHODIK, &mlen);
	struct isms_catalogue_doc docs[3] = {{"p", "x/" PROFILE, prof, plen, true},
					     {"m", "y/" METHODIK, meth, mlen, true},
					     {"bad", "z/bad.json", meth, mlen / 2, true}};
	char **files = NULL, *name = NULL;
	size_t n_files = 0;
	int64_t rows = evidence_rows(fx);

	assert_int_equal(isms_catalogue_import_all(fx->s, docs, 3, false, 1800000000, n), -EINVAL);
	assert_non_null(strstr(isms_store_errmsg(fx->s), "'z/bad.json': not an OSCAL"));
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"), 0);
	assert_int_equal(evidence_rows(fx), rows);
	/* a name taken fails the second document: the first is not kept either */
	docs[1].name = "p";
	assert_int_equal(isms_catalogue_import_all(fx->s, docs, 2, false, 1800000000, n), -EEXIST);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"), 0);
	docs[1].name = "m";
	assert_int_equal(isms_catalogue_import_all(fx->s, docs, 2, false, 1800000000, n), 0);
	assert_int_equal(n[0].imports, 3);
	assert_int_equal(n[1].controls, 95);
	assert_int_equal(evidence_rows(fx), rows + 2);
	assert_int_equal(isms_catalogue_by_file(fx->s, "a/b/" METHODIK, &name), 1);
	assert_string_equal(name, "m");
	free(name);
	assert_int_equal(isms_catalogue_by_file(fx->s, PROFILE, &name), 0); /* not a catalog */

	/* the files it imports, through the back matter */
	assert_int_equal(isms_catalogue_profile_files(prof, plen, &files, &n_files), 0);
	assert_int_equal(n_files, 3);
	assert_string_equal(files[0], "../catalogs/Methodik-Grundschutz++/" METHODIK);
	assert_string_equal(files[2],
			    "../catalogs/Kernel/BSI-Stand-der-Technik-Kernel-G0-catalog.json");
	isms_catalogue_files_free(files, n_files);
	assert_int_equal(isms_catalogue_profile_files(meth, mlen, &files, &n_files), 0);
	assert_int_equal(n_files, 0);
	assert_int_equal(isms_catalogue_profile_files(meth, 10, &files, &n_files), -EINVAL);
	free(prof);
	free(meth);
}

/* A profile lists the controls it selects and the imports it misses. */
static void t_profile_counts(void **state)
{
	struct tu_fixture *fx = *state;
	struct seen seen = {0};

	assert_int_equal(import_file(fx->s, "gspp-profile", PROFILE, false, NULL), 0);
	assert_int_equal(isms_catalogue_list(fx->s, seen_cb, &seen), 0);
	assert_int_equal(seen.controls[0], 0);
	assert_int_equal(import_file(fx->s, "gspp-methodik", METHODIK, false, NULL), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(isms_catalogue_list(fx->s, seen_cb, &seen), 0);
	assert_string_equal(seen.names[1], "gspp-profile profile");
	assert_int_equal(seen.controls[1], 95);
}

static int missing_cb(const struct isms_catalogue_info *c, void *ud)
{
	*(int64_t *)ud = c->missing;
	return 0;
}

struct links {
	int n, titled, annex;
};

static int links_cb(const struct isms_catalogue_link *l, void *ud)
{
	struct links *k = ud;

	k->n++;
	k->titled += l->source_title && l->target_title;
	k->annex += l->source_catalogue && strcmp(l->source_catalogue, ISMS_ANNEX_A_NAME) == 0;
	return 0;
}

/* Annex A as a catalogue: once, replaced when its file changes, linked by the mapping. */
static void t_annex(void **state)
{
	struct tu_fixture *fx = *state;
	char *annex = tu_path(tu_data_dir(), "annex-a-2022.json"), *dir = tu_tmpdir();
	char *changed = tu_path(dir, "annex.json"), *buf = NULL, *doc = NULL, *p;
	struct links k = {0};
	int64_t rows = evidence_rows(fx), missing = -1;
	size_t len;
	FILE *f;

	assert_int_equal(isms_catalogue_load_annex_a(fx->s, annex, 1800000000, NULL), 93);
	assert_int_equal(isms_catalogue_load_annex_a(fx->s, annex, 1800000001, NULL), 93);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"), 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control k JOIN"
					      " catalogue_group g ON g.pk = k.grp WHERE k.id = '8.34'"
					      " AND g.id = '8' AND g.title = 'Technological controls'"),
			 1);
	/* the first load's time: the second changed nothing */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"
					      " WHERE imported_at = '2027-01-15T08:00:00Z'"),
			 1);
	assert_int_equal(evidence_rows(fx), rows);
	/* a changed file replaces it */
	assert_int_equal(isms_read_file(annex, 1u << 20, &buf, &len), 0);
	p = strstr(buf, "\"Access control\"");
	assert_non_null(p);
	memcpy(p + 1, "Xccess", 6);
	f = fopen(changed, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	assert_int_equal(isms_catalogue_load_annex_a(fx->s, changed, 1800000002, NULL), 93);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control"
					      " WHERE id = '5.15' AND title = 'Xccess control'"),
			 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue"), 1);

	/* the mapping's Annex A side is this catalogue */
	assert_int_equal(import_file(fx->s, "gspp-methodik", METHODIK, false, NULL), 0);
	assert_int_equal(import_file(fx->s, "iso", MAPPING, false, NULL), 0);
	assert_int_equal(isms_catalogue_links(fx->s, "iso", "5.1", ISMS_ANNEX_A_NAME, links_cb, &k),
			 0);
	assert_true(k.n >= 1 && k.annex == k.n && k.titled >= 1);
	assert_int_equal(isms_catalogue_links(fx->s, "gspp-methodik", NULL, NULL, links_cb, &k),
			 -EINVAL);
	assert_int_equal(isms_catalogue_get(fx->s, "iso", missing_cb, &missing), 0);
	assert_int_equal(missing, 0);

	/* exported like any catalog; a mapping is not */
	assert_int_equal(isms_oscal_catalog(fx->s, ISMS_ANNEX_A_NAME, 1800000000, &doc), 0);
	assert_non_null(strstr(doc, "\"id\":\"5.1\""));
	free(doc);
	assert_int_equal(isms_oscal_catalog(fx->s, "iso", 1800000000, &doc), -EINVAL);
	assert_int_equal(isms_oscal_catalog(fx->s, "none", 1800000000, &doc), -ENOENT);

	/* a catalogue of that name imported by hand is kept */
	assert_int_equal(import_named(fx->s, ISMS_ANNEX_A_NAME, NULL,
				      CAT("'controls':[{'id':'a','title':'A'}]"), true),
			 0);
	assert_int_equal(isms_catalogue_load_annex_a(fx->s, annex, 1800000003, NULL), -EEXIST);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM catalogue_control k JOIN"
					      " catalogue c ON c.pk = k.catalogue"
					      " WHERE c.name = 'ISO27001-AnnexA'"),
			 1);
	unlink(changed);
	rmdir(dir);
	free(changed);
	free(dir);
	free(buf);
	free(annex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_import_bsi),
		STORE_TEST(t_control),
		STORE_TEST(t_refused),
		STORE_TEST(t_replace),
		STORE_TEST(t_resolve_bsi),
		STORE_TEST(t_resolve_selectors),
		STORE_TEST(t_import_all),
		STORE_TEST(t_profile_counts),
		STORE_TEST(t_annex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
