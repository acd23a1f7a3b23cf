/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules a piece of evidence meets before it joins a chain, whoever
 * appends it (isms_evidence_append, the bulk writer isms_ingest, and through
 * them the evidence writer, the spool drain and the CLIs): one function, so
 * that no path takes what another refuses.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "evidence_internal.h"
#include "isms/json.h"
#include "isms/strutil.h"

/*
 * isms_text_ok() under a length cap.  Nearly every value is printable ASCII
 * throughout (0x20-0x7e): that is checked eight bytes at a time, and only a
 * value with anything else in it (tab, newline, UTF-8, controls) takes the
 * full check.  This runs over every column of every row ingested.
 */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static bool plain8(uint64_t x)
{
	/* no byte >= 0x80, none < 0x20, none == 0x7f */
	return !(x & HIGHS) && !((x - ONES * 0x20) & ~x & HIGHS) &&
	       !(((x ^ (ONES * 0x7f)) - ONES) & ~(x ^ (ONES * 0x7f)) & HIGHS);
}

static bool ok_text(const char *v, size_t max)
{
	size_t n, i = 0;

	n = strlen(v);
	if (n > max)
		return false;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, v + i, 8);
		if (!plain8(x))
			return isms_text_ok(v);
	}
	for (; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
			return isms_text_ok(v);
	return true;
}

static int check_text(struct isms_store *s, const char *name, const char *v, bool required,
		      size_t max)
{
	if (!v) {
		if (required)
			return store_seterr(s, -EINVAL, "evidence: %s is required", name);
		return 0;
	}
	if (!ok_text(v, max))
		return store_seterr(s, -EINVAL,
				    "evidence: %s is too long or has control characters", name);
	return 0;
}

int evidence_check(struct isms_store *s, const struct isms_evidence *ev, char *tsbuf, size_t len,
		   const char **ret_ts)
{
	int r;

	r = check_text(s, "source", ev->source, true, EVIDENCE_NAME_MAX);
	if (r >= 0)
		r = check_text(s, "kind", ev->kind, true, EVIDENCE_NAME_MAX);
	if (r >= 0)
		r = check_text(s, "ts", ev->ts, false, 64);
	if (r >= 0)
		r = check_text(s, "node", ev->node, false, EVIDENCE_NAME_MAX);
	if (r >= 0)
		r = check_text(s, "event_key", ev->event_key, false, EVIDENCE_KEY_MAX);
	if (r >= 0)
		r = check_text(s, "control", ev->control, false, 256);
	if (r >= 0)
		r = check_text(s, "asset", ev->asset, false, EVIDENCE_NAME_MAX);
	if (r >= 0)
		r = check_text(s, "subject", ev->subject, false, EVIDENCE_NAME_MAX);
	if (r >= 0)
		r = check_text(s, "outcome", ev->outcome, false, EVIDENCE_NAME_MAX);
	if (r >= 0)
		r = check_text(s, "details", ev->details, false, EVIDENCE_DETAILS_MAX);
	if (r >= 0 && ev->details) {
		struct isms_json_error jerr;

		/* Strict JSON, as every reader of the exported evidence expects:
		 * no comments, no single quotes, no name given twice. */
		r = isms_json_check(ev->details, strlen(ev->details), NULL, &jerr);
		if (r == -EINVAL || r == -EFBIG)
			r = store_seterr(s, -EINVAL, "evidence: details are not valid JSON (%s at %s)",
					 jerr.msg, jerr.path);
	}
	if (r < 0)
		return r;
	if (evidence_ts(ev->ts, tsbuf, len, ret_ts) < 0)
		return store_seterr(s, -EINVAL,
				    "evidence: ts '%.64s' is not a time with a zone"
				    " (YYYY-MM-DDTHH:MM[:SS[.F]]Z or +HH:MM)",
				    ev->ts);
	return 0;
}
