/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules of ISO 27001 6.1.3 d) a write of the SoA must pass: an Annex A
 * control is excluded only with a justification, and nothing implements
 * an excluded control (a measure on it would contradict the exclusion).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "soa_internal.h"
#include "store_internal.h"

#define COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

/* The measures names listed in a message: enough to find them. */
#define SOA_NAMES_MAX 5

static bool blank(const char *v)
{
	if (!v)
		return true;
	for (; *v; v++)
		if (*v != ' ' && *v != '\t')
			return false;
	return true;
}

static bool kv_has(const struct isms_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].name, name) == 0)
			return true;
	return false;
}

int soa_control_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	sqlite3_stmt *st = NULL;
	char names[256] = "";
	size_t count = 0;
	bool excluded = false, justified = false;
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = store_prepare(s, "SELECT applicable, justification FROM control WHERE id = ?1", &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		const char *ap = COL(st, 0);

		excluded = ap && strcmp(ap, "no") == 0;
		justified = !blank(COL(st, 1));
		r = 0;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r < 0 || !excluded)
		return r;
	if (!justified)
		return store_seterr(s, -EINVAL,
				    "control '%.64s' is not applicable without a justification: an"
				    " exclusion needs one (ISO 27001 6.1.3 d), give --justification",
				    key);
	r = store_prepare(s,
			  "SELECT m.id FROM measure m JOIN measure_control l ON l.measure = m.pk"
			  " JOIN control c ON c.pk = l.control WHERE c.id = ?1 ORDER BY m.pk",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		if (count < SOA_NAMES_MAX) {
			size_t len = strlen(names);

			snprintf(names + len, sizeof(names) - len, "%s%.32s", count ? ", " : "",
				 COL(st, 0));
		}
		count++;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	if (count)
		return store_seterr(s, -EINVAL,
				    "control '%.64s' cannot be made not applicable: %zu measure%s"
				    " implement%s it (%s%s); move or remove them first",
				    key, count, count == 1 ? "" : "s", count == 1 ? "s" : "", names,
				    count > SOA_NAMES_MAX ? ", ..." : "");
	return 0;
}

int soa_measure_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	sqlite3_stmt *st = NULL;
	int r;

	(void)e;
	/* a measure that was there before an exclusion was refused is not checked again */
	if (!added && !kv_has(kv, n, "control"))
		return 0;
	r = store_prepare(s,
			  "SELECT c.id FROM measure m JOIN measure_control l ON l.measure = m.pk"
			  " JOIN control c ON c.pk = l.control WHERE m.id = ?1 AND c.applicable = 'no'"
			  " ORDER BY c.pk",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1)
		r = store_seterr(s, -EINVAL,
				 "measure '%.64s' cannot implement control '%.64s': the control is not"
				 " applicable (excluded from the SoA); make it applicable first",
				 key, COL(st, 0));
	sqlite3_finalize(st);
	return r;
}
