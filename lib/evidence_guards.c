/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What verify reads besides the rows: the archive boundary, and the guards
 * of the chain (the evidence tables as made, the append-only triggers with
 * their full text), compared after the walk.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "evidence_internal.h"
#include "isms/evidence_schema.h"

/* The archive boundary: last archived row (0: none) and its hash, copied whole. */
int evidence_read_boundary(struct isms_store *s, int64_t *ret_pk, char hash[ISMS_HASH_HEX],
			   char store_id[17])
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT last_pk, last_hash, store_id FROM evidence_archive"
				 " WHERE one = 1", &st);

	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOTRECOVERABLE, "the evidence archive boundary is missing");
	if (r == 1) {
		const char *h = (const char *)sqlite3_column_text(st, 1);
		const char *id = (const char *)sqlite3_column_text(st, 2);

		*ret_pk = sqlite3_column_int64(st, 0);
		if (h && sqlite3_column_bytes(st, 1) == ISMS_HASH_HEX - 1)
			memcpy(hash, h, ISMS_HASH_HEX);
		else
			hash[0] = '\0';
		if (store_id)
			snprintf(store_id, 17, "%s", id && strlen(id) == 16 ? id : "");
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

/*
 * The evidence table is STRICT and its columns have the types made: what
 * lets the walk read every value as text without checking each.
 */
static int table_strict(struct isms_store *s, char *reason, size_t len)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "SELECT (SELECT strict FROM pragma_table_list WHERE name = 'evidence'"
			      "   AND schema = 'main'),"
			      " (SELECT count(*) FROM pragma_table_xinfo('evidence')"
			      "   WHERE ((name IN ('pk', 'fmt')) != (type = 'INTEGER'))"
			      "   OR (name NOT IN ('pk', 'fmt') AND type != 'TEXT')),"
			      " (SELECT count(*) FROM pragma_table_xinfo('evidence'))",
			      &st);

	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		r = sqlite3_column_int(st, 0) == 1 && sqlite3_column_int(st, 1) == 0 &&
		    sqlite3_column_int(st, 2) == 3 + EV_NFIELDS + 4;
		if (!r)
			snprintf(reason, len,
				 "the evidence table was replaced: it is not the STRICT table made");
	}
	sqlite3_finalize(st);
	return r;
}

/*
 * The guards of the chain, exactly as the migrations made them: the tables
 * are tables (not views over something else), the append-only triggers
 * have their full text (the same names with empty bodies guard nothing),
 * and no other trigger sits on the evidence tables (one that drops new rows
 * with RAISE(IGNORE) hides evidence before it is chained).
 * 1 when all is as made, 0 with @reason filled in, or -errno.
 */
int evidence_guards_intact(struct isms_store *s, char *reason, size_t len)
{
	static const struct {
		const char *type, *name, *sql;
	} want[] = {
		{"table", "evidence", NULL},
		{"table", "evidence_head", NULL},
		{"table", "evidence_archive", NULL},
		{"table", "evidence_raw", NULL},
		{"trigger", "evidence_no_update", ISMS_EVIDENCE_TRIGGER_NO_UPDATE_V3},
		{"trigger", "evidence_raw_no_update", ISMS_EVIDENCE_RAW_TRIGGER_NO_UPDATE},
		{"trigger", "evidence_raw_no_delete", ISMS_EVIDENCE_RAW_TRIGGER_NO_DELETE},
		{"trigger", "evidence_no_delete", ISMS_EVIDENCE_TRIGGER_NO_DELETE_ARCHIVED},
		{"trigger", "evidence_archive_forward", ISMS_EVIDENCE_ARCHIVE_TRIGGER_FORWARD},
		{"trigger", "evidence_archive_no_delete", ISMS_EVIDENCE_ARCHIVE_TRIGGER_NO_DELETE},
		{"trigger", "evidence_archive_no_insert", ISMS_EVIDENCE_ARCHIVE_TRIGGER_NO_INSERT},
	};
	enum { NWANT = sizeof(want) / sizeof(want[0]) };
	bool seen[NWANT] = {false};
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "SELECT type, name, sql FROM sqlite_master WHERE name IN"
			      " ('evidence', 'evidence_head', 'evidence_archive', 'evidence_raw',"
			      " 'evidence_no_update', 'evidence_no_delete', 'evidence_archive_forward',"
			      " 'evidence_archive_no_delete', 'evidence_archive_no_insert',"
			      " 'evidence_raw_no_update', 'evidence_raw_no_delete')"
			      " OR (type = 'trigger' AND tbl_name IN"
			      " ('evidence', 'evidence_head', 'evidence_archive', 'evidence_raw'))",
			      &st);

	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *sql = (const char *)sqlite3_column_text(st, 2);
		size_t sqllen = (size_t)sqlite3_column_bytes(st, 2);
		size_t k;

		for (k = 0; k < NWANT; k++)
			if (name && strcmp(name, want[k].name) == 0)
				break;
		if (k == NWANT) {
			snprintf(reason, len, "an unexpected trigger '%.64s' sits on the evidence tables",
				 name ? name : "?");
			r = 0;
			break;
		}
		if (!type || strcmp(type, want[k].type) != 0 ||
		    (want[k].sql && (!sql || sqllen != strlen(want[k].sql) ||
				     memcmp(sql, want[k].sql, sqllen) != 0))) {
			snprintf(reason, len,
				 "the append-only %s '%s' was replaced: its definition is not the one made",
				 want[k].type, want[k].name);
			r = 0;
			break;
		}
		seen[k] = true;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	if (r == 0 && reason[0])
		return 0;
	for (size_t k = 0; k < NWANT; k++) {
		if (!seen[k]) {
			snprintf(reason, len,
				 "the append-only triggers on evidence were removed ('%s' is missing)",
				 want[k].name);
			return 0;
		}
	}
	return table_strict(s, reason, len);
}


int evidence_batches_within(struct isms_store *s, int64_t head_pk, char *reason, size_t len)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT pk FROM evidence_raw WHERE pk + n - 1 > ?1 LIMIT 1", &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, head_pk) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1)
		snprintf(reason, len,
			 "a details batch (from row %lld) holds rows past the head (row %lld):"
			 " it was added, or the head was altered",
			 (long long)sqlite3_column_int64(st, 0), (long long)head_pk);
	sqlite3_finalize(st);
	return r < 0 ? r : r == 0;
}
