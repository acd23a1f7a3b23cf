/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A personal data breach is an information security nonconformity too
 * (ISO 27001 10.2, 5.34): each breach of the DPO's store opens one in the
 * ISMS store, once, whatever became of it since.  The ISMS reads the DPMS
 * store; the DPMS never writes into the ISMS's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dpms.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/nonconformity.h"

struct breach {
	char *id, *title, *aware_at, *description, *risk;
};

struct breaches {
	struct breach *v;
	size_t n;
};

static int breach_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	static const char *const names[] = {"id", "title", "aware_at", "description", "risk"};
	struct breaches *b = ud;
	struct breach *nv = realloc(b->v, (b->n + 1) * sizeof(*nv)), *x;

	if (!nv)
		return -ENOMEM;
	b->v = nv;
	x = &nv[b->n++];
	*x = (struct breach){0};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char **f[] = {&x->id, &x->title, &x->aware_at, &x->description, &x->risk};
		const char *val = v[isms_entity_field_index(e, names[i])];

		if (val && !(*f[i] = strdup(val)))
			return -ENOMEM;
	}
	return 0;
}

static int any_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	(void)e, (void)v;
	*(bool *)ud = true;
	return 0;
}

/* A breach of personal data is an information security incident too (5.24-5.28). */
static int open_incident(struct isms_store *isms, const struct breach *b, const char *severity,
			 const char *nc)
{
	const struct isms_entity *ie = isms_schema_entity(&isms_schema_main, "incident");
	char title[256];
	const struct isms_kv kv[] = {
		{"title", title},
		{"category", "personal data breach"},
		{"severity", strcmp(severity, "major") == 0 ? "high" : "medium"},
		{"detected_at", b->aware_at},
		{"description", b->description},
		{"breach", b->id},
		{"nonconformity", nc},
	};

	snprintf(title, sizeof(title), "personal data breach %.32s: %.200s", b->id, b->title);
	return isms_record_add(isms, ie, kv, sizeof(kv) / sizeof(kv[0]), NULL);
}

int dpms_breaches_to_isms(struct isms_store *isms, struct isms_store *dpms,
			  struct dpms_breach_ncs *ret)
{
	const struct isms_entity *be = isms_schema_entity(&dpms_schema, "breach");
	const struct isms_entity *ne = isms_schema_entity(&isms_schema_main, "nonconformity");
	struct breaches b = {0};
	int r;

	*ret = (struct dpms_breach_ncs){0};
	r = isms_record_list(dpms, be, NULL, 0, breach_cb, &b);
	if (r >= 0)
		r = isms_store_begin(isms);
	if (r < 0)
		goto out;
	for (size_t i = 0; r >= 0 && i < b.n; i++) {
		const struct isms_kv f[] = {{"source", "breach"}, {"origin", b.v[i].id}};
		char title[256], desc[512];
		bool seen = false;
		char *ncid = NULL;
		int64_t t = 0;
		struct isms_nc_new nc = {
			.title = title, .source = "breach", .origin = b.v[i].id,
			.severity = b.v[i].risk && strcmp(b.v[i].risk, "high_risk") == 0 ? "major" : "minor",
			.description = desc, .controls = "5.34",
		};

		r = isms_record_list(isms, ne, f, 2, any_cb, &seen);
		if (r < 0 || seen)
			continue;
		if (!b.v[i].aware_at || isms_date_parse(b.v[i].aware_at, &t, NULL) < 0)
			t = (int64_t)time(NULL);
		nc.now = t;
		snprintf(title, sizeof(title), "personal data breach %.32s: %.200s", b.v[i].id,
			 b.v[i].title);
		snprintf(desc, sizeof(desc),
			 "recorded by the DPO (GDPR Art. 33); risk to the data subjects: %.32s. %.400s",
			 b.v[i].risk ? b.v[i].risk : "?",
			 b.v[i].description ? b.v[i].description : "");
		r = isms_nc_open(isms, &nc, &ncid);
		if (r == 1) {
			ret->opened++;
			r = open_incident(isms, &b.v[i], nc.severity, ncid);
		}
		free(ncid);
		ncid = NULL;
	}
	if (r < 0) {
		isms_store_rollback(isms);
		ret->opened = 0;
	} else {
		r = isms_store_commit(isms);
	}
	ret->breaches = b.n;
out:
	for (size_t i = 0; i < b.n; i++) {
		free(b.v[i].id);
		free(b.v[i].title);
		free(b.v[i].aware_at);
		free(b.v[i].description);
		free(b.v[i].risk);
	}
	free(b.v);
	return r < 0 ? r : 0;
}
