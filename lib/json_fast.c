/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fast yes for isms_json_check(): one pass, no allocation, over a subset
 * of strict JSON that the full reader surely accepts (ASCII strings, names
 * without escapes, integers of up to 18 digits, bounded depth and members).
 * Anything outside the subset, valid or not, is "not sure" and goes to the
 * full reader, which alone refuses and says why; so the two can never
 * disagree on what is accepted (fuzz_json checks isms_json_check against
 * isms_json_parse).  The evidence writer checks every row's details with
 * it: building json-c objects for each was a fifth of a collector's time.
 */
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "json_internal.h"

#define FAST_DEPTH 32  /* deeper: not sure */
#define FAST_NAMES 64  /* member names open at once (1 KiB of stack): more, not sure */

struct fast {
	const unsigned char *s;
	size_t len, pos;
	unsigned depth, max_depth;
	size_t nnames;
	struct {
		size_t off, len;
	} names[FAST_NAMES];
};

static void ws(struct fast *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int hexd(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)

static bool plain8(uint64_t x)
{
	return !(x & HIGHS) && !((x - ONES * 0x20) & ~x & HIGHS) && !HAS_ZERO(x ^ (ONES * 0x7f)) &&
	       !HAS_ZERO(x ^ (ONES * '"')) && !HAS_ZERO(x ^ (ONES * '\\'));
}

/* A string at the quote; a @name has no escapes.  Sets its raw bytes. */
static bool string(struct fast *p, bool name, size_t *ret_off, size_t *ret_len)
{
	size_t start = ++p->pos;

	while (p->pos < p->len) {
		unsigned char c;

		/* Plain bytes (none a quote, a backslash, a control or not ASCII)
		 * skipped 16 or 8 at a time, to the first that is not. */
#ifdef __SSE2__
		while (p->pos + 16 <= p->len) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p->s + p->pos));
			__m128i bad = _mm_or_si128(
				_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), /* and >= 0x80 */
					     _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))),
				_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
			unsigned mask = (unsigned)_mm_movemask_epi8(bad);

			if (mask) {
				p->pos += (size_t)__builtin_ctz(mask);
				break;
			}
			p->pos += 16;
		}
#endif
		while (p->pos + 8 <= p->len) {
			uint64_t x;

			memcpy(&x, p->s + p->pos, 8);
			if (!plain8(x))
				break;
			p->pos += 8;
		}
		if (p->pos >= p->len)
			break;
		c = p->s[p->pos];

		if (c == '"') {
			*ret_off = start;
			*ret_len = p->pos - start;
			p->pos++;
			return true;
		}
		/* controls, DEL, and anything not ASCII (UTF-8 is the full reader's) */
		if (c < 0x20 || c >= 0x7f)
			return false;
		if (c != '\\') {
			p->pos++;
			continue;
		}
		if (name || p->pos + 1 >= p->len)
			return false;
		c = p->s[p->pos + 1];
		if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
		    c == 'r' || c == 't') {
			p->pos += 2;
		} else if (c == 'u' && p->pos + 6 <= p->len) {
			unsigned cp = 0;

			for (int i = 0; i < 4; i++) {
				int d = hexd(p->s[p->pos + 2 + i]);

				if (d < 0)
					return false;
				cp = cp * 16 + (unsigned)d;
			}
			if (cp >= 0xd800 && cp <= 0xdfff) /* surrogates: the full reader pairs them */
				return false;
			p->pos += 6;
		} else {
			return false;
		}
	}
	return false;
}

/* An integer of at most 18 digits: fits in 64 bits; a fraction, exponent or -0 is not sure. */
static bool number(struct fast *p)
{
	size_t k = 0;

	if (p->s[p->pos] == '-') {
		p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '1' || p->s[p->pos] > '9')
			return false;
	}
	if (p->pos < p->len && p->s[p->pos] == '0') {
		p->pos++;
	} else {
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9' && k < 18) {
			p->pos++;
			k++;
		}
		if (!k)
			return false;
	}
	return !(p->pos < p->len && ((p->s[p->pos] >= '0' && p->s[p->pos] <= '9') ||
				     p->s[p->pos] == '.' || p->s[p->pos] == 'e' ||
				     p->s[p->pos] == 'E'));
}

static bool literal(struct fast *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return false;
	p->pos += n;
	return true;
}

static bool value(struct fast *p);

/*
 * After a member of an object or array: 1 when a ',' follows (another
 * member), 0 when @close does (consumed: the container ends), -1 otherwise.
 */
static int next_member(struct fast *p, char close)
{
	ws(p);
	if (p->pos >= p->len)
		return -1;
	if (p->s[p->pos] == ',') {
		p->pos++;
		return 1;
	}
	if (p->s[p->pos] != close)
		return -1;
	p->pos++;
	return 0;
}

static bool object(struct fast *p)
{
	size_t first = p->nnames, off, n;
	int r;

	if (++p->depth >= p->max_depth)
		return false;
	p->pos++;
	ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		p->depth--;
		return true;
	}
	for (;;) {
		ws(p);
		if (p->pos >= p->len || p->s[p->pos] != '"' || !string(p, true, &off, &n))
			return false;
		/* A name given twice: names have no escapes here, so bytes compare as text. */
		for (size_t i = first; i < p->nnames; i++)
			if (p->names[i].len == n && memcmp(p->s + p->names[i].off, p->s + off, n) == 0)
				return false;
		if (p->nnames == FAST_NAMES)
			return false;
		p->names[p->nnames].off = off;
		p->names[p->nnames].len = n;
		p->nnames++;
		ws(p);
		if (p->pos >= p->len || p->s[p->pos] != ':')
			return false;
		p->pos++;
		ws(p);
		if (!value(p))
			return false;
		r = next_member(p, '}');
		if (r < 0)
			return false;
		if (r == 0)
			break;
	}
	p->nnames = first;
	p->depth--;
	return true;
}

static bool array(struct fast *p)
{
	int r;

	if (++p->depth >= p->max_depth)
		return false;
	p->pos++;
	ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		p->depth--;
		return true;
	}
	for (;;) {
		ws(p);
		if (!value(p))
			return false;
		r = next_member(p, ']');
		if (r < 0)
			return false;
		if (r == 0)
			break;
	}
	p->depth--;
	return true;
}

static bool value(struct fast *p)
{
	size_t off, n;

	if (p->pos >= p->len)
		return false;
	switch (p->s[p->pos]) {
	case '{':
		return object(p);
	case '[':
		return array(p);
	case '"':
		return string(p, false, &off, &n);
	case 't':
		return literal(p, "true");
	case 'f':
		return literal(p, "false");
	case 'n':
		return literal(p, "null");
	default:
		if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
			return number(p);
		return false;
	}
}

bool json_fast_valid(const char *text, size_t len, const struct isms_json_limits *limits)
{
	struct fast p;
	size_t max_bytes = ISMS_JSON_BYTES_DEFAULT;

	if (limits && limits->max_bytes)
		max_bytes = limits->max_bytes;
	if (len > max_bytes)
		return false;
	p.s = (const unsigned char *)text;
	p.len = len;
	p.pos = 0;
	p.depth = 0;
	p.nnames = 0;
	p.max_depth = limits && limits->max_depth && limits->max_depth < FAST_DEPTH
			      ? limits->max_depth
			      : FAST_DEPTH;
	ws(&p);
	if (!value(&p))
		return false;
	ws(&p);
	return p.pos == p.len;
}
