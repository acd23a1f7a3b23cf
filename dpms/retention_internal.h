/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DPMS_RETENTION_INTERNAL_H
#define DPMS_RETENTION_INTERNAL_H

/* The retention check's walk (retention.c) and its deletions with their evidence (retention_delete.c). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dpms.h"

struct walk {
	struct isms_store *s;
	const char *activity;
	const struct dpms_retention_rule *rule;
	/* the activity's legal holds: paths kept, or the whole activity (@hold_all) */
	char *const *holds;
	size_t nholds;
	int64_t now;
	bool delete;
	dev_t dev;
	dpms_retention_cb cb;
	void (*problem)(const char *msg, void *ud);
	void *ud;
	size_t deleted;
	int r;
};

/* Report a problem through the caller's callback. */
void retention_say(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Delete @name in @dfd, the intent recorded before and the deletion after. */
void retention_delete_file(struct walk *w, int dfd, const char *name, const char *path,
			const struct stat *st);

/* Finish what an interrupted run left: intents without their deletion record. */
int retention_recover(struct isms_store *s, int64_t now, struct walk *w, size_t *ret_recovered);

#endif
