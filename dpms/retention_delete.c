/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deleting an expired file: the intent recorded first, the deletion after, and recovery of an interrupted run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpms.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/sql.h"
#include "isms/strutil.h"
#include "retention_internal.h"

static const char *deleter(void)
{
	const char *by = getenv("SUDO_USER");
	struct passwd *pw = by ? NULL : getpwuid(getuid());

	return by ? by : pw ? pw->pw_name : "?";
}

/* {"path":...,"size":N,"modified":...[,"intent":N][,"recovered":true]}: a
 * file name inside a location is anyone's, so it is escaped for the JSON. */
static void deletion_details(char *details, size_t size, const char *path, int64_t bytes,
			     const char *mod, int64_t intent, bool recovered)
{
	size_t k = 0;

	k += (size_t)snprintf(details + k, size - k, "{\"path\":\"");
	for (const char *p = path; *p && k < size - 128; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			k += (size_t)snprintf(details + k, size - k, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			k += (size_t)snprintf(details + k, size - k, "\\u%04x", c);
		else
			details[k++] = (char)c;
	}
	k += (size_t)snprintf(details + k, size - k, "\",\"size\":%" PRId64 ",\"modified\":\"%s\"",
			      bytes, mod);
	if (intent > 0)
		k += (size_t)snprintf(details + k, size - k, ",\"intent\":%" PRId64, intent);
	snprintf(details + k, size - k, "%s}", recovered ? ",\"recovered\":true" : "");
}

static int append(struct isms_store *s, const char *kind, const char *outcome,
		  const char *activity, const char *details, int64_t *ret_id)
{
	struct isms_evidence ev = {0};

	ev.source = "dpmsctl";
	ev.kind = kind;
	ev.control = "8.10"; /* Information deletion */
	ev.asset = activity;
	ev.subject = deleter();
	ev.outcome = outcome;
	ev.details = details;
	return isms_evidence_append(s, &ev, ret_id);
}

/*
 * Before a file goes: its intended deletion, committed on its own.  Should
 * the deletion or its record then fail (a crash, a full disk), the next run
 * finds the intent without an outcome and completes it (retention_recover()).
 */
static int record_intent(struct walk *w, const char *path, const struct stat *st,
			 int64_t *ret_id)
{
	char mod[32], details[4700];

	isms_date_format(st->st_mtime, mod, sizeof(mod));
	deletion_details(details, sizeof(details), path, (int64_t)st->st_size, mod, 0, false);
	return append(w->s, "retention.delete-intent", "intended", w->activity, details, ret_id);
}

/* After: the deletion record and its evidence, one transaction. */
static int record_deletion(struct isms_store *s, const char *activity, const char *path,
			   int64_t size, const char *mod, int64_t now, int64_t intent,
			   bool recovered)
{
	sqlite3_stmt *q = NULL;
	char at[32], details[4700];
	int r;

	isms_date_format((time_t)now, at, sizeof(at));
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_sql_prepare(s,
			  "INSERT INTO deletion (at, activity, path, size, modified, by)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			  &q);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 1, at);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 2, activity);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 3, path);
	if (r >= 0 && sqlite3_bind_int64(q, 4, (sqlite3_int64)size) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 5, mod);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 6, deleter());
	if (r >= 0)
		r = isms_sql_step_done(s, q);
	sqlite3_finalize(q);
	if (r >= 0) {
		deletion_details(details, sizeof(details), path, size, mod, intent, recovered);
		r = append(s, "retention.deleted", "deleted", activity, details, NULL);
	}
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

/* An intent that did not end in a deletion: said so, so it is not pending. */
static int record_unfinished(struct isms_store *s, const char *activity, const char *path,
			     int64_t intent, const char *why)
{
	char details[4900], reason[160];
	size_t k;

	deletion_details(details, sizeof(details) - 200, path, 0, "", intent, false);
	/* replace the closing brace by the reason (why is ours: no escaping) */
	k = strlen(details) - 1;
	snprintf(reason, sizeof(reason), ",\"reason\":\"%s\"}", why);
	snprintf(details + k, sizeof(details) - k, "%s", reason);
	return append(s, "retention.delete-unfinished", "not deleted", activity, details, NULL);
}

/* Delete one file (@dfd/@name, shown as @path) the check found too old. */
void retention_delete_file(struct walk *w, int dfd, const char *name, const char *path,
			const struct stat *st)
{
	char mod[32];
	int64_t intent = 0;

	w->r = record_intent(w, path, st, &intent);
	if (w->r < 0)
		return; /* nothing recorded: nothing deleted */
	if (unlinkat(dfd, name, 0) < 0) {
		char why[128];

		snprintf(why, sizeof(why), "cannot delete: %s", strerror(errno));
		retention_say(w, "'%s': %s", path, why);
		w->r = record_unfinished(w->s, w->activity, path, intent, why);
		return;
	}
	isms_date_format(st->st_mtime, mod, sizeof(mod));
	w->r = record_deletion(w->s, w->activity, path, (int64_t)st->st_size, mod, w->now, intent,
			       false);
	if (w->r >= 0)
		w->deleted++;
}

/*
 * Intents of earlier runs without an outcome (the run died between its
 * intent and its record): a file that is gone was deleted, and its record
 * is made now; one that is still there was not, and is marked so (this run
 * decides about it again).
 */
int retention_recover(struct isms_store *s, int64_t now, struct walk *w, size_t *ret_recovered)
{
	sqlite3_stmt *q = NULL;
	int r = isms_sql_prepare(
		s,
		"SELECT e.pk, e.asset, json_extract(e.d, '$.path'),"
		" json_extract(e.d, '$.size'), json_extract(e.d, '$.modified')"
		" FROM (SELECT pk, asset, evidence_details(pk, fmt, details) AS d FROM evidence"
		" WHERE kind = 'retention.delete-intent') e WHERE e.pk NOT IN"
		/* evaluated once, not per intent: the chain holds every access */
		" (SELECT json_extract(evidence_details(o.pk, o.fmt, o.details), '$.intent')"
		" FROM evidence o"
		" WHERE o.kind IN ('retention.deleted', 'retention.delete-unfinished')"
		" AND json_extract(evidence_details(o.pk, o.fmt, o.details), '$.intent') IS NOT NULL)"
		" ORDER BY e.pk",
		&q);
	struct pending {
		int64_t pk, size;
		char *activity, *path, *mod;
	} *v = NULL;
	size_t n = 0;

	*ret_recovered = 0;
	while (r >= 0 && (r = isms_sql_step_row(s, q)) == 1) {
		struct pending *nv = realloc(v, (n + 1) * sizeof(*v));
		const char *a = (const char *)sqlite3_column_text(q, 1);
		const char *p = (const char *)sqlite3_column_text(q, 2);
		const char *m = (const char *)sqlite3_column_text(q, 4);

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		v[n].pk = sqlite3_column_int64(q, 0);
		v[n].size = sqlite3_column_int64(q, 3);
		v[n].activity = strdup(a ? a : "");
		v[n].path = strdup(p ? p : "");
		v[n].mod = strdup(m ? m : "");
		n++;
		if (!v[n - 1].activity || !v[n - 1].path || !v[n - 1].mod) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(q);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct stat st;

		if (lstat(v[i].path, &st) < 0 && errno == ENOENT) {
			r = record_deletion(s, v[i].activity, v[i].path, v[i].size, v[i].mod, now,
					    v[i].pk, true);
			if (r >= 0)
				(*ret_recovered)++;
		} else {
			retention_say(w, "'%s': an earlier deletion did not finish; the file is still there",
			    v[i].path);
			r = record_unfinished(s, v[i].activity, v[i].path, v[i].pk,
					      "interrupted; the file was still there");
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].activity);
		free(v[i].path);
		free(v[i].mod);
	}
	free(v);
	return r < 0 ? r : 0;
}

/*
 * A location is this host's when its host is empty (the register's
 * default) or names this host: its name as gethostname() gives it, or its
 * first label (web1 for web1.example.org), compared without case.
 */
