/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_EVIDENCE_SCHEMA_H
#define ISMS_EVIDENCE_SCHEMA_H

/*
 * The evidence chain and the collectors' counters, the same in every kind of
 * store (evidence.c, ingest.c and spool.c write them, 'verify' proves them):
 * statements for a schema's migrations.  Evidence keeps names, not
 * references: it must stay verifiable after the things it mentions change.
 */

/*
 * The append-only triggers, each exactly as SQLite keeps it in
 * sqlite_master.sql (the statement without its ';'): verify compares the
 * whole text, since the same names with other bodies guard nothing.
 * Never change them: stores made by earlier builds hold this text.
 */
#define ISMS_EVIDENCE_TRIGGER_NO_UPDATE                                                        \
	"CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence"                          \
	"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"
#define ISMS_EVIDENCE_TRIGGER_NO_DELETE                                                        \
	"CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence"                          \
	"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"

#define ISMS_EVIDENCE_DDL                                                                      \
	"CREATE TABLE evidence ("                                                              \
	"  pk INTEGER PRIMARY KEY, recorded TEXT NOT NULL, ts TEXT NOT NULL,"                  \
	"  source TEXT NOT NULL, kind TEXT NOT NULL, node TEXT, event_key TEXT UNIQUE,"       \
	"  control TEXT, asset TEXT, subject TEXT, outcome TEXT, details TEXT,"               \
	"  prev TEXT NOT NULL, hash TEXT NOT NULL) STRICT;",                                  \
	"CREATE TABLE evidence_head ("                                                         \
	"  one INTEGER PRIMARY KEY CHECK (one = 1), last_pk INTEGER NOT NULL,"                 \
	"  last_hash TEXT NOT NULL) STRICT;",                                                  \
	"INSERT INTO evidence_head VALUES (1, 0, "                                             \
	"  '0000000000000000000000000000000000000000000000000000000000000000');",              \
	ISMS_EVIDENCE_TRIGGER_NO_UPDATE ";",                                                   \
	ISMS_EVIDENCE_TRIGGER_NO_DELETE ";"

/*
 * The indexes that list and report queries use (evidence list --since,
 * --kind, ...; the SoA's collector starts; the DPMS review and retention):
 * one column each, so that every entry is (value, pk) and a filter on one
 * value pages in chain order straight from the index (keyset: pk > cursor),
 * never sorting.  Columns that are often empty are indexed where they are
 * set: an append pays only for the values it has.  (Migration 4 of the ISMS
 * store dropped two (asset, ts) and (kind, ts) indexes that no query used.)
 */
#define ISMS_EVIDENCE_INDEX_DDL                                                                \
	"CREATE INDEX evidence_by_ts ON evidence(ts);",                                        \
	"CREATE INDEX evidence_by_kind ON evidence(kind);",                                    \
	"CREATE INDEX evidence_by_control ON evidence(control) WHERE control IS NOT NULL;",    \
	"CREATE INDEX evidence_by_asset ON evidence(asset) WHERE asset IS NOT NULL;",          \
	"CREATE INDEX evidence_by_node ON evidence(node) WHERE node IS NOT NULL;",             \
	"CREATE INDEX evidence_by_subject ON evidence(subject) WHERE subject IS NOT NULL;"

#define ISMS_INGEST_COUNTER_DDL                                                                \
	"CREATE TABLE ingest_counter ("                                                        \
	"  source TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL DEFAULT 0,"        \
	"  PRIMARY KEY (source, name)) STRICT;"

#endif
