/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing the access policy.  Every problem is collected with its JSON path,
 * and a policy with any problem is rejected whole (pam_access skips a bad
 * deny line, which turns a typo into an allow; we do not).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/trust.h"
#include "isms/json.h"
#include "policy_internal.h"
#include "isms/strutil.h"

void policy_problem_at(struct policy_parser *ps, int line, int column, const char *path,
		       const char *fmt, ...)
{
	va_list ap;

	ps->nproblems++;
	if (!ps->pr)
		return;
	ps->pr->total++;
	if (ps->pr->n >= sizeof(ps->pr->list) / sizeof(ps->pr->list[0]))
		return;
	{
		struct isms_policy_problem *q = &ps->pr->list[ps->pr->n++];

		snprintf(q->path, sizeof(q->path), "%s", path);
		q->line = line;
		q->column = column;
		va_start(ap, fmt);
		vsnprintf(q->msg, sizeof(q->msg), fmt, ap);
		va_end(ap);
	}
}

void policy_strv_free(struct strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

struct isms_policy *isms_policy_free(struct isms_policy *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->nrules; i++) {
		struct rule *r = &p->rules[i];

		free(r->id);
		policy_strv_free(&r->users);
		policy_strv_free(&r->groups);
		policy_strv_free(&r->services);
		policy_strv_free(&r->ttys);
		policy_strv_free(&r->acks);
		for (size_t k = 0; k < r->nfrom; k++)
			free(r->from[k].host);
		free(r->from);
	}
	free(p->rules);
	for (size_t i = 0; i < p->ntzs; i++)
		isms_tz_free(p->tzs[i]);
	free(p->tzs);
	for (size_t i = 0; p->docs && p->docs[i]; i++)
		free(p->docs[i]);
	free(p->docs);
	free(p->asset);
	free(p);
	return NULL;
}

static int add_doc(struct isms_policy *p, const char *name, size_t *n)
{
	char **nd;

	for (size_t i = 0; i < *n; i++)
		if (strcmp(p->docs[i], name) == 0)
			return 0;
	nd = realloc(p->docs, (*n + 2) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	p->docs = nd;
	p->docs[*n] = strdup(name);
	if (!p->docs[*n])
		return -ENOMEM;
	p->docs[++*n] = NULL;
	return 0;
}

static const char *const top_members[] = {"version", "asset", "protection", "mode", "on_error",
					  "rules", "comment", NULL};

int isms_policy_parse(const char *json, size_t len, const char *zoneinfo,
		      struct isms_policy **ret, struct isms_policy_problems *problems)
{
	static const struct isms_json_limits limits = {.max_bytes = ISMS_POLICY_MAX_BYTES,
						       .max_depth = 32};
	struct policy_parser ps = {.pr = problems, .zoneinfo = zoneinfo};
	struct isms_json_error jerr;
	struct json_object *root = NULL, *v, *rules;
	size_t ndocs = 0;
	int r = 0;

	if (problems)
		memset(problems, 0, sizeof(*problems));
	if (len > ISMS_POLICY_MAX_BYTES) {
		problem(&ps, 0, "$", "policy larger than %u bytes", ISMS_POLICY_MAX_BYTES);
		return -EFBIG;
	}
	ps.p = calloc(1, sizeof(*ps.p));
	if (!ps.p) {
		r = -ENOMEM;
		goto out;
	}
	/*
	 * Strict JSON only: json-c's own reader takes comments and keeps the
	 * last of two equal names, so {"allow": false, "allow": true} would
	 * be an allow.  The policy nests a few levels; 32 is what json-c allowed.
	 */
	r = isms_json_parse(json, len, &limits, &root, &jerr);
	if (r < 0) {
		if (r == -EINVAL)
			policy_problem_at(&ps, (int)jerr.line, (int)jerr.column, jerr.path,
				   "not valid JSON: %s", jerr.msg);
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		problem(&ps, 1, "$", "the policy must be a JSON object");
		r = -EINVAL;
		goto out;
	}
	json_object_object_foreach(root, key, val)
	{
		size_t k = 0;

		(void)val;
		while (top_members[k] && strcmp(top_members[k], key) != 0)
			k++;
		if (!top_members[k])
			problem(&ps, 0, "$", "unknown member '%s'", key);
	}
	if (!json_object_object_get_ex(root, "version", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != 1)
		problem(&ps, 0, "$.version", "must be 1");
	if (!json_object_object_get_ex(root, "asset", &v) || !json_object_is_type(v, json_type_string) ||
	    !policy_name_ok(json_object_get_string(v), 256))
		problem(&ps, 0, "$.asset", "must name this host's asset in the register");
	else if (!(ps.p->asset = strdup(json_object_get_string(v))))
		r = -ENOMEM;
	ps.p->mode = ISMS_MODE_ENFORCE;
	if (json_object_object_get_ex(root, "mode", &v)) {
		const char *m = json_object_get_string(v);

		if (json_object_is_type(v, json_type_string) && strcmp(m, "audit") == 0)
			ps.p->mode = ISMS_MODE_AUDIT;
		else if (!json_object_is_type(v, json_type_string) || strcmp(m, "enforce") != 0)
			problem(&ps, 0, "$.mode", "must be \"enforce\" or \"audit\"");
	}
	ps.p->on_error = ISMS_ON_ERROR_DENY;
	if (json_object_object_get_ex(root, "on_error", &v)) {
		const char *m = json_object_get_string(v);

		if (json_object_is_type(v, json_type_string) && strcmp(m, "allow") == 0)
			ps.p->on_error = ISMS_ON_ERROR_ALLOW;
		else if (!json_object_is_type(v, json_type_string) || strcmp(m, "deny") != 0)
			problem(&ps, 0, "$.on_error", "must be \"deny\" or \"allow\"");
	}
	if (json_object_object_get_ex(root, "protection", &v)) {
		static const char *const objs[] = {"confidentiality", "integrity", "availability"};

		if (!json_object_is_type(v, json_type_object)) {
			problem(&ps, 0, "$.protection", "must be an object");
		} else {
			json_object_object_foreach(v, pkey, pval)
			{
				const char *s = json_object_get_string(pval);
				char sub[96];
				bool known = false;

				for (int i = 0; i < 3; i++)
					known |= strcmp(pkey, objs[i]) == 0;
				snprintf(sub, sizeof(sub), "$.protection.%s", pkey);
				if (!known)
					problem(&ps, 0, "$.protection", "unknown member '%s'", pkey);
				else if (!json_object_is_type(pval, json_type_string) ||
					 (strcmp(s, "normal") != 0 && strcmp(s, "high") != 0 &&
					  strcmp(s, "very_high") != 0))
					problem(&ps, 0, sub, "must be normal, high or very_high");
			}
		}
	}
	if (!json_object_object_get_ex(root, "rules", &rules) ||
	    !json_object_is_type(rules, json_type_array) || json_object_array_length(rules) == 0) {
		problem(&ps, 0, "$.rules", "must be a non-empty array of rules");
	} else if (json_object_array_length(rules) > ISMS_POLICY_MAX_RULES) {
		problem(&ps, 0, "$.rules", "more than %d rules", ISMS_POLICY_MAX_RULES);
	} else {
		size_t n = json_object_array_length(rules);

		ps.p->rules = calloc(n, sizeof(*ps.p->rules));
		if (!ps.p->rules) {
			r = -ENOMEM;
			goto out;
		}
		ps.p->nrules = n;
		for (size_t i = 0; i < n && r >= 0; i++)
			r = policy_parse_rule(&ps, i, json_object_array_get_idx(rules, i), &ps.p->rules[i]);
		for (size_t i = 0; i < n && r >= 0; i++) {
			const struct rule *ru = &ps.p->rules[i];

			for (size_t j = 0; j < i && ru->id; j++) {
				if (ps.p->rules[j].id && strcmp(ps.p->rules[j].id, ru->id) == 0) {
					char path[64];

					snprintf(path, sizeof(path), "$.rules[%zu].id", i);
					problem(&ps, 0, path, "'%s' is also the id of rules[%zu]", ru->id, j);
				}
			}
			for (size_t k = 0; k < ru->acks.n && r >= 0; k++)
				r = add_doc(ps.p, ru->acks.v[k], &ndocs);
			if (ru->reviewed_within >= 0)
				ps.p->needs_review = true;
		}
	}
	if (r >= 0 && !ps.p->docs) {
		ps.p->docs = calloc(1, sizeof(char *));
		if (!ps.p->docs)
			r = -ENOMEM;
	}
	if (r >= 0 && ps.nproblems)
		r = -EINVAL;
out:
	json_object_put(root);
	if (r < 0) {
		isms_policy_free(ps.p);
		return r;
	}
	*ret = ps.p;
	return 0;
}

int policy_read_file(const char *path, bool strict_modes, char **ret_buf, size_t *ret_len,
		     struct isms_policy_problems *problems)
{
	char why[512];
	int r;

	if (!strict_modes)
		return isms_read_file(path, ISMS_POLICY_MAX_BYTES, ret_buf, ret_len);
	/* StrictModes: every component of the path as written, the very
	 * file read that was checked (lib/trust.c). */
	r = isms_trust_read(path, 0, ISMS_POLICY_MAX_BYTES, ret_buf, ret_len, why, sizeof(why));
	if (r == -EPERM) {
		struct policy_parser ps = {.pr = problems};

		problem(&ps, 0, "$", "%s", why);
	}
	return r;
}

int isms_policy_load(const char *path, bool strict_modes, const char *zoneinfo,
		     struct isms_policy **ret, struct isms_policy_problems *problems)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (problems)
		memset(problems, 0, sizeof(*problems));
	r = policy_read_file(path, strict_modes, &buf, &len, problems);
	if (r == 0)
		r = isms_policy_parse(buf, len, zoneinfo, ret, problems);
	free(buf);
	return r;
}

const char *isms_policy_asset(const struct isms_policy *p)
{
	return p->asset;
}

enum isms_policy_mode isms_policy_mode(const struct isms_policy *p)
{
	return p->mode;
}

enum isms_on_error isms_policy_on_error(const struct isms_policy *p)
{
	return p->on_error;
}

size_t isms_policy_nrules(const struct isms_policy *p)
{
	return p->nrules;
}

const char *const *isms_policy_documents(const struct isms_policy *p)
{
	return (const char *const *)p->docs;
}

bool isms_policy_needs_review(const struct isms_policy *p)
{
	return p->needs_review;
}
