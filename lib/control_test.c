/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control tests: the rule text into a struct.  Pure. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "isms/control_test.h"
#include "isms/strutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	enum isms_ctest_kind kind;
} kinds[] = {
	{"heartbeat", ISMS_CTEST_HEARTBEAT},
	{"count", ISMS_CTEST_COUNT},
	{"every", ISMS_CTEST_EVERY},
	{"attest", ISMS_CTEST_ATTEST},
	{"skew", ISMS_CTEST_SKEW},
};

static const struct {
	const char *name;
	enum isms_ctest_field field;
} fields[] = {
	{"kind", ISMS_CTEST_F_KIND},       {"source", ISMS_CTEST_F_SOURCE},
	{"node", ISMS_CTEST_F_NODE},       {"asset", ISMS_CTEST_F_ASSET},
	{"subject", ISMS_CTEST_F_SUBJECT}, {"outcome", ISMS_CTEST_F_OUTCOME},
	{"control", ISMS_CTEST_F_CONTROL},
};

static const struct {
	const char *name;
	enum isms_ctest_fact fact;
	bool takes_arg;
} facts[] = {
	{"reviewed", ISMS_CTEST_FACT_REVIEWED, true},
	{"active", ISMS_CTEST_FACT_ACTIVE, false},
	{"role", ISMS_CTEST_FACT_ROLE, true},
	{"acknowledged", ISMS_CTEST_FACT_ACKNOWLEDGED, true},
	{"member", ISMS_CTEST_FACT_MEMBER, true},
};

static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

bool isms_ctest_kind_match(const char *pattern, bool prefix, const char *kind)
{
	if (!kind)
		return false;
	return prefix ? strncmp(kind, pattern, strlen(pattern)) == 0 : strcmp(kind, pattern) == 0;
}

/* A DUR: digits and m, h, d or w, into seconds (at most 10 years). */
static int parse_duration(const char *s, int64_t *ret)
{
	size_t n = strlen(s);
	int64_t v, unit;
	char num[24];

	if (n < 2 || n > sizeof(num))
		return -EINVAL;
	switch (s[n - 1]) {
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -EINVAL;
	}
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	if (strspn(num, "0123456789") != n - 1 || isms_parse_int64(num, &v) < 0 || v < 1 ||
	    v > 3660 * 86400 / unit)
		return -EINVAL;
	*ret = v * unit;
	return 0;
}

/* A skew's bound: digits and s, m or h, at most a day. */
static int parse_seconds(const char *s, int64_t *ret)
{
	size_t n = strlen(s);
	int64_t v, unit;
	char num[24];

	if (n < 2 || n > sizeof(num))
		return -EINVAL;
	switch (s[n - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	default: return -EINVAL;
	}
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	if (strspn(num, "0123456789") != n - 1 || isms_parse_int64(num, &v) < 0 || v < 1 ||
	    v > 86400 / unit)
		return -EINVAL;
	*ret = v * unit;
	return 0;
}

static int parse_count(const char *s, int64_t *ret)
{
	int64_t v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || isms_parse_int64(s, &v) < 0 ||
	    v > 1000000000)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* A value that may end in '*' into @out; no empty value unless it is a prefix. */
static int parse_value(const char *s, char *out, size_t len, bool *ret_prefix)
{
	size_t n = strlen(s);

	*ret_prefix = n > 0 && s[n - 1] == '*';
	if (*ret_prefix)
		n--;
	if (n >= len || (n == 0 && !*ret_prefix) || memchr(s, '*', n))
		return -EINVAL;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int parse_fact(const char *s, struct isms_ctest_cond *c, char *err, size_t errlen)
{
	const char *open = strchr(s, '('), *close;
	size_t nlen, alen;

	if (*s == '!') {
		c->negate = true;
		s++;
		open = strchr(s, '(');
	}
	close = open ? strchr(open, ')') : NULL;
	if (!open || !close || close[1] != '\0')
		return fail(err, errlen, -EINVAL, "'%.64s' is neither FIELD=VALUE nor FACT(ARG)", s);
	nlen = (size_t)(open - s);
	alen = (size_t)(close - open - 1);
	for (size_t i = 0; i < N(facts); i++) {
		if (strlen(facts[i].name) != nlen || strncmp(s, facts[i].name, nlen) != 0)
			continue;
		c->fact = facts[i].fact;
		if (facts[i].takes_arg != (alen > 0))
			return fail(err, errlen, -EINVAL, "'%.64s' %s", s,
				    facts[i].takes_arg ? "needs an argument" : "takes no argument");
		if (alen >= sizeof(c->value) || memchr(open + 1, '(', alen))
			return fail(err, errlen, -EINVAL, "bad argument in '%.64s'", s);
		memcpy(c->value, open + 1, alen);
		c->value[alen] = '\0';
		if (c->fact == ISMS_CTEST_FACT_REVIEWED && parse_duration(c->value, &c->seconds) < 0)
			return fail(err, errlen, -EINVAL,
				    "'%.64s': reviewed() takes a duration such as 90d", s);
		return 0;
	}
	return fail(err, errlen, -EINVAL,
		    "unknown fact in '%.64s' (reviewed, active, role, acknowledged, member)", s);
}

static int parse_cond(const char *s, struct isms_ctest_cond *c, char *err, size_t errlen)
{
	const char *eq = strchr(s, '=');
	size_t nlen;

	memset(c, 0, sizeof(*c));
	if (!eq || (strchr(s, '(') && strchr(s, '(') < eq))
		return parse_fact(s, c, err, errlen);
	nlen = (size_t)(eq - s);
	if (nlen > 0 && s[nlen - 1] == '!') {
		c->negate = true;
		nlen--;
	}
	if (nlen > 8 && strncmp(s, "details.", 8) == 0) {
		if (nlen - 8 >= sizeof(c->detail))
			return fail(err, errlen, -EINVAL, "member name too long in '%.64s'", s);
		c->field = ISMS_CTEST_F_DETAIL;
		memcpy(c->detail, s + 8, nlen - 8);
		c->detail[nlen - 8] = '\0';
	} else {
		size_t i;

		for (i = 0; i < N(fields); i++)
			if (strlen(fields[i].name) == nlen && strncmp(s, fields[i].name, nlen) == 0)
				break;
		if (i == N(fields))
			return fail(err, errlen, -EINVAL,
				    "unknown field in '%.64s' (kind, source, node, asset, subject,"
				    " outcome, control, details.NAME)", s);
		c->field = fields[i].field;
	}
	/* An empty VALUE compares with an absent field: "asset=" is "no asset". */
	if (eq[1] == '\0') {
		c->value[0] = '\0';
		return 0;
	}
	if (parse_value(eq + 1, c->value, sizeof(c->value), &c->prefix) < 0)
		return fail(err, errlen, -EINVAL, "bad value in '%.64s'", s);
	return 0;
}

/* One word KEY=VALUE of the rule into @r. */
static int parse_param(struct isms_ctest_rule *r, char *word, char *err, size_t errlen)
{
	char *eq = strchr(word, '=');
	const char *v;

	if (!eq || eq == word || !eq[1])
		return fail(err, errlen, -EINVAL, "'%.64s' is not NAME=VALUE", word);
	*eq = '\0';
	v = eq + 1;
	if (strcmp(word, "kind") == 0) {
		if (parse_value(v, r->pattern, sizeof(r->pattern), &r->prefix) < 0)
			return fail(err, errlen, -EINVAL, "kind: '%.64s' is not a kind or KIND*", v);
	} else if (strcmp(word, "basis") == 0 && r->kind == ISMS_CTEST_COUNT) {
		if (parse_value(v, r->basis, sizeof(r->basis), &r->basis_prefix) < 0)
			return fail(err, errlen, -EINVAL, "basis: '%.64s' is not a kind or KIND*", v);
	} else if (strcmp(word, "max_gap") == 0 && r->kind == ISMS_CTEST_HEARTBEAT) {
		if (parse_duration(v, &r->max_gap) < 0)
			return fail(err, errlen, -EINVAL, "max_gap: '%.64s' is not a duration (e.g. 24h)", v);
	} else if (strcmp(word, "valid") == 0 && r->kind == ISMS_CTEST_ATTEST) {
		if (parse_duration(v, &r->valid) < 0)
			return fail(err, errlen, -EINVAL, "valid: '%.64s' is not a duration (e.g. 365d)", v);
	} else if (strcmp(word, "max") == 0 && r->kind == ISMS_CTEST_SKEW) {
		if (parse_seconds(v, &r->max_skew) < 0)
			return fail(err, errlen, -EINVAL,
				    "max: '%.64s' is not a duration of at most a day (e.g. 5s)", v);
	} else if ((strcmp(word, "max") == 0 || strcmp(word, "min") == 0) &&
		   r->kind == ISMS_CTEST_COUNT) {
		if (parse_count(v, word[1] == 'a' ? &r->max : &r->min) < 0)
			return fail(err, errlen, -EINVAL, "'%.64s' is not a count", v);
	} else if (strcmp(word, "per") == 0 && r->kind == ISMS_CTEST_COUNT) {
		if (strcmp(v, "hour") == 0)
			r->per = ISMS_CTEST_PER_HOUR;
		else if (strcmp(v, "day") == 0)
			r->per = ISMS_CTEST_PER_DAY;
		else if (strcmp(v, "week") == 0)
			r->per = ISMS_CTEST_PER_WEEK;
		else if (strcmp(v, "period") == 0)
			r->per = ISMS_CTEST_PER_PERIOD;
		else
			return fail(err, errlen, -EINVAL, "per: '%.64s' is not hour, day, week or period", v);
	} else if (strcmp(word, "where") == 0 || (strcmp(word, "require") == 0 &&
						  r->kind == ISMS_CTEST_EVERY)) {
		bool req = word[0] == 'r';
		size_t *n = req ? &r->nrequire : &r->nwhere;
		struct isms_ctest_cond *c = req ? &r->require[*n] : &r->where[*n];

		if (*n >= ISMS_CTEST_CONDS_MAX)
			return fail(err, errlen, -E2BIG, "more than 8 '%.64s=' conditions", word);
		if (parse_cond(v, c, err, errlen) < 0)
			return -EINVAL;
		(*n)++;
	} else {
		*eq = '=';
		return fail(err, errlen, -EINVAL, "'%.64s' does not belong in this kind of rule", word);
	}
	return 0;
}

/* count's default basis: the kind's first word and '*' ("access.deny": "access.*"). */
static void default_basis(struct isms_ctest_rule *r)
{
	const char *dot = strchr(r->pattern, '.');
	size_t n = dot ? (size_t)(dot - r->pattern + 1) : strlen(r->pattern);

	memcpy(r->basis, r->pattern, n);
	r->basis[n] = '\0';
	r->basis_prefix = dot || r->prefix;
}

int isms_ctest_rule_parse(const char *text, struct isms_ctest_rule *ret, char *err, size_t errlen)
{
	struct isms_ctest_rule r;
	char buf[ISMS_CTEST_RULE_MAX + 1], *p, *word;
	size_t n = strlen(text);
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (n > ISMS_CTEST_RULE_MAX)
		return fail(err, errlen, -E2BIG, "rule longer than %s bytes", "512");
	if (!isms_text_ok(text))
		return fail(err, errlen, -EINVAL, "rule has control characters or invalid UTF-8%s", "");
	memcpy(buf, text, n + 1);
	if ((p = strchr(buf, '#')))
		*p = '\0';
	memset(&r, 0, sizeof(r));
	r.min = r.max = -1;
	p = buf;
	while (*p == ' ' || *p == '\t')
		p++;
	word = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	for (size_t i = 0; i < N(kinds); i++)
		if (strcmp(word, kinds[i].name) == 0)
			r.kind = kinds[i].kind;
	if (!r.kind)
		return fail(err, errlen, -EINVAL,
			    "'%.64s' is not a kind of rule (heartbeat, count, every, attest, skew)", word);
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
		rc = parse_param(&r, word, err, errlen);
		if (rc < 0)
			return rc;
	}
	if (r.kind == ISMS_CTEST_ATTEST && !r.pattern[0] && !r.prefix)
		snprintf(r.pattern, sizeof(r.pattern), "test.attestation");
	if (r.kind == ISMS_CTEST_SKEW && !r.pattern[0] && !r.prefix)
		r.prefix = true; /* every kind */
	if (r.kind == ISMS_CTEST_SKEW && !r.max_skew)
		return fail(err, errlen, -EINVAL, "skew needs max=%s", "DURATION (e.g. 5s)");
	if (!r.pattern[0] && !r.prefix)
		return fail(err, errlen, -EINVAL, "the rule needs kind=%s", "KIND");
	if (r.kind == ISMS_CTEST_HEARTBEAT && !r.max_gap)
		return fail(err, errlen, -EINVAL, "heartbeat needs max_gap=%s", "DURATION");
	if (r.kind == ISMS_CTEST_ATTEST && !r.valid)
		return fail(err, errlen, -EINVAL, "attest needs valid=%s", "DURATION");
	if (r.kind == ISMS_CTEST_COUNT) {
		if (r.min < 0 && r.max < 0)
			return fail(err, errlen, -EINVAL, "count needs max=N or min=N%s", "");
		if (r.min >= 0 && r.max >= 0 && r.min > r.max)
			return fail(err, errlen, -EINVAL, "count: min is above max%s", "");
		if (!r.basis[0] && !r.basis_prefix)
			default_basis(&r);
	}
	if (r.kind == ISMS_CTEST_EVERY && r.nrequire == 0)
		return fail(err, errlen, -EINVAL, "every needs require=%s", "CONDITION");
	*ret = r;
	return 0;
}
