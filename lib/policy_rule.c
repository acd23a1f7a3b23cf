/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One rule of the access policy: who, which service, from where, when, what it requires. */
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


bool policy_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && isms_text_ok(s) && !strpbrk(s, "\n\t");
}

/* A string or an array of strings; @max_len per entry. */
static int get_strv(struct policy_parser *ps, struct json_object *v, const char *path, struct strv *ret,
		    size_t max_len)
{
	size_t n;

	if (json_object_is_type(v, json_type_string)) {
		ret->v = calloc(1, sizeof(char *));
		if (!ret->v || !(ret->v[0] = strdup(json_object_get_string(v))))
			return -ENOMEM;
		ret->n = 1;
		if (!policy_name_ok(ret->v[0], max_len))
			problem(ps, 0, path, "must be printable text of 1 to %zu bytes", max_len);
		return 0;
	}
	if (!json_object_is_type(v, json_type_array)) {
		problem(ps, 0, path, "must be a string or an array of strings");
		return 0;
	}
	n = json_object_array_length(v);
	if (n == 0) {
		problem(ps, 0, path, "must not be empty (leave it out to match anything)");
		return 0;
	}
	ret->v = calloc(n, sizeof(char *));
	if (!ret->v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		char sub[128];

		/* The element's path only for a problem: every login parses the policy. */
		if (!json_object_is_type(e, json_type_string)) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			problem(ps, 0, sub, "must be a string");
			continue;
		}
		ret->v[ret->n] = strdup(json_object_get_string(e));
		if (!ret->v[ret->n])
			return -ENOMEM;
		if (!policy_name_ok(ret->v[ret->n], max_len)) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			problem(ps, 0, sub, "must be printable text of 1 to %zu bytes", max_len);
		}
		ret->n++;
	}
	return 0;
}

int isms_addr_parse(const char *text, uint8_t ret_addr[16], int *ret_family)
{
	struct in_addr a4;
	struct in6_addr a6;

	memset(ret_addr, 0, 16);
	if (inet_pton(AF_INET, text, &a4) == 1) {
		memcpy(ret_addr, &a4, 4);
		*ret_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &a6) == 1) {
		/* An IPv4-mapped IPv6 address is the IPv4 address (sshd reports either). */
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		if (memcmp(a6.s6_addr, mapped, 12) == 0) {
			memcpy(ret_addr, a6.s6_addr + 12, 4);
			*ret_family = AF_INET;
		} else {
			memcpy(ret_addr, a6.s6_addr, 16);
			*ret_family = AF_INET6;
		}
		return 0;
	}
	return -EINVAL;
}

static bool hostname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	/* "10.0.0.300" or "10.1.2" is a mistyped address, not a host name: in a
	 * deny rule it would never match and let the login fall through. */
	if (strspn(s, "0123456789.") == n)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	return true;
}

/* One source into @f; a problem is recorded, -ENOMEM the only error returned. */
static int parse_from(struct policy_parser *ps, const char *path, const char *s, struct from_item *f)
{
	char buf[128];
	char *slash;

	if (strcmp(s, "LOCAL") == 0) {
		f->kind = FROM_LOCAL;
		return 0;
	}
	if (strcmp(s, "ALL") == 0 || strcmp(s, "*") == 0) {
		f->kind = FROM_ANY;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (isms_addr_parse(buf, f->addr, &f->family) == 0) {
		int max = f->family == AF_INET ? 32 : 128;
		char *end;

		f->kind = FROM_CIDR;
		f->prefix = max;
		if (slash) {
			long v = strtol(slash + 1, &end, 10);

			if (!slash[1] || *end || v < 0 || v > max) {
				problem(ps, 0, path, "'%s': prefix length must be 0-%d", s, max);
				return 0;
			}
			f->prefix = (int)v;
		}
		return 0;
	}
	if (slash) {
		problem(ps, 0, path, "'%s' is not an address/prefix (e.g. 10.0.0.0/8, fd00::/8)", s);
		return 0;
	}
	if (!hostname_ok(s)) {
		problem(ps, 0, path,
			"'%s' is not an address, network, host name, .domain, LOCAL or ALL", s);
		return 0;
	}
	f->kind = s[0] == '.' ? FROM_DOMAIN : FROM_HOST;
	/* Without its name a host item is no item: the evaluator would compare
	 * the client's name with NULL. */
	f->host = strdup(s);
	return f->host ? 0 : -ENOMEM;
}

/*
 * The zone @name, loaded once per policy, into *ret; a zone that cannot be
 * read is a problem.  -ENOMEM the only error returned: a rule left without
 * its zone never matches, and a deny rule that never matches is an allow by
 * the rule after it.
 */
static int get_tz(struct policy_parser *ps, const char *path, const char *name,
		  const struct isms_tz **ret)
{
	struct isms_policy *p = ps->p;
	struct isms_tz *tz = NULL, **ntz;
	int r;

	for (size_t i = 0; i < p->ntzs; i++) {
		if (strcmp(isms_tz_name(p->tzs[i]), name) == 0) {
			*ret = p->tzs[i];
			return 0;
		}
	}
	r = isms_tz_load(ps->zoneinfo, name, &tz);
	if (r == -ENOMEM)
		return r; /* not the zone's fault: no "cannot be read" */
	if (r < 0) {
		problem(ps, 0, path, "time zone '%s' %s", name,
			r == -ENOENT ? "is not in the time zone database" : "cannot be read");
		return 0;
	}
	ntz = realloc(p->tzs, (p->ntzs + 1) * sizeof(*ntz));
	if (!ntz) {
		isms_tz_free(tz);
		return -ENOMEM;
	}
	p->tzs = ntz;
	p->tzs[p->ntzs++] = tz;
	*ret = tz;
	return 0;
}

/* $.rules[].time into @r; problems recorded, -ENOMEM the only error returned. */
static int parse_time(struct policy_parser *ps, const char *rpath, struct json_object *o, struct rule *r)
{
	char path[128];
	struct json_object *v;
	int rc;

	snprintf(path, sizeof(path), "%s.time", rpath);
	if (!json_object_is_type(o, json_type_object)) {
		problem(ps, 0, path, "must be an object with days, hours and tz");
		return 0;
	}
	r->has_time = true;
	r->win = ISMS_WINDOW_ALWAYS;
	json_object_object_foreach(o, key, val)
	{
		if (strcmp(key, "days") != 0 && strcmp(key, "hours") != 0 && strcmp(key, "tz") != 0)
			problem(ps, 0, path, "unknown member '%s' (days, hours, tz)", key);
		(void)val;
	}
	if (json_object_object_get_ex(o, "days", &v)) {
		struct strv days = {0};
		char sub[160];

		snprintf(sub, sizeof(sub), "%s.days", path);
		/* The days lost to memory would leave the window on every day:
		 * an allow rule for weekdays would admit at the weekend. */
		rc = get_strv(ps, v, sub, &days, 16);
		if (rc < 0) {
			policy_strv_free(&days);
			return rc;
		}
		r->win.days = 0;
		for (size_t i = 0; i < days.n; i++) {
			if (isms_window_add_days(&r->win.days, days.v[i], strlen(days.v[i])) < 0) {
				snprintf(sub, sizeof(sub), "%s.days[%zu]", path, i);
				problem(ps, 0, sub, "not a day or range of days (mon, mon-fri, sat-sun)");
			}
		}
		policy_strv_free(&days);
	}
	if (json_object_object_get_ex(o, "hours", &v)) {
		char sub[160];

		snprintf(sub, sizeof(sub), "%s.hours", path);
		if (!json_object_is_type(v, json_type_string) ||
		    isms_window_parse_hours(&r->win, json_object_get_string(v)) < 0)
			problem(ps, 0, sub,
				"must be \"HH:MM-HH:MM\" with different ends (e.g. \"07:00-19:00\"; \"22:00-06:00\" spans midnight)");
	}
	if (json_object_object_get_ex(o, "tz", &v)) {
		char sub[160];

		snprintf(sub, sizeof(sub), "%s.tz", path);
		if (!json_object_is_type(v, json_type_string))
			problem(ps, 0, sub, "must be a time zone name such as \"Europe/Berlin\"");
		else if ((rc = get_tz(ps, sub, json_object_get_string(v), &r->tz)) < 0)
			return rc;
	} else {
		/* Without a zone the policy would mean different hours on different
		 * hosts; say it. */
		problem(ps, 0, path, "needs tz, e.g. \"tz\": \"Europe/Berlin\" or \"UTC\"");
	}
	return 0;
}

/* $.rules[].require into @r; problems recorded, -ENOMEM the only error returned. */
static int parse_require(struct policy_parser *ps, const char *rpath, struct json_object *o,
			 struct rule *r)
{
	char path[160];
	struct json_object *v;
	int rc;

	snprintf(path, sizeof(path), "%s.require", rpath);
	if (!json_object_is_type(o, json_type_object)) {
		problem(ps, 0, path, "must be an object");
		return 0;
	}
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		if (strcmp(key, "acknowledged") != 0 && strcmp(key, "reviewed_within_days") != 0 &&
		    strcmp(key, "active") != 0)
			problem(ps, 0, path,
				"unknown member '%s' (acknowledged, reviewed_within_days, active)", key);
	}
	if (json_object_object_get_ex(o, "acknowledged", &v)) {
		char sub[192];

		snprintf(sub, sizeof(sub), "%s.acknowledged", path);
		/* An error, never a rule that requires fewer documents (those
		 * read so far) and none of the conditions after them. */
		rc = get_strv(ps, v, sub, &r->acks, 128);
		if (rc < 0)
			return rc;
	}
	if (json_object_object_get_ex(o, "reviewed_within_days", &v)) {
		char sub[192];

		snprintf(sub, sizeof(sub), "%s.reviewed_within_days", path);
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1 ||
		    json_object_get_int64(v) > 3660)
			problem(ps, 0, sub, "must be a number of days, 1-3660");
		else
			r->reviewed_within = (int)json_object_get_int64(v);
	}
	if (json_object_object_get_ex(o, "active", &v)) {
		if (!json_object_is_type(v, json_type_boolean)) {
			char sub[192];

			snprintf(sub, sizeof(sub), "%s.active", path);
			problem(ps, 0, sub, "must be true or false");
		} else {
			r->require_active = json_object_get_boolean(v);
		}
	}
	return 0;
}

static const char *const rule_members[] = {"id", "users", "groups", "services", "from", "ttys",
					   "time", "require", "allow", "flag", "comment", NULL};

int policy_parse_rule(struct policy_parser *ps, size_t idx, struct json_object *o, struct rule *r)
{
	char path[64], sub[96];
	struct json_object *v;
	int rc;

	snprintf(path, sizeof(path), "$.rules[%zu]", idx);
	r->reviewed_within = -1;
	if (!json_object_is_type(o, json_type_object)) {
		problem(ps, 0, path, "must be an object");
		return 0;
	}
	json_object_object_foreach(o, key, val)
	{
		size_t k = 0;

		(void)val;
		while (rule_members[k] && strcmp(rule_members[k], key) != 0)
			k++;
		if (!rule_members[k])
			problem(ps, 0, path, "unknown member '%s'", key);
	}
	if (!json_object_object_get_ex(o, "id", &v) || !json_object_is_type(v, json_type_string) ||
	    !policy_name_ok(json_object_get_string(v), 63)) {
		problem(ps, 0, path, "needs an id: a string of 1 to 63 bytes");
	} else {
		r->id = strdup(json_object_get_string(v));
		if (!r->id)
			return -ENOMEM;
		snprintf(path, sizeof(path), "$.rules[%zu]", idx);
	}
	if (!json_object_object_get_ex(o, "allow", &v) || !json_object_is_type(v, json_type_boolean))
		problem(ps, 0, path, "needs \"allow\": true or false");
	else
		r->allow = json_object_get_boolean(v);

#define STRV(name, field, max)                                                   \
	if (json_object_object_get_ex(o, name, &v)) {                            \
		snprintf(sub, sizeof(sub), "%s." name, path);                    \
		rc = get_strv(ps, v, sub, &r->field, max);                       \
		if (rc < 0)                                                      \
			return rc;                                               \
	}
	STRV("users", users, 256)
	STRV("groups", groups, 256)
	STRV("services", services, 64)
	STRV("ttys", ttys, 64)
#undef STRV
	if (json_object_object_get_ex(o, "from", &v)) {
		struct strv from = {0};

		snprintf(sub, sizeof(sub), "%s.from", path);
		rc = get_strv(ps, v, sub, &from, 253);
		if (rc < 0) {
			policy_strv_free(&from); /* what was read before memory ran out */
			return rc;
		}
		r->from = calloc(from.n ? from.n : 1, sizeof(*r->from));
		if (!r->from) {
			policy_strv_free(&from);
			return -ENOMEM;
		}
		/* nfrom first: the policy's destructor frees every item's name. */
		r->nfrom = from.n;
		for (size_t i = 0; i < from.n && rc == 0; i++) {
			char fp[128];

			snprintf(fp, sizeof(fp), "%s.from[%zu]", path, i);
			rc = parse_from(ps, fp, from.v[i], &r->from[i]);
		}
		policy_strv_free(&from);
		if (rc < 0)
			return rc;
	}
	if (json_object_object_get_ex(o, "time", &v) && (rc = parse_time(ps, path, v, r)) < 0)
		return rc;
	if (json_object_object_get_ex(o, "require", &v) && (rc = parse_require(ps, path, v, r)) < 0)
		return rc;
	if (json_object_object_get_ex(o, "flag", &v)) {
		snprintf(sub, sizeof(sub), "%s.flag", path);
		if (!json_object_is_type(v, json_type_string) ||
		    strcmp(json_object_get_string(v), "break-glass") != 0)
			problem(ps, 0, sub, "the only flag is \"break-glass\"");
		else
			r->break_glass = true;
	}
	if (r->break_glass && !r->allow)
		problem(ps, 0, path, "a break-glass rule must allow");
	if (json_object_object_get_ex(o, "comment", &v) && !json_object_is_type(v, json_type_string)) {
		snprintf(sub, sizeof(sub), "%s.comment", path);
		problem(ps, 0, sub, "must be a string");
	}
	return 0;
}
