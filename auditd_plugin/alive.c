/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The collector's heartbeat: collector.alive rows with the counters since the last. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alive.h"
#include "jsonw.h"
#include "loss.h"

static uint64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void counters(struct writer *w, struct bqueue *q, uint64_t c[5])
{
	uint64_t bytes, records, cap_hits;

	bqueue_loss(q, &bytes, &records, &cap_hits);
	c[0] = writer_counter(w, ISMS_CTR_RECEIVED);
	c[1] = writer_counter(w, ISMS_CTR_STORED);
	c[2] = writer_counter(w, ISMS_CTR_FILTERED);
	c[3] = records;
	c[4] = writer_lost(w);
}

void alive_init(struct alive *al)
{
	char host[128] = "";
	struct timespec now;

	memset(al, 0, sizeof(*al));
	gethostname(host, sizeof(host) - 1);
	clock_gettime(CLOCK_REALTIME, &now);
	/* The start time tells two instances with a reused pid apart. */
	snprintf(al->instance, sizeof(al->instance), "%s:%ld:%lld.%09ld", host, (long)getpid(),
		 (long long)now.tv_sec, now.tv_nsec);
}

struct heard_ctx {
	struct alive *al;
	struct writer *w;
	unsigned interval_s;
};

/*
 * A node the central heard from in the interval: its collector.alive, so
 * that the heartbeat test sees a host through the central that receives it
 * (audisp-remote writes none of its own) and a silent host fails it.
 */
static void node_alive(void *ud, const char *node, const char *asset, uint64_t lines)
{
	struct heard_ctx *h = ud;
	char key[512], det[768];
	struct jsonw jw;

	jsonw_init(&jw, det, sizeof(det));
	jsonw_object(&jw);
	jsonw_int(&jw, "seq", (long long)h->al->seq);
	jsonw_int(&jw, "interval_s", h->interval_s);
	jsonw_str(&jw, "instance", h->al->instance);
	jsonw_str(&jw, "via", "central");
	jsonw_int(&jw, "lines", (long long)lines);
	jsonw_finish(&jw);
	snprintf(key, sizeof(key), "audisp-isms:collector.alive:%s:%llu:%s", h->al->instance,
		 (unsigned long long)h->al->seq, node);
	writer_push_meta_node(h->w, "collector.alive", "alive", asset, node, det, key);
}

void alive_tick(struct alive *al, struct writer *w, struct bqueue *q,
		const struct plugin_config *cfg, struct parser *p)
{
	struct heard_ctx h = {al, w, cfg->alive_seconds};

	uint64_t now = mono_ms(), c[5];
	uint32_t enabled = 0, klost = 0, ksince = 0;
	bool kernel, trail_ok;
	char key[256], det[768];
	struct jsonw jw;

	if (!cfg->alive_seconds) {
		al->next_ms = 0;
		al->interval_s = 0;
		return;
	}
	/* Started, or the interval changed at a SIGHUP: the next one an interval from now. */
	if (!al->next_ms || al->interval_s != cfg->alive_seconds) {
		if (!al->next_ms && al->seq == 0) {
			counters(w, q, al->last);
			al->have_kernel = loss_kernel_status(&enabled, &al->last_kernel_lost);
		}
		al->interval_s = cfg->alive_seconds;
		al->next_ms = now + (uint64_t)cfg->alive_seconds * 1000;
		return;
	}
	if (now < al->next_ms)
		return;
	/* (late after a stall: the next counts from now, not to catch up) */
	al->next_ms = now + (uint64_t)cfg->alive_seconds * 1000;
	counters(w, q, c);
	/* The kernel's status as watch_loss() last saw it: no request here, so
	 * the heartbeat never waits on netlink. */
	kernel = loss_kernel_status(&enabled, &klost);
	if (kernel && al->have_kernel && klost > al->last_kernel_lost)
		ksince = klost - al->last_kernel_lost;
	trail_ok = kernel && enabled != 0 && ksince == 0 && c[3] == al->last[3] &&
		   c[4] == al->last[4];
	/* (jsonw: a hostname is the kernel's bytes, not necessarily JSON-safe) */
	jsonw_init(&jw, det, sizeof(det));
	jsonw_object(&jw);
	jsonw_int(&jw, "seq", (long long)++al->seq);
	jsonw_int(&jw, "interval_s", cfg->alive_seconds);
	jsonw_str(&jw, "instance", al->instance);
	jsonw_int(&jw, "received", (long long)(c[0] - al->last[0]));
	jsonw_int(&jw, "stored", (long long)(c[1] - al->last[1]));
	jsonw_int(&jw, "filtered", (long long)(c[2] - al->last[2]));
	jsonw_int(&jw, "lost", (long long)(c[3] - al->last[3]));
	jsonw_int(&jw, "lost_rows", (long long)(c[4] - al->last[4]));
	jsonw_str(&jw, "kernel_audit",
		  !kernel ? "unknown" : enabled == 0 ? "disabled" : enabled == 2 ? "locked" : "enabled");
	jsonw_int(&jw, "kernel_lost", ksince);
	jsonw_bool(&jw, "audit_trail_ok", trail_ok);
	jsonw_finish(&jw);
	snprintf(key, sizeof(key), "audisp-isms:collector.alive:%s:%llu", al->instance,
		 (unsigned long long)al->seq);
	writer_push_meta_key(w, "collector.alive", trail_ok ? "alive" : "degraded", cfg->asset,
			     det, key);
	if (p)
		parser_heard(p, node_alive, &h);
	memcpy(al->last, c, sizeof(c));
	if (kernel) {
		al->last_kernel_lost = klost;
		al->have_kernel = true;
	}
}
