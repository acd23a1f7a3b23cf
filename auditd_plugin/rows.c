/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The collector's own rows: malformed lines kept as evidence, and start, stop, loss. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "isms/sha256.h"
#include "jsonw.h"
#include "writer.h"

void writer_push_malformed(struct writer *w, const char *line, size_t len, const char *why,
			   const char *node)
{
	char key[96], hash[65], ts[32], *details;
	size_t dcap = len * 6 + 256;
	struct classified cl;
	struct jsonw jw;
	time_t now = time(NULL);
	struct tm tm;

	details = malloc(dcap);
	if (!details) {
		isms_writer_count(w->iw, ISMS_CTR_RECEIVED, 1);
		isms_writer_count(w->iw, ISMS_CTR_MALFORMED, 1);
		return;
	}
	/* Never fails short of libcrypto failing: then the key is the same for all. */
	(void)!isms_sha256_hex(line, len, hash);
	/* The same bad line replayed is the same evidence. */
	snprintf(key, sizeof(key), "audit-malformed:%s", hash);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jsonw_init(&jw, details, dcap);
	jsonw_object(&jw);
	jsonw_str(&jw, "why", why);
	jsonw_int(&jw, "length", (long long)len);
	jsonw_strn(&jw, "line", line, len);
	jsonw_finish(&jw);

	memset(&cl, 0, sizeof(cl));
	cl.route = ROUTE_ISMS;
	snprintf(cl.kind, sizeof(cl.kind), "audit.malformed");
	cl.control = "8.15";
	cl.asset = node;
	snprintf(cl.event_key, sizeof(cl.event_key), "%s", key);
	snprintf(cl.ts, sizeof(cl.ts), "%s", ts);
	cl.outcome = "malformed";
	/* Marked malformed before it is queued: once queued, the writer
	 * thread may already be storing it. */
	writer_push_row(w, ROW_MALFORMED, &cl, details, strlen(details));
	free(details);
}

void writer_push_meta_key(struct writer *w, const char *kind, const char *outcome,
			  const char *asset, const char *details, const char *key)
{
	writer_push_meta_node(w, kind, outcome, asset, NULL, details, key);
}

void writer_push_meta_node(struct writer *w, const char *kind, const char *outcome,
			   const char *asset, const char *node, const char *details, const char *key)
{
	static unsigned seq; /* (only for generated keys) */
	struct classified cl;
	char host[128] = "";
	struct timespec now;
	struct tm tm;

	memset(&cl, 0, sizeof(cl));
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(cl.ts, sizeof(cl.ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	gethostname(host, sizeof(host) - 1);
	cl.route = ROUTE_ISMS;
	snprintf(cl.kind, sizeof(cl.kind), "%s", kind);
	cl.control = "8.15";
	cl.asset = asset;
	cl.node = node;
	cl.outcome = outcome;
	if (key)
		snprintf(cl.event_key, sizeof(cl.event_key), "%s", key);
	else
		snprintf(cl.event_key, sizeof(cl.event_key), "audisp-isms:%s:%s:%lld.%09ld:%ld:%u",
			 kind, host, (long long)now.tv_sec, now.tv_nsec, (long)getpid(), seq++);
	writer_push_row(w, ROW_META, &cl, details, details ? strlen(details) : 0);
}

void writer_push_meta(struct writer *w, const char *kind, const char *outcome,
		      const char *asset, const char *details)
{
	writer_push_meta_key(w, kind, outcome, asset, details, NULL);
}
