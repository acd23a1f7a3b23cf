/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Grundschutz++ requirement check in the system security plan
 * (oscal_ssp_internal.h): each requirement checked becomes an implemented
 * requirement beside the Annex A controls, its checks by-components of the
 * assets' components with their implementation status, who answers for
 * them and, in isms's namespace, the status as recorded and when it was
 * checked.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "modelling_internal.h"
#include "oscal_ssp_internal.h"
#include "store_internal.h"

#define COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

/* The check's status as OSCAL's implementation-status state. */
static const char *state_of(const char *status)
{
	return strcmp(status, "yes") == 0	     ? "implemented" :
	       strcmp(status, "partly") == 0	     ? "partial" :
	       strcmp(status, "not_applicable") == 0 ? "not-applicable" :
						       "planned";
}

/*
 * A control-id is an OSCAL token; the BSI's ids (KONF.4.1) are, but the
 * register takes any text an imported catalogue has.
 */
static void token(const char *id, char *buf, size_t len)
{
	size_t o = 0;

	if (len < 2)
		return;
	if (!isalpha((unsigned char)id[0]) && id[0] != '_')
		buf[o++] = '_';
	for (; *id && o + 1 < len; id++)
		buf[o++] = isalnum((unsigned char)*id) || strchr("._-", *id) ? *id : '_';
	buf[o] = '\0';
}

static struct json_object *new_requirement(struct oscal_ctx *x, const char *id, int *r)
{
	struct json_object *o = json_object_new_object(), *props = json_object_new_array();
	char uuid[ISMS_UUID_STR], ctl[128], *cat = NULL;

	if (!o || !props || oscal_uuid(x, "requirement", id, uuid) < 0) {
		json_object_put(o);
		json_object_put(props);
		*r = -ENOMEM;
		return NULL;
	}
	token(id, ctl, sizeof(ctl));
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "control-id", json_object_new_string(ctl));
	json_object_array_add(props, oscal_prop("framework", "grundschutz++"));
	*r = model_requirement_find(x->s, id, &cat);
	if (*r > 0 && cat)
		json_object_array_add(props, oscal_prop("catalogue", cat));
	free(cat);
	json_object_object_add(o, "props", props);
	json_object_object_add(o, "by-components", json_object_new_array());
	if (*r < 0) {
		json_object_put(o);
		return NULL;
	}
	*r = 0;
	return o;
}

/* One check (the row @st) as a by-component of @ir. */
static int add_check(struct oscal_ctx *x, const char *this_system, struct json_object *components,
		     struct json_object *ir, sqlite3_stmt *st)
{
	const char *req = COL(st, 0), *key = COL(st, 1), *asset = COL(st, 2), *status = COL(st, 3);
	const char *owner = COL(st, 4), *measure = COL(st, 5), *at = COL(st, 6), *notes = COL(st, 7);
	struct json_object *bc = json_object_new_object(), *props = json_object_new_array();
	struct json_object *is = json_object_new_object(), *comp = NULL, *bcs;
	char uuid[ISMS_UUID_STR], desc[512];

	if (!bc || !props || !is || oscal_uuid(x, "requirement-check", key, uuid) < 0) {
		json_object_put(bc);
		json_object_put(props);
		json_object_put(is);
		return -ENOMEM;
	}
	if (asset)
		json_object_object_get_ex(components, asset, &comp);
	json_object_object_add(bc, "component-uuid",
			       json_object_new_string(comp ? json_object_get_string(comp) :
							     this_system));
	json_object_object_add(bc, "uuid", json_object_new_string(uuid));
	if (asset)
		snprintf(desc, sizeof(desc), "Requirement %s checked for asset %s: %s.", req, asset,
			 status);
	else
		snprintf(desc, sizeof(desc), "Requirement %s checked for the information domain: %s.",
			 req, status);
	json_object_object_add(bc, "description",
			       json_object_new_string(notes && notes[0] ? notes : desc));
	json_object_array_add(props, oscal_prop("check", key));
	json_object_array_add(props, oscal_prop("status", status));
	json_object_array_add(props, oscal_prop("checked-at", at));
	if (asset)
		json_object_array_add(props, oscal_prop("asset", asset));
	if (measure)
		json_object_array_add(props, oscal_prop("measure", measure));
	json_object_object_add(bc, "props", props);
	json_object_object_add(is, "state", json_object_new_string(state_of(status)));
	json_object_object_add(bc, "implementation-status", is);
	if (owner) {
		struct json_object *rrs = json_object_new_array(), *rr = json_object_new_object();
		struct json_object *parties = json_object_new_array();
		char party[ISMS_UUID_STR];

		if (oscal_uuid(x, "party", owner, party) == 0)
			json_object_array_add(parties, json_object_new_string(party));
		/* as for the controls: an asset's owner, else the security officer */
		json_object_object_add(rr, "role-id",
				       json_object_new_string(asset ? "asset_owner" :
								      "security_officer"));
		json_object_object_add(rr, "party-uuids", parties);
		json_object_array_add(rrs, rr);
		json_object_object_add(bc, "responsible-roles", rrs);
	}
	json_object_object_get_ex(ir, "by-components", &bcs);
	json_object_array_add(bcs, bc);
	return 0;
}

int oscal_ssp_requirements(struct oscal_ctx *x, const char *this_system,
			   struct json_object *components, struct json_object *reqs)
{
	static const char sql[] =
		"SELECT i.requirement, i.id, a.name, i.status, o.name, m.id, i.checked_at, i.notes"
		" FROM implementation i LEFT JOIN asset a ON a.pk = i.asset"
		" LEFT JOIN person o ON o.pk = i.owner LEFT JOIN measure m ON m.pk = i.measure"
		" ORDER BY i.requirement, i.asset IS NOT NULL, a.name";
	struct json_object *ir = NULL;
	sqlite3_stmt *st = NULL;
	char *last = NULL;
	int r;

	r = store_prepare(x->s, sql, &st);
	while (r >= 0 && (r = store_step_row(x->s, st)) == 1) {
		const char *req = COL(st, 0);

		if (!last || strcmp(last, req) != 0) {
			free(last);
			last = strdup(req);
			ir = last ? new_requirement(x, req, &r) : NULL;
			if (!ir) {
				r = r < 0 ? r : -ENOMEM;
				break;
			}
			json_object_array_add(reqs, ir);
		}
		r = add_check(x, this_system, components, ir, st);
	}
	sqlite3_finalize(st);
	free(last);
	return r < 0 ? r : 0;
}
