/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiled policy's format: encoding a parsed policy and decoding it
 * again (isms/policy_compiled.h).  The decoder reads untrusted bytes (a
 * fuzz harness drives it): every length is checked against what is left
 * before it is used, and every value against what the parser can produce,
 * so a decoded policy is one the parser could have built.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "isms/policy_compiled.h"
#include "policy_internal.h"

#define MAGIC   "ISMSPOL\0"
#define HEAD    16
#define NOSTR   0xffffffffu
#define STR_MAX 4096 /* longer than any name the parser accepts */
#define RULE_MIN 50  /* bytes of the shortest rule */
#define FROM_MIN 23  /* and of the shortest source */

struct out {
	unsigned char *p;
	size_t len, cap;
	int err;
};

static void put(struct out *o, const void *v, size_t n)
{
	if (o->err)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		unsigned char *np;

		while (cap < o->len + n)
			cap *= 2;
		np = realloc(o->p, cap);
		if (!np) {
			o->err = -ENOMEM;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, v, n);
	o->len += n;
}

static void put_u8(struct out *o, unsigned v)
{
	unsigned char b = (unsigned char)v;

	put(o, &b, 1);
}

static void put_u32(struct out *o, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};

	put(o, b, 4);
}

static void put_str(struct out *o, const char *s)
{
	if (!s) {
		put_u32(o, NOSTR);
		return;
	}
	put_u32(o, (uint32_t)strlen(s));
	put(o, s, strlen(s));
}

static void put_strv(struct out *o, const struct strv *v)
{
	put_u32(o, (uint32_t)v->n);
	for (size_t i = 0; i < v->n; i++)
		put_str(o, v->v[i]);
}

static void put_rule(struct out *o, const struct rule *r)
{
	put_str(o, r->id);
	put_strv(o, &r->users);
	put_strv(o, &r->groups);
	put_strv(o, &r->services);
	put_strv(o, &r->ttys);
	put_strv(o, &r->acks);
	put_u32(o, (uint32_t)r->nfrom);
	for (size_t i = 0; i < r->nfrom; i++) {
		const struct from_item *f = &r->from[i];

		put_u8(o, f->kind);
		put_u8(o, f->family == AF_INET6 ? 6 : f->family == AF_INET ? 4 : 0);
		put_u8(o, (unsigned)f->prefix);
		put(o, f->addr, 16);
		put_str(o, f->host);
	}
	put_u8(o, r->has_time);
	put_u8(o, r->win.days);
	put_u32(o, (uint32_t)r->win.start_min);
	put_u32(o, (uint32_t)r->win.end_min);
	put_str(o, r->has_time && r->tz ? isms_tz_name(r->tz) : NULL);
	put_u32(o, (uint32_t)r->reviewed_within);
	put_u8(o, r->require_active);
	put_u8(o, r->allow);
	put_u8(o, r->break_glass);
}

int isms_policy_compile(const struct isms_policy *p, const char *json, size_t len,
			unsigned char **ret, size_t *ret_len)
{
	struct out o = {0};
	size_t ndocs = 0;

	if (len > ISMS_POLICY_MAX_BYTES)
		return -EFBIG;
	put(&o, MAGIC, 8);
	put_u32(&o, ISMS_POLICY_COMPILED_VERSION);
	put_u32(&o, 0); /* the CRC, below */
	put_u32(&o, (uint32_t)len);
	put(&o, json, len);
	put_str(&o, p->asset);
	put_u8(&o, p->mode);
	put_u8(&o, p->on_error);
	put_u8(&o, p->needs_review);
	put_u32(&o, (uint32_t)p->nrules);
	for (size_t i = 0; i < p->nrules; i++)
		put_rule(&o, &p->rules[i]);
	while (p->docs && p->docs[ndocs])
		ndocs++;
	put_u32(&o, (uint32_t)ndocs);
	for (size_t i = 0; i < ndocs; i++)
		put_str(&o, p->docs[i]);
	if (o.err) {
		free(o.p);
		return o.err;
	}
	{
		uint32_t crc = isms_crc32c(0, o.p + HEAD, o.len - HEAD);

		for (int i = 0; i < 4; i++)
			o.p[12 + i] = (unsigned char)(crc >> (8 * i));
	}
	*ret = o.p;
	*ret_len = o.len;
	return 0;
}

struct in {
	const unsigned char *p;
	size_t len, pos;
	int err; /* the first problem: -EBADMSG or -ENOMEM */
};

static const unsigned char *take(struct in *in, size_t n)
{
	const unsigned char *v;

	if (in->err || n > in->len - in->pos) {
		if (!in->err)
			in->err = -EBADMSG;
		return NULL;
	}
	v = in->p + in->pos;
	in->pos += n;
	return v;
}

static unsigned get_u8(struct in *in, unsigned max)
{
	const unsigned char *b = take(in, 1);

	if (b && *b > max) {
		in->err = -EBADMSG;
		return 0;
	}
	return b ? *b : 0;
}

static uint32_t get_u32(struct in *in)
{
	const unsigned char *b = take(in, 4);

	return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			   (uint32_t)b[3] << 24 :
		   0;
}

/* A name of 1 to @max bytes as the parser accepts it, or NULL when @nullable and absent. */
static char *get_str(struct in *in, bool nullable, size_t max)
{
	uint32_t n = get_u32(in);
	const unsigned char *b;
	char *s;

	if (in->err)
		return NULL;
	if (n == NOSTR && nullable)
		return NULL;
	if (n == 0 || n > STR_MAX || !(b = take(in, n)) || memchr(b, '\0', n)) {
		in->err = -EBADMSG;
		return NULL;
	}
	s = malloc(n + 1);
	if (!s) {
		in->err = -ENOMEM;
		return NULL;
	}
	memcpy(s, b, n);
	s[n] = '\0';
	if (!policy_name_ok(s, max)) {
		free(s);
		in->err = -EBADMSG;
		return NULL;
	}
	return s;
}

/* A count of items each at least @min bytes long: no more than what is left could hold. */
static size_t get_count(struct in *in, size_t min, size_t max)
{
	uint32_t n = get_u32(in);

	if (!in->err && (n > max || (size_t)n * min > in->len - in->pos))
		in->err = -EBADMSG;
	return in->err ? 0 : n;
}

static void get_strv(struct in *in, struct strv *v, size_t max)
{
	size_t n = get_count(in, 5, 4096);

	if (!n)
		return;
	v->v = calloc(n, sizeof(*v->v));
	if (!v->v) {
		in->err = -ENOMEM;
		return;
	}
	for (; v->n < n && !in->err; v->n++)
		v->v[v->n] = get_str(in, false, max);
}

static void get_from(struct in *in, struct from_item *f)
{
	const unsigned char *addr;
	unsigned fam;
	bool bad;

	f->kind = (enum from_kind)get_u8(in, FROM_DOMAIN);
	fam = get_u8(in, 6);
	f->prefix = (int)get_u8(in, 128);
	addr = take(in, 16);
	if (addr)
		memcpy(f->addr, addr, 16);
	f->host = get_str(in, true, 253);
	if (in->err)
		return;
	f->family = fam == 6 ? AF_INET6 : fam == 4 ? AF_INET : 0;
	/* What the parser makes of each kind, and nothing else. */
	if (f->kind == FROM_CIDR)
		bad = (fam != 4 && fam != 6) || (fam == 4 && f->prefix > 32) || f->host;
	else if (f->kind == FROM_HOST || f->kind == FROM_DOMAIN)
		bad = fam || !f->host || (f->kind == FROM_DOMAIN) != (f->host[0] == '.');
	else
		bad = fam || f->host;
	if (bad)
		in->err = -EBADMSG;
}

static const struct isms_tz *get_tz(struct in *in, struct isms_policy *p, const char *name,
				    const char *zoneinfo)
{
	struct isms_tz *tz = NULL, **ntz;
	int r;

	for (size_t i = 0; i < p->ntzs; i++)
		if (strcmp(isms_tz_name(p->tzs[i]), name) == 0)
			return p->tzs[i];
	r = isms_tz_load(zoneinfo, name, &tz);
	if (r < 0) {
		in->err = r;
		return NULL;
	}
	ntz = realloc(p->tzs, (p->ntzs + 1) * sizeof(*ntz));
	if (!ntz) {
		isms_tz_free(tz);
		in->err = -ENOMEM;
		return NULL;
	}
	p->tzs = ntz;
	p->tzs[p->ntzs++] = tz;
	return tz;
}

static void get_rule(struct in *in, struct isms_policy *p, struct rule *r, const char *zoneinfo)
{
	char *tzname;

	r->id = get_str(in, false, 63);
	get_strv(in, &r->users, 256);
	get_strv(in, &r->groups, 256);
	get_strv(in, &r->services, 64);
	get_strv(in, &r->ttys, 64);
	get_strv(in, &r->acks, 128);
	r->nfrom = get_count(in, FROM_MIN, 4096);
	if (r->nfrom) {
		r->from = calloc(r->nfrom, sizeof(*r->from));
		if (!r->from) {
			r->nfrom = 0;
			in->err = -ENOMEM;
		}
		for (size_t i = 0; i < r->nfrom && !in->err; i++)
			get_from(in, &r->from[i]);
	}
	r->has_time = get_u8(in, 1);
	r->win.days = (uint8_t)get_u8(in, 0x7f);
	r->win.start_min = (int)get_u32(in);
	r->win.end_min = (int)get_u32(in);
	tzname = get_str(in, true, 255);
	r->reviewed_within = (int)get_u32(in);
	r->require_active = get_u8(in, 1);
	r->allow = get_u8(in, 1);
	r->break_glass = get_u8(in, 1);
	if (!in->err && (r->win.start_min < 0 || r->win.start_min >= 24 * 60 ||
			 r->win.end_min < 0 || r->win.end_min > 24 * 60 ||
			 r->reviewed_within < -1 || r->has_time != (tzname != NULL) ||
			 (r->break_glass && !r->allow)))
		in->err = -EBADMSG;
	if (!in->err && tzname)
		r->tz = get_tz(in, p, tzname, zoneinfo);
	free(tzname);
}

int isms_policy_decode(const void *buf, size_t blen, const char *json, size_t jlen,
		       const char *zoneinfo, struct isms_policy **ret)
{
	struct in in = {.p = buf, .len = blen};
	struct isms_policy *p = NULL;
	const unsigned char *text;
	uint32_t crc;
	size_t ndocs;

	if (blen < HEAD + 4 || memcmp(buf, MAGIC, 8) != 0)
		return -EBADMSG;
	(void)take(&in, 8);
	if (get_u32(&in) != ISMS_POLICY_COMPILED_VERSION)
		return -ESTALE;
	crc = get_u32(&in);
	if (crc != isms_crc32c(0, in.p + HEAD, blen - HEAD))
		return -EBADMSG;
	/* The text first: a compiled file of another text is stale, not damaged. */
	if (get_u32(&in) != jlen || !(text = take(&in, jlen)))
		return in.err ? in.err : -ESTALE;
	if (memcmp(text, json, jlen) != 0)
		return -ESTALE;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->asset = get_str(&in, false, 256);
	p->mode = (enum isms_policy_mode)get_u8(&in, ISMS_MODE_AUDIT);
	p->on_error = (enum isms_on_error)get_u8(&in, ISMS_ON_ERROR_ALLOW);
	p->needs_review = get_u8(&in, 1);
	p->nrules = get_count(&in, RULE_MIN, ISMS_POLICY_MAX_RULES);
	if (!in.err && !p->nrules)
		in.err = -EBADMSG;
	if (p->nrules && !(p->rules = calloc(p->nrules, sizeof(*p->rules)))) {
		p->nrules = 0;
		in.err = -ENOMEM;
	}
	for (size_t i = 0; i < p->nrules && !in.err; i++)
		get_rule(&in, p, &p->rules[i], zoneinfo);
	ndocs = get_count(&in, 5, 4096);
	if (!in.err && !(p->docs = calloc(ndocs + 1, sizeof(*p->docs))))
		in.err = -ENOMEM;
	for (size_t i = 0; i < ndocs && !in.err; i++)
		p->docs[i] = get_str(&in, false, 128);
	if (!in.err && in.pos != in.len)
		in.err = -EBADMSG;
	if (in.err) {
		isms_policy_free(p);
		return in.err;
	}
	*ret = p;
	return 0;
}
