/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The records of processing activities for a supervisory authority
 * (Art. 30(4)): JSON, CSV, or a Markdown document that marks every field
 * still missing.  Also the auditd rules for the registered locations.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "dpms.h"
#include "isms/csv.h"
#include "isms/entity.h"

/* A record as name -> value pairs, for the fields we print. */
struct rec {
	const struct isms_entity *e;
	char **v;
};

struct recs {
	size_t n;
	struct rec *r;
};

static int collect(const struct isms_entity *e, const char *const *values, void *ud)
{
	struct recs *rs = ud;
	struct rec *nr = realloc(rs->r, (rs->n + 1) * sizeof(*nr));

	if (!nr)
		return -ENOMEM;
	rs->r = nr;
	nr[rs->n].e = e;
	nr[rs->n].v = calloc(e->nfields, sizeof(char *));
	if (!nr[rs->n].v)
		return -ENOMEM;
	for (size_t i = 0; i < e->nfields; i++)
		nr[rs->n].v[i] = values[i] ? strdup(values[i]) : NULL;
	rs->n++;
	return 0;
}

static void recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		for (size_t k = 0; k < rs->r[i].e->nfields; k++)
			free(rs->r[i].v[k]);
		free(rs->r[i].v);
	}
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static const char *get(const struct rec *r, const char *name)
{
	int i = r ? isms_entity_field_index(r->e, name) : -1;

	return i < 0 ? NULL : r->v[i];
}

/* The same, never NULL: for fields the schema requires. */
static const char *gs(const struct rec *r, const char *name)
{
	const char *v = get(r, name);

	return v ? v : "";
}

static bool empty(const char *v)
{
	return !v || !*v;
}

/*
 * One Art. 30 field: where in the article, what it is called, where it comes
 * from.  A processor's record (30(2)) names the same facts under its own
 * letters: @pref and @plabel, when set, replace @ref and @label there.
 */
struct art30 {
	const char *ref;
	const char *label;
	const char *field;
	int who;       /* 0 activity, 1 controller, 2 dpo, 3 the controllers processed for */
	unsigned when; /* bit 0 controller activities, bit 1 processor activities */
	bool optional; /* 'where applicable': not marked missing when empty */
	const char *pref;
	const char *plabel;
};

#define C 1u
#define P 2u
#define WHO_CLIENTS 3

static const struct art30 fields[] = {
	{"30(1)(a)", "Controller", "name", 1, C | P, false, "30(2)(a)", "Processor"},
	{"30(1)(a)", "Controller contact details", "contact", 1, C | P, false, "30(2)(a)",
	 "Processor contact details"},
	{"30(1)(a)", "Controller address", "address", 1, C | P, false, "30(2)(a)", "Processor address"},
	{"30(1)(a)", "Joint controllers", "joint_controllers", 1, C, true, NULL, NULL},
	{"30(1)(a)", "Representative (Art. 27)", "representative", 1, C | P, true, "30(2)(a)",
	 "Processor's representative (Art. 27)"},
	{"30(1)(a)", "Data protection officer", "name", 2, C | P, false, "30(2)(a)",
	 "Processor's data protection officer"},
	{"30(1)(a)", "DPO contact details", "contact", 2, C | P, false, "30(2)(a)",
	 "Processor's DPO contact details"},
	{"30(2)(a)", "Controllers processed for", "controllers", WHO_CLIENTS, P, false, NULL, NULL},
	{"30(2)(b)", "Categories of processing", "processing_categories", 0, P, false, NULL, NULL},
	{"30(1)(b)", "Purposes of the processing", "purposes", 0, C, false, NULL, NULL},
	{"Art. 6(1)", "Lawful basis", "lawful_basis", 0, C, false, NULL, NULL},
	{"30(1)(c)", "Categories of data subjects", "data_subjects", 0, C, false, NULL, NULL},
	{"30(1)(c)", "Categories of personal data", "data_categories", 0, C, false, NULL, NULL},
	{"Art. 9", "Special categories of personal data", "special_categories", 0, C | P, false, NULL,
	 NULL},
	{"Art. 9(2)", "Condition for special categories", "art9_basis", 0, C, true, NULL, NULL},
	{"Art. 10", "Criminal convictions and offences", "criminal_data", 0, C | P, false, NULL, NULL},
	{"30(1)(d)", "Categories of recipients", "recipients", 0, C, false, NULL, NULL},
	{"30(1)(d)", "Recipients in third countries", "third_country_recipients", 0, C, true, NULL,
	 NULL},
	{"30(1)(e)", "Transfers to third countries", "transfers", 0, C | P, false, "30(2)(c)", NULL},
	{"30(1)(e)", "Safeguards for transfers", "transfer_safeguards", 0, C | P, true, "30(2)(c)",
	 NULL},
	{"30(1)(f)", "Time limits for erasure", "erasure", 0, C, false, NULL, NULL},
	{"30(1)(g)", "Technical and organisational measures (Art. 32)", "toms", 0, C | P, false,
	 "30(2)(d)", NULL},
	{"", "ISMS measures", "isms_measures", 0, C | P, true, NULL, NULL},
	{"", "ISO 27001 Annex A controls", "isms_controls", 0, C | P, true, NULL, NULL},
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static bool is_processor(const struct rec *act)
{
	const char *role = get(act, "role");

	return role && strcmp(role, "processor") == 0;
}

static const char *ref_of(const struct art30 *f, const struct rec *act)
{
	return is_processor(act) && f->pref ? f->pref : f->ref;
}

static const char *label_of(const struct art30 *f, const struct rec *act)
{
	return is_processor(act) && f->plabel ? f->plabel : f->label;
}

/*
 * The controllers processed for, as one line for a document or a cell:
 * "Name (contact; representative: R; DPO: D); ...".  NULL when there are
 * none (or no memory: then the field reads as missing, never as complete).
 */
static char *clients_text(const struct recs *cl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!cl->n)
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < cl->n; i++) {
		const struct rec *c = &cl->r[i];

		fprintf(f, "%s%s (%s", i ? "; " : "", gs(c, "name"),
			empty(get(c, "contact")) ? "no contact details" : gs(c, "contact"));
		if (!empty(get(c, "representative")))
			fprintf(f, "; representative: %s", gs(c, "representative"));
		if (!empty(get(c, "dpo")))
			fprintf(f, "; DPO: %s", gs(c, "dpo"));
		fputc(')', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Each controller processed for needs its contact details (30(2)(a)). */
static size_t clients_missing(const struct recs *cl)
{
	size_t n = 0;

	for (size_t i = 0; i < cl->n; i++)
		n += empty(get(&cl->r[i], "contact"));
	return n;
}

static const char *value_of(const struct art30 *f, const struct rec *act, const struct rec *ctl,
			    const struct rec *dpo, const char *clients)
{
	if (f->who == WHO_CLIENTS)
		return clients;
	return get(f->who == 0 ? act : f->who == 1 ? ctl : dpo, f->field);
}

static bool applies(const struct art30 *f, const struct rec *act)
{
	return f->when & (is_processor(act) ? P : C);
}

/* A field is missing when empty; the Art. 9 condition only when special categories apply;
 * safeguards only when there are transfers; the controllers processed for also when one
 * of them has no contact details. */
static bool missing(const struct art30 *f, const struct rec *act, const struct rec *ctl,
		    const struct rec *dpo, const struct recs *cl, const char *clients)
{
	const char *v = value_of(f, act, ctl, dpo, clients);

	if (!applies(f, act))
		return false;
	if (f->who == WHO_CLIENTS)
		return empty(v) || clients_missing(cl) > 0;
	if (strcmp(f->field, "art9_basis") == 0)
		return get(act, "special_categories") && strcmp(get(act, "special_categories"), "yes") == 0 &&
		       (empty(v) || strcmp(v, "none") == 0);
	if (strcmp(f->field, "transfer_safeguards") == 0) {
		const char *t = get(act, "transfers");

		return !empty(t) && strcasecmp(t, "none") != 0 && (empty(v) || strcmp(v, "none") == 0);
	}
	return !f->optional && empty(v);
}

/* The controllers processed for, structured, for the JSON export. */
static struct json_object *clients_json(const struct recs *cl)
{
	static const char *const keys[] = {"id", "name", "contact", "representative", "dpo"};
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < cl->n; i++) {
		struct json_object *o = json_object_new_object();

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *v = get(&cl->r[i], keys[k]);

			json_object_object_add(o, keys[k], v ? json_object_new_string(v) : NULL);
		}
		json_object_array_add(a, o);
	}
	return a;
}

static void md_escape(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("|\\`*_[]<>#", *s))
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
}

/* The data locations of a CSV row: one cell, the paths separated by spaces. */
static int csv_locations(FILE *out, const struct recs *locs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int r;

	if (!m)
		return -ENOMEM;
	for (size_t k = 0; k < locs->n; k++)
		fprintf(m, "%s%s", k ? " " : "", gs(&locs->r[k], "path"));
	if (fclose(m) != 0) {
		free(buf);
		return -ENOMEM;
	}
	r = isms_csv_write_cell(out, buf, 0);
	free(buf);
	return r;
}

static int load(struct isms_store *s, const char *entity, const struct isms_kv *f, size_t nf,
		struct recs *rs)
{
	return isms_record_list(s, isms_schema_entity(&dpms_schema, entity), f, nf, collect, rs);
}

int dpms_ropa_export(struct isms_store *s, enum dpms_format fmt, const char *activity, FILE *out,
		     size_t *ret_missing)
{
	struct recs ctls = {0}, dpos = {0}, acts = {0};
	struct isms_kv af = {"id", activity};
	size_t nmissing = 0;
	struct json_object *root = NULL, *arr = NULL;
	int r;

	r = load(s, "controller", NULL, 0, &ctls);
	if (r >= 0)
		r = load(s, "dpo", NULL, 0, &dpos);
	if (r >= 0)
		r = load(s, "activity", activity ? &af : NULL, activity ? 1 : 0, &acts);
	if (r < 0)
		goto out;
	if (activity && acts.n == 0) {
		r = -ENOENT;
		goto out;
	}
	if (fmt == DPMS_FMT_JSON) {
		root = json_object_new_object();
		arr = json_object_new_array();
	} else if (fmt == DPMS_FMT_CSV) {
		fputs("activity,name,role", out);
		for (size_t i = 0; i < NFIELDS; i++) {
			fputc(',', out);
			isms_csv_write_cell(out, fields[i].label, 0);
		}
		fputs(",locations,dpia_likely,missing\r\n", out);
	} else {
		fprintf(out, "# Records of processing activities (GDPR Art. 30)\n\n");
		if (ctls.n)
			fprintf(out, "Controller: %s\n\n", gs(&ctls.r[0], "name"));
		fprintf(out,
			"Fields marked **MISSING** are required by Art. 30 and still empty.\n"
			"Fields marked *n/a* do not apply to the activity.\n\n");
	}
	for (size_t a = 0; a < acts.n; a++) {
		const struct rec *act = &acts.r[a];
		const struct rec *ctl = ctls.n ? &ctls.r[0] : NULL;
		const struct rec *dpo = dpos.n ? &dpos.r[0] : NULL;
		struct recs locs = {0}, cl = {0};
		struct isms_kv lf = {"activity", get(act, "id")};
		char *clients = NULL;
		struct json_object *o = NULL, *miss = NULL, *f30 = NULL;
		size_t here = 0;

		/* An activity names its controller; else the only one there is. */
		for (size_t k = 0; k < ctls.n; k++)
			if (get(act, "controller") && strcmp(get(&ctls.r[k], "name"), get(act, "controller")) == 0)
				ctl = &ctls.r[k];
		r = load(s, "location", &lf, 1, &locs);
		if (r >= 0 && is_processor(act))
			r = load(s, "client", &lf, 1, &cl);
		if (r < 0) {
			recs_free(&locs);
			recs_free(&cl);
			goto out;
		}
		clients = clients_text(&cl);
		if (fmt == DPMS_FMT_JSON) {
			o = json_object_new_object();
			miss = json_object_new_array();
			f30 = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(get(act, "id")));
			json_object_object_add(o, "name", json_object_new_string(get(act, "name")));
			json_object_object_add(o, "role", json_object_new_string(get(act, "role")));
			json_object_object_add(o, "status", json_object_new_string(get(act, "status")));
		} else if (fmt == DPMS_FMT_CSV) {
			isms_csv_write_cell(out, get(act, "id"), 0);
			fputc(',', out);
			isms_csv_write_cell(out, get(act, "name"), 0);
			fputc(',', out);
			isms_csv_write_cell(out, get(act, "role"), 0);
		} else {
			fprintf(out, "## %s ", gs(act, "id"));
			md_escape(out, get(act, "name"));
			fprintf(out, "\n\nRole: %s (Art. 30(%d)); status: %s\n\n| Art. | Field | Entry |\n|---|---|---|\n",
				gs(act, "role"), strcmp(gs(act, "role"), "processor") == 0 ? 2 : 1,
				gs(act, "status"));
		}
		for (size_t i = 0; i < NFIELDS; i++) {
			const struct art30 *f = &fields[i];
			const char *v = value_of(f, act, ctl, dpo, clients);
			bool m = missing(f, act, ctl, dpo, &cl, clients);
			char key[96];

			here += m;
			snprintf(key, sizeof(key), "%s%s", f->who == 1 ? "controller_" : f->who == 2 ? "dpo_" : "",
				 f->field);
			if (fmt == DPMS_FMT_JSON) {
				if (applies(f, act) && f->who == WHO_CLIENTS)
					json_object_object_add(f30, key, clients_json(&cl));
				else if (applies(f, act))
					json_object_object_add(f30, key, v ? json_object_new_string(v) : NULL);
				if (m)
					json_object_array_add(miss, json_object_new_string(key));
			} else if (fmt == DPMS_FMT_CSV) {
				fputc(',', out);
				isms_csv_write_cell(out, applies(f, act) ? v : NULL, 0);
			} else {
				fprintf(out, "| %s | %s | ", ref_of(f, act), label_of(f, act));
				if (!applies(f, act))
					fputs("*n/a*", out);
				else if (m && f->who == WHO_CLIENTS && !empty(v)) {
					md_escape(out, v);
					fputs(" **MISSING** contact details", out);
				} else if (m)
					fputs("**MISSING**", out);
				else if (empty(v))
					fputs("—", out);
				else
					md_escape(out, v);
				fputs(" |\n", out);
			}
		}
		if (fmt == DPMS_FMT_JSON) {
			struct json_object *la = json_object_new_array();

			for (size_t k = 0; k < locs.n; k++) {
				struct json_object *lo = json_object_new_object();

				json_object_object_add(lo, "path", json_object_new_string(get(&locs.r[k], "path")));
				json_object_object_add(lo, "kind", json_object_new_string(get(&locs.r[k], "kind")));
				if (get(&locs.r[k], "host"))
					json_object_object_add(lo, "host", json_object_new_string(get(&locs.r[k], "host")));
				json_object_array_add(la, lo);
			}
			json_object_object_add(o, "art30", f30);
			json_object_object_add(o, "locations", la);
			json_object_object_add(o, "dpia", get(act, "dpia") ? json_object_new_string(get(act, "dpia")) : NULL);
			json_object_object_add(o, "dpia_likely", get(act, "dpia_likely") ?
				json_object_new_boolean(strcmp(get(act, "dpia_likely"), "yes") == 0) : NULL);
			json_object_object_add(o, "missing", miss);
			json_object_array_add(arr, o);
		} else if (fmt == DPMS_FMT_CSV) {
			fputc(',', out);
			r = csv_locations(out, &locs);
			if (r < 0) {
				recs_free(&locs);
				recs_free(&cl);
				free(clients);
				goto out;
			}
			fputc(',', out);
			isms_csv_write_cell(out, get(act, "dpia_likely"), 0);
			fprintf(out, ",%zu\r\n", here);
		} else {
			fprintf(out, "\nData locations: ");
			if (!locs.n)
				fputs("none registered", out);
			for (size_t k = 0; k < locs.n; k++) {
				fprintf(out, "%s`%s`", k ? ", " : "", get(&locs.r[k], "path"));
			}
			if (get(act, "dpia"))
				fprintf(out, "\n\nDPIA: %s", gs(act, "dpia"));
			fprintf(out, "\n\nDPIA screening: %s\n\n",
				!get(act, "dpia_likely") ? "not done" :
				strcmp(get(act, "dpia_likely"), "yes") == 0 ? "two or more WP248 criteria: a DPIA is likely required" :
				"fewer than two WP248 criteria");
			if (here)
				fprintf(out, "**%zu required field%s missing.**\n\n", here, here == 1 ? "" : "s");
		}
		nmissing += here;
		recs_free(&locs);
		recs_free(&cl);
		free(clients);
	}
	if (fmt == DPMS_FMT_JSON) {
		struct json_object *c = json_object_new_object(), *d = json_object_new_object();

		if (ctls.n)
			for (size_t i = 0; i < ctls.r[0].e->nfields; i++)
				json_object_object_add(c, ctls.r[0].e->fields[i].name,
						       ctls.r[0].v[i] ? json_object_new_string(ctls.r[0].v[i]) : NULL);
		if (dpos.n)
			for (size_t i = 0; i < dpos.r[0].e->nfields; i++)
				json_object_object_add(d, dpos.r[0].e->fields[i].name,
						       dpos.r[0].v[i] ? json_object_new_string(dpos.r[0].v[i]) : NULL);
		json_object_object_add(root, "controller", c);
		json_object_object_add(root, "dpo", d);
		json_object_object_add(root, "activities", arr);
		json_object_object_add(root, "missing_fields", json_object_new_int64((int64_t)nmissing));
		fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
									    JSON_C_TO_STRING_NOSLASHESCAPE));
		arr = NULL;
	} else if (fmt == DPMS_FMT_MARKDOWN) {
		fprintf(out, "---\n%zu activit%s, %zu required field%s missing.\n", acts.n,
			acts.n == 1 ? "y" : "ies", nmissing, nmissing == 1 ? "" : "s");
	}
	if (ret_missing)
		*ret_missing = nmissing;
	r = 0;
out:
	json_object_put(root);
	json_object_put(arr);
	recs_free(&ctls);
	recs_free(&dpos);
	recs_free(&acts);
	return r;
}

static bool key_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 200)
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return false;
	return true;
}

int dpms_audit_rules(struct isms_store *s, FILE *out, size_t *ret_rules)
{
	struct recs acts = {0}, locs = {0};
	size_t n = 0;
	int r;

	r = load(s, "activity", NULL, 0, &acts);
	if (r >= 0)
		r = load(s, "location", NULL, 0, &locs);
	if (r < 0)
		goto out;
	fprintf(out,
		"## isms DPMS: watch the data of each processing activity (written by dpmsctl audit-rules)\n"
		"## Install as /etc/audit/rules.d/dpms.rules and load with: augenrules --load\n"
		"## audisp-isms routes events keyed dpms:* into the DPMS store, never the ISMS store.\n");
	for (size_t i = 0; i < locs.n; i++) {
		const char *act = get(&locs.r[i], "activity"), *path = get(&locs.r[i], "path");
		const char *status = NULL;

		for (size_t k = 0; k < acts.n; k++)
			if (strcmp(get(&acts.r[k], "id"), act) == 0)
				status = get(&acts.r[k], "status");
		if (status && strcmp(status, "retired") == 0)
			continue;
		/* Paths were checked on entry; the key goes into a rule line too. */
		if (!key_ok(act) || strpbrk(path, " \t\n")) {
			fprintf(out, "## skipped %s: activity id or path not usable in a rule\n",
				get(&locs.r[i], "id"));
			continue;
		}
		fprintf(out, "-w %s -p rwa -k dpms:%s\n", path, act);
		n++;
	}
	if (ret_rules)
		*ret_rules = n;
out:
	recs_free(&acts);
	recs_free(&locs);
	return r;
}
