/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OSCAL system security plan (isms/oscal_export.h): the scope as the
 * system, its hosts, services and applications as components, its
 * information assets as information types, the people holding the ISMS
 * roles as parties, and each control the SoA decided as an implemented
 * requirement with its status, measures and responsible roles; then each
 * Grundschutz++ requirement checked (oscal_ssp_requirements.c).  The
 * profile it imports is Annex A as the store holds it, named in the back
 * matter (ISO's text is not the store's to hand out).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/entity.h"
#include "isms/oscal_export.h"
#include "oscal_export_internal.h"
#include "oscal_ssp_internal.h"
#include "store_internal.h"

/* The roles a plan names, as the register has them. */
static const char *const plan_roles[][2] = {
	{"management", "Top management"},
	{"security_officer", "Information security officer"},
	{"dpo", "Data protection officer"},
	{"risk_owner", "Risk owner"},
	{"asset_owner", "Asset owner"},
	{"auditor", "Internal auditor"},
};
#define N_ROLES (sizeof(plan_roles) / sizeof(plan_roles[0]))

struct ssp {
	struct oscal_ctx *x;
	struct json_object *parties, *holders[N_ROLES], *components, *info_types, *reqs, *scopes;
	struct json_object *asset_components; /* asset name -> its component's UUID */
	char this_system[ISMS_UUID_STR];
	int level[3]; /* the highest requirement of the assets, C I A */
};

static const char *val(const struct isms_entity *e, const char *const *v, const char *name)
{
	const struct isms_field *f = isms_entity_field(e, name);

	return f ? v[f - e->fields] : NULL;
}

static bool holds(const char *set, const char *role)
{
	size_t n = strlen(role);

	for (const char *p = set; p && *p;) {
		size_t l = strcspn(p, ",");

		if (l == n && strncmp(p, role, n) == 0)
			return true;
		p += l + (p[l] == ',');
	}
	return false;
}

static int person_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	struct ssp *p = userdata;
	const char *name = val(e, v, "name"), *full = val(e, v, "full_name");
	const char *active = val(e, v, "active"), *roles = val(e, v, "role");
	const char *email = val(e, v, "email");
	struct json_object *o;
	char uuid[ISMS_UUID_STR];

	if (active && strcmp(active, "yes") != 0)
		return 0;
	if (oscal_uuid(p->x, "party", name, uuid) < 0 || !(o = json_object_new_object()))
		return -ENOMEM;
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "type", json_object_new_string("person"));
	json_object_object_add(o, "name", json_object_new_string(full && full[0] ? full : name));
	if (email && email[0]) {
		struct json_object *mails = json_object_new_array();

		json_object_array_add(mails, json_object_new_string(email));
		json_object_object_add(o, "email-addresses", mails);
	}
	json_object_array_add(p->parties, o);
	for (size_t i = 0; i < N_ROLES; i++)
		if (holds(roles, plan_roles[i][0]))
			json_object_array_add(p->holders[i], json_object_new_string(uuid));
	return 0;
}

static int level_of(const char *v)
{
	return !v ? 0 : strcmp(v, "very_high") == 0 ? 2 : strcmp(v, "high") == 0 ? 1 : 0;
}

static const char *level_name(int l)
{
	return l == 2 ? "very_high" : l == 1 ? "high" : "normal";
}

static struct json_object *impact(const char *v)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "base", json_object_new_string(v ? v : "normal"));
	return o;
}

static struct json_object *owner_role(struct ssp *p, const char *role, const char *owner)
{
	struct json_object *arr = json_object_new_array(), *rr = json_object_new_object();
	struct json_object *parties = json_object_new_array();
	char uuid[ISMS_UUID_STR];

	json_object_object_add(rr, "role-id", json_object_new_string(role));
	if (owner && oscal_uuid(p->x, "party", owner, uuid) == 0) {
		json_object_array_add(parties, json_object_new_string(uuid));
		json_object_object_add(rr, "party-uuids", parties);
	} else {
		json_object_put(parties);
	}
	json_object_array_add(arr, rr);
	return arr;
}

static int asset_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	static const char *const types[][2] = {
		{"host", "system"},         {"service", "service"}, {"application", "software"},
		{"network", "network"},     {"site", "physical"},   {"room", "physical"},
	};
	struct ssp *p = userdata;
	const char *name = val(e, v, "name"), *type = val(e, v, "type"), *kind = NULL;
	const char *c = val(e, v, "confidentiality"), *i = val(e, v, "integrity");
	const char *a = val(e, v, "availability"), *desc = val(e, v, "description");
	struct json_object *o;
	char uuid[ISMS_UUID_STR], text[512];

	p->level[0] = level_of(c) > p->level[0] ? level_of(c) : p->level[0];
	p->level[1] = level_of(i) > p->level[1] ? level_of(i) : p->level[1];
	p->level[2] = level_of(a) > p->level[2] ? level_of(a) : p->level[2];
	if (oscal_uuid(p->x, "asset", name, uuid) < 0 || !(o = json_object_new_object()))
		return -ENOMEM;
	snprintf(text, sizeof(text), "%s%s(asset %s, %s)", desc && desc[0] ? desc : "",
		 desc && desc[0] ? " " : "", name, type);
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "title", json_object_new_string(name));
	json_object_object_add(o, "description", json_object_new_string(text));
	if (strcmp(type, "information") == 0) {
		json_object_object_add(o, "confidentiality-impact", impact(c));
		json_object_object_add(o, "integrity-impact", impact(i));
		json_object_object_add(o, "availability-impact", impact(a));
		json_object_array_add(p->info_types, o);
		return 0;
	}
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (strcmp(type, types[k][0]) == 0)
			kind = types[k][1];
	if (!kind) {
		json_object_put(o); /* a person is a party, not a component */
		return 0;
	}
	json_object_object_add(o, "type", json_object_new_string(kind));
	{
		struct json_object *props = json_object_new_array(), *st = json_object_new_object();

		json_object_array_add(props, oscal_prop("asset", name));
		json_object_array_add(props, oscal_prop("asset-type", type));
		json_object_array_add(props, oscal_prop("confidentiality", c ? c : "normal"));
		json_object_array_add(props, oscal_prop("integrity", i ? i : "normal"));
		json_object_array_add(props, oscal_prop("availability", a ? a : "normal"));
		json_object_object_add(o, "props", props);
		json_object_object_add(st, "state", json_object_new_string("operational"));
		json_object_object_add(o, "status", st);
	}
	json_object_object_add(o, "responsible-roles",
			       owner_role(p, "asset_owner", val(e, v, "owner")));
	json_object_array_add(p->components, o);
	json_object_object_add(p->asset_components, name, json_object_new_string(uuid));
	return 0;
}

static int scope_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	struct ssp *p = userdata;

	json_object_array_add(p->scopes, json_object_new_string(val(e, v, "name")));
	json_object_array_add(p->scopes, json_object_new_string(val(e, v, "statement")));
	json_object_array_add(p->scopes, json_object_new_string(val(e, v, "boundaries") ?
									val(e, v, "boundaries") :
									""));
	return 0;
}

static int control_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	struct ssp *p = userdata;
	const char *id = val(e, v, "id"), *app = val(e, v, "applicable"), *st = val(e, v, "status");
	const char *measures = val(e, v, "measures"), *state;
	struct json_object *o, *bc, *bcs, *is, *props;
	char uuid[ISMS_UUID_STR], buuid[ISMS_UUID_STR], ctl[64], desc[1024];

	if (!app || strcmp(app, "undecided") == 0)
		return 0; /* not in the SoA yet: nothing to claim */
	if (oscal_uuid(p->x, "implemented-requirement", id, uuid) < 0 ||
	    oscal_uuid(p->x, "by-component", id, buuid) < 0 || !(o = json_object_new_object()))
		return -ENOMEM;
	oscal_control_id(id, ctl, sizeof(ctl));
	state = strcmp(app, "no") == 0	       ? "not-applicable" :
		strcmp(st, "implemented") == 0 ? "implemented" :
		strcmp(st, "partial") == 0     ? "partial" :
						 "planned";
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "control-id", json_object_new_string(ctl));
	props = json_object_new_array();
	json_object_array_add(props, oscal_prop("applicable", app));
	json_object_array_add(props, oscal_prop("status", st));
	if (measures && measures[0])
		json_object_array_add(props, oscal_prop("measures", measures));
	json_object_object_add(o, "props", props);
	json_object_object_add(o, "responsible-roles",
			       owner_role(p, val(e, v, "owner") ? "asset_owner" : "security_officer",
					  val(e, v, "owner")));
	{
		const char *just = val(e, v, "justification");

		bool m = measures && measures[0];

		snprintf(desc, sizeof(desc), "%s%s%s%s", just ? just : "", just && m ? " " : "",
			 m ? "Measures: " : "", m ? measures : "");
	}
	if (!desc[0])
		snprintf(desc, sizeof(desc), "Control %s, %s.", id, st);
	bc = json_object_new_object();
	json_object_object_add(bc, "component-uuid", json_object_new_string(p->this_system));
	json_object_object_add(bc, "uuid", json_object_new_string(buuid));
	json_object_object_add(bc, "description", json_object_new_string(desc));
	is = json_object_new_object();
	json_object_object_add(is, "state", json_object_new_string(state));
	json_object_object_add(bc, "implementation-status", is);
	bcs = json_object_new_array();
	json_object_array_add(bcs, bc);
	json_object_object_add(o, "by-components", bcs);
	json_object_array_add(p->reqs, o);
	return 0;
}

/* The metadata's roles and who holds them. */
static void add_roles(struct ssp *p, struct json_object *meta)
{
	struct json_object *roles = json_object_new_array(), *rps = json_object_new_array();
	struct json_object *parties = NULL;

	for (size_t i = 0; i < N_ROLES; i++) {
		struct json_object *r = json_object_new_object();

		json_object_object_add(r, "id", json_object_new_string(plan_roles[i][0]));
		json_object_object_add(r, "title", json_object_new_string(plan_roles[i][1]));
		json_object_array_add(roles, r);
		if (json_object_array_length(p->holders[i])) {
			struct json_object *rp = json_object_new_object();

			json_object_object_add(rp, "role-id", json_object_new_string(plan_roles[i][0]));
			json_object_object_add(rp, "party-uuids", json_object_get(p->holders[i]));
			json_object_array_add(rps, rp);
		}
	}
	json_object_object_add(meta, "roles", roles);
	/* the organisation oscal_metadata() named, then the people */
	if (json_object_object_get_ex(meta, "parties", &parties))
		for (size_t i = 0; i < json_object_array_length(p->parties); i++)
			json_object_array_add(parties,
					      json_object_get(json_object_array_get_idx(p->parties, i)));
	else if (json_object_array_length(p->parties))
		json_object_object_add(meta, "parties", json_object_get(p->parties));
	if (json_object_array_length(rps))
		json_object_object_add(meta, "responsible-parties", rps);
	else
		json_object_put(rps);
}

static struct json_object *characteristics(struct ssp *p, const char *org)
{
	struct json_object *sc = json_object_new_object(), *ids = json_object_new_array();
	struct json_object *id = json_object_new_object(), *si = json_object_new_object();
	struct json_object *st = json_object_new_object(), *ab = json_object_new_object();
	struct json_object *sil = json_object_new_object();
	char name[512] = "", desc[4096] = "", bound[2048] = "";
	size_t ns = json_object_array_length(p->scopes) / 3;

	json_object_object_add(id, "identifier-type", json_object_new_string("urn:isms:store"));
	json_object_object_add(id, "id", json_object_new_string(p->x->store_id));
	json_object_array_add(ids, id);
	json_object_object_add(sc, "system-ids", ids);
	for (size_t i = 0; i < ns; i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(p->scopes, 3 * i));
		const char *s = json_object_get_string(json_object_array_get_idx(p->scopes, 3 * i + 1));
		const char *b = json_object_get_string(json_object_array_get_idx(p->scopes, 3 * i + 2));
		size_t l;

		l = strlen(name);
		snprintf(name + l, sizeof(name) - l, "%s%s", l ? ", " : "", n);
		l = strlen(desc);
		snprintf(desc + l, sizeof(desc) - l, "%s%s: %s", l ? "\n" : "", n, s);
		l = strlen(bound);
		if (b[0])
			snprintf(bound + l, sizeof(bound) - l, "%s%s: %s", l ? "\n" : "", n, b);
	}
	if (!name[0])
		snprintf(name, sizeof(name), "%s", org && org[0] ? org : "the ISMS");
	if (!desc[0])
		snprintf(desc, sizeof(desc), "No scope is recorded in the register yet.");
	if (!bound[0])
		snprintf(bound, sizeof(bound), "No boundaries are recorded for the scope.");
	json_object_object_add(sc, "system-name", json_object_new_string(name));
	json_object_object_add(sc, "description", json_object_new_string(desc));
	json_object_object_add(sc, "security-sensitivity-level",
			       json_object_new_string(level_name(p->level[0] > p->level[1] ?
							 (p->level[0] > p->level[2] ? p->level[0] :
										      p->level[2]) :
							 (p->level[1] > p->level[2] ? p->level[1] :
										      p->level[2]))));
	if (json_object_array_length(p->info_types) == 0) {
		struct json_object *it = json_object_new_object();
		char uuid[ISMS_UUID_STR];

		if (oscal_uuid(p->x, "information-type", "unrecorded", uuid) == 0)
			json_object_object_add(it, "uuid", json_object_new_string(uuid));
		json_object_object_add(it, "title", json_object_new_string("Information in scope"));
		json_object_object_add(it, "description",
				       json_object_new_string("No information asset is recorded in"
							      " the register yet."));
		json_object_array_add(p->info_types, it);
	}
	json_object_object_add(si, "information-types", json_object_get(p->info_types));
	json_object_object_add(sc, "system-information", si);
	json_object_object_add(sil, "security-objective-confidentiality",
			       json_object_new_string(level_name(p->level[0])));
	json_object_object_add(sil, "security-objective-integrity",
			       json_object_new_string(level_name(p->level[1])));
	json_object_object_add(sil, "security-objective-availability",
			       json_object_new_string(level_name(p->level[2])));
	json_object_object_add(sc, "security-impact-level", sil);
	json_object_object_add(st, "state", json_object_new_string("operational"));
	json_object_object_add(sc, "status", st);
	json_object_object_add(ab, "description", json_object_new_string(bound));
	json_object_object_add(sc, "authorization-boundary", ab);
	return sc;
}

int isms_oscal_ssp(struct isms_store *s, int64_t now, char **ret)
{
	struct oscal_ctx x;
	struct ssp p = {.x = &x};
	struct json_object *doc = NULL, *meta = NULL, *impl, *users, *ci, *ts, *tst;
	char uuid[ISMS_UUID_STR], profile[ISMS_UUID_STR], href[64], *org = NULL;
	size_t nctl = 0;
	static const char *const types[] = {"person", "scope", "asset", "control"};
	isms_record_cb cbs[] = {person_cb, scope_cb, asset_cb, control_cb};
	int r;

	*ret = NULL;
	r = oscal_ctx_init(s, &x);
	if (r < 0)
		return r;
	p.parties = json_object_new_array();
	p.components = json_object_new_array();
	p.info_types = json_object_new_array();
	p.reqs = json_object_new_array();
	p.scopes = json_object_new_array();
	p.asset_components = json_object_new_object();
	for (size_t i = 0; i < N_ROLES; i++)
		p.holders[i] = json_object_new_array();
	doc = json_object_new_object();
	if (!doc || !p.parties || !p.components || !p.info_types || !p.reqs || !p.scopes ||
	    !p.asset_components) {
		r = -ENOMEM;
		goto out;
	}
	r = isms_store_snapshot(s);
	if (r == -EINVAL)
		r = 0;
	if (r >= 0)
		r = oscal_uuid(&x, "component", "this-system", p.this_system);
	for (size_t i = 0; r >= 0 && i < sizeof(types) / sizeof(types[0]); i++) {
		const struct isms_entity *e = store_entity(s, types[i]);

		r = e ? isms_record_list(s, e, NULL, 0, cbs[i], &p) : -EINVAL;
	}
	if (r >= 0) {
		nctl = json_object_array_length(p.reqs);
		r = oscal_ssp_requirements(&x, p.this_system, p.asset_components, p.reqs);
	}
	if (r >= 0)
		r = isms_setting_get(s, "organisation", &org);
	if (r == -ENOENT)
		r = 0;
	if (r >= 0)
		r = oscal_uuid(&x, "system-security-plan", "register", uuid);
	if (r >= 0)
		r = oscal_uuid(&x, "profile", "annex-a", profile);
	if (r >= 0)
		r = oscal_metadata(&x, "System security plan", "register", now, &meta);
	if (r < 0)
		goto out;
	add_roles(&p, meta);
	json_object_object_add(doc, "uuid", json_object_new_string(uuid));
	json_object_object_add(doc, "metadata", meta);
	snprintf(href, sizeof(href), "#%s", profile);
	{
		struct json_object *ip = json_object_new_object();

		json_object_object_add(ip, "href", json_object_new_string(href));
		json_object_object_add(doc, "import-profile", ip);
	}
	json_object_object_add(doc, "system-characteristics", characteristics(&p, org));
	/* the system itself first, then each host, service and application */
	tst = json_object_new_object();
	json_object_object_add(tst, "uuid", json_object_new_string(p.this_system));
	json_object_object_add(tst, "type", json_object_new_string("this-system"));
	json_object_object_add(tst, "title", json_object_new_string("The information domain in scope"));
	json_object_object_add(tst, "description",
			       json_object_new_string("The scope of the ISMS as a whole: what the"
						      " controls are implemented for."));
	ts = json_object_new_object();
	json_object_object_add(ts, "state", json_object_new_string("operational"));
	json_object_object_add(tst, "status", ts);
	{
		struct json_object *all = json_object_new_array();

		json_object_array_add(all, tst);
		for (size_t i = 0; i < json_object_array_length(p.components); i++) {
			struct json_object *c = json_object_array_get_idx(p.components, i);

			if (c)
				json_object_array_add(all, json_object_get(c));
		}
		impl = json_object_new_object();
		users = json_object_new_array();
		for (size_t i = 0; i < N_ROLES; i++) {
			struct json_object *u = json_object_new_object(), *rids = json_object_new_array();
			char uu[ISMS_UUID_STR];

			if (oscal_uuid(&x, "user", plan_roles[i][0], uu) < 0)
				continue;
			json_object_object_add(u, "uuid", json_object_new_string(uu));
			json_object_object_add(u, "title", json_object_new_string(plan_roles[i][1]));
			json_object_array_add(rids, json_object_new_string(plan_roles[i][0]));
			json_object_object_add(u, "role-ids", rids);
			json_object_array_add(users, u);
		}
		json_object_object_add(impl, "users", users);
		json_object_object_add(impl, "components", all);
		json_object_object_add(doc, "system-implementation", impl);
	}
	if (json_object_array_length(p.reqs) == 0) {
		r = store_seterr(s, -ENODATA,
				 "no control is decided in the SoA yet: a system security plan"
				 " implements at least one (ismsctl control set ID --applicable yes)");
		goto out;
	}
	ci = json_object_new_object();
	json_object_object_add(ci, "description",
			       json_object_new_string(json_object_array_length(p.reqs) == nctl ?
				       "The controls of ISO/IEC 27001:2022 Annex A the Statement of"
				       " Applicability decided, with their implementation status and"
				       " measures." :
				       "The controls of ISO/IEC 27001:2022 Annex A the Statement of"
				       " Applicability decided, with their implementation status and"
				       " measures; then the Grundschutz++ requirements checked (prop"
				       " framework grundschutz++), each check on the component of its"
				       " asset or on the system as a whole."));
	json_object_object_add(ci, "implemented-requirements", json_object_get(p.reqs));
	json_object_object_add(doc, "control-implementation", ci);
	oscal_back_matter(doc, profile, "ISO/IEC 27001:2022 Annex A",
			  "The controls of ISO/IEC 27001:2022 Annex A as the store's catalogue"
			  " holds them (ids and titles; ISO's text is not distributed).");
	r = oscal_finish("system-security-plan", doc, ret);
	doc = NULL;
out:
	free(org);
	json_object_put(doc);
	json_object_put(p.parties);
	json_object_put(p.components);
	json_object_put(p.info_types);
	json_object_put(p.reqs);
	json_object_put(p.scopes);
	json_object_put(p.asset_components);
	for (size_t i = 0; i < N_ROLES; i++)
		json_object_put(p.holders[i]);
	return r;
}
