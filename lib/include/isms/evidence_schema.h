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
 * The evidence lifecycle (archive.c, retention.c): the archive boundary, the
 * last row moved out of the store into an archive file.  Evidence rows at or
 * below it may be deleted, no other: the delete trigger replaces the first
 * one (ISMS_EVIDENCE_TRIGGER_NO_DELETE stays for the migrations of stores
 * made before), and the boundary itself only moves forward, onto a row that
 * exists with its hash, never past the head.  A missing boundary row reads
 * as 0 (nothing may be deleted).  Verify compares these texts too.
 */
#define ISMS_EVIDENCE_TRIGGER_NO_DELETE_ARCHIVED                                               \
	"CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence"                          \
	"  WHEN OLD.pk > coalesce((SELECT last_pk FROM evidence_archive WHERE one = 1), 0)"    \
	"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"
#define ISMS_EVIDENCE_ARCHIVE_TRIGGER_FORWARD                                                  \
	"CREATE TRIGGER evidence_archive_forward BEFORE UPDATE ON evidence_archive"            \
	"  WHEN NEW.one IS NOT 1 OR NEW.last_pk < OLD.last_pk"                                 \
	"  OR NEW.last_pk > (SELECT last_pk FROM evidence_head WHERE one = 1)"                 \
	"  OR (NEW.last_pk = OLD.last_pk AND NEW.last_hash IS NOT OLD.last_hash)"              \
	"  OR (NEW.last_pk > OLD.last_pk AND NEW.last_hash IS NOT"                             \
	"  (SELECT hash FROM evidence WHERE pk = NEW.last_pk))"                                \
	"  OR (OLD.store_id != '' AND NEW.store_id IS NOT OLD.store_id)"                       \
	"  BEGIN SELECT RAISE(ABORT, 'the evidence archive boundary only moves forward'); END"
#define ISMS_EVIDENCE_ARCHIVE_TRIGGER_NO_DELETE                                                \
	"CREATE TRIGGER evidence_archive_no_delete BEFORE DELETE ON evidence_archive"          \
	"  BEGIN SELECT RAISE(ABORT, 'the evidence archive boundary is kept'); END"
#define ISMS_EVIDENCE_ARCHIVE_TRIGGER_NO_INSERT                                                \
	"CREATE TRIGGER evidence_archive_no_insert BEFORE INSERT ON evidence_archive"          \
	"  BEGIN SELECT RAISE(ABORT, 'the evidence archive boundary is kept'); END"

/*
 * The migration to the lifecycle, the same in every kind of store: the
 * boundary (the archived range's last row and hash, the store's id from
 * row 1 once row 1 is gone, how many archives), its guards, the new delete
 * trigger, and the retention register (a period in days per kind pattern).
 */
#define ISMS_EVIDENCE_LIFECYCLE_DDL                                                            \
	"CREATE TABLE evidence_archive ("                                                      \
	"  one INTEGER PRIMARY KEY CHECK (one = 1), last_pk INTEGER NOT NULL,"                 \
	"  last_hash TEXT NOT NULL, store_id TEXT NOT NULL, archives INTEGER NOT NULL) STRICT;", \
	"INSERT INTO evidence_archive VALUES (1, 0, "                                          \
	"  '0000000000000000000000000000000000000000000000000000000000000000', '', 0);",      \
	ISMS_EVIDENCE_ARCHIVE_TRIGGER_FORWARD ";",                                             \
	ISMS_EVIDENCE_ARCHIVE_TRIGGER_NO_DELETE ";",                                           \
	ISMS_EVIDENCE_ARCHIVE_TRIGGER_NO_INSERT ";",                                           \
	"DROP TRIGGER evidence_no_delete;",                                                    \
	ISMS_EVIDENCE_TRIGGER_NO_DELETE_ARCHIVED ";",                                          \
	"CREATE TABLE evidence_retention ("                                                    \
	"  pattern TEXT PRIMARY KEY, days INTEGER NOT NULL CHECK (days > 0)) STRICT;"

/*
 * Pseudonymisable rows (row format 2, evidence.c): a row keeps a salt and
 * the digests of its personal fields (subject, details), and the chain hash
 * covers the digests instead of the text, so that the text can later give
 * way to a pseudonym without breaking the chain.  The update trigger then
 * lets through exactly that: a format-2 row whose salt goes, whose details
 * go and whose subject becomes its pseudonym ('~' and the first 16 digits
 * of its digest), nothing else changing.
 */
#define ISMS_EVIDENCE_TRIGGER_NO_UPDATE_PSEUDONYM                                              \
	"CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence WHEN NOT ("                \
	"  OLD.fmt IS 2 AND OLD.psalt IS NOT NULL AND NEW.psalt IS NULL AND NEW.details IS NULL" \
	"  AND NEW.subject IS (CASE WHEN OLD.subject IS NULL THEN NULL"                         \
	"  ELSE '~' || substr(OLD.subject_d, 1, 16) END)"                                       \
	"  AND NEW.pk IS OLD.pk AND NEW.recorded IS OLD.recorded AND NEW.ts IS OLD.ts"         \
	"  AND NEW.source IS OLD.source AND NEW.kind IS OLD.kind AND NEW.node IS OLD.node"     \
	"  AND NEW.event_key IS OLD.event_key AND NEW.control IS OLD.control"                  \
	"  AND NEW.asset IS OLD.asset AND NEW.outcome IS OLD.outcome AND NEW.prev IS OLD.prev" \
	"  AND NEW.hash IS OLD.hash AND NEW.fmt IS OLD.fmt AND NEW.subject_d IS OLD.subject_d" \
	"  AND NEW.details_d IS OLD.details_d)"                                                \
	"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"

#define ISMS_EVIDENCE_PSEUDONYM_DDL                                                            \
	"ALTER TABLE evidence ADD COLUMN fmt INTEGER;",                                        \
	"ALTER TABLE evidence ADD COLUMN psalt TEXT;",                                         \
	"ALTER TABLE evidence ADD COLUMN subject_d TEXT;",                                     \
	"ALTER TABLE evidence ADD COLUMN details_d TEXT;",                                     \
	"DROP TRIGGER evidence_no_update;",                                                    \
	ISMS_EVIDENCE_TRIGGER_NO_UPDATE_PSEUDONYM ";"

/*
 * Row format 3 (evidence_raw.c): a row keeps neither its details nor its
 * prev (the hash before is the row before's) nor a salt; one digest of its
 * personal fields (subject and details, under its batch's salt) in
 * subject_d; its details batched and compressed with those of the rows
 * stored with it in evidence_raw (the batch's first row, how many rows, the
 * salt, the zlib stream).  Pseudonymising a batch removes its salt and
 * stream and turns its rows' subjects into their pseudonyms; the update
 * triggers let through exactly that.  Batches go only with their rows, at
 * or below the archive boundary.
 */
#define ISMS_EVIDENCE_TRIGGER_NO_UPDATE_V3                                                     \
	"CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence WHEN NOT ("                \
	"  ((OLD.fmt IS 2 AND OLD.psalt IS NOT NULL) OR OLD.fmt IS 3)"                          \
	"  AND NEW.psalt IS NULL AND NEW.details IS NULL"                                       \
	"  AND NEW.subject IS (CASE WHEN OLD.subject IS NULL THEN NULL"                         \
	"  ELSE '~' || substr(OLD.subject_d, 1, 16) END)"                                       \
	"  AND NEW.pk IS OLD.pk AND NEW.recorded IS OLD.recorded AND NEW.ts IS OLD.ts"         \
	"  AND NEW.source IS OLD.source AND NEW.kind IS OLD.kind AND NEW.node IS OLD.node"     \
	"  AND NEW.event_key IS OLD.event_key AND NEW.control IS OLD.control"                  \
	"  AND NEW.asset IS OLD.asset AND NEW.outcome IS OLD.outcome AND NEW.prev IS OLD.prev" \
	"  AND NEW.hash IS OLD.hash AND NEW.fmt IS OLD.fmt AND NEW.subject_d IS OLD.subject_d" \
	"  AND NEW.details_d IS OLD.details_d)"                                                \
	"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"
#define ISMS_EVIDENCE_RAW_TRIGGER_NO_UPDATE                                                    \
	"CREATE TRIGGER evidence_raw_no_update BEFORE UPDATE ON evidence_raw WHEN NOT ("        \
	"  NEW.pk IS OLD.pk AND NEW.n IS OLD.n AND NEW.salt IS NULL AND NEW.z IS NULL)"        \
	"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"
#define ISMS_EVIDENCE_RAW_TRIGGER_NO_DELETE                                                    \
	"CREATE TRIGGER evidence_raw_no_delete BEFORE DELETE ON evidence_raw"                  \
	"  WHEN OLD.pk + OLD.n - 1 > coalesce((SELECT last_pk FROM evidence_archive WHERE one = 1), 0)" \
	"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"

#define ISMS_EVIDENCE_FORMAT3_DDL                                                              \
	"CREATE TABLE evidence_raw ("                                                          \
	"  pk INTEGER PRIMARY KEY, n INTEGER NOT NULL, salt TEXT, z BLOB) STRICT;",            \
	ISMS_EVIDENCE_RAW_TRIGGER_NO_UPDATE ";",                                               \
	ISMS_EVIDENCE_RAW_TRIGGER_NO_DELETE ";",                                               \
	"DROP TRIGGER evidence_no_update;",                                                    \
	ISMS_EVIDENCE_TRIGGER_NO_UPDATE_V3 ";"

/*
 * The indexes that list and report queries use (evidence list --since,
 * --kind, ...; the SoA's collector starts; the DPMS review and retention):
 * one column each, so that every entry is (value, pk) and a filter on one
 * value pages in chain order straight from the index (keyset: pk > cursor),
 * never sorting.  Columns that are often empty are indexed where they are
 * set: an append pays only for the values it has.  (Migration 4 of the ISMS
 * store dropped two (asset, ts) and (kind, ts) indexes that no query used.)
 * Migration 8 (ISMS_EVIDENCE_TAG_DDL) keeps evidence_by_ts alone.
 */
#define ISMS_EVIDENCE_INDEX_DDL                                                                \
	"CREATE INDEX evidence_by_ts ON evidence(ts);",                                        \
	"CREATE INDEX evidence_by_kind ON evidence(kind);",                                    \
	"CREATE INDEX evidence_by_control ON evidence(control) WHERE control IS NOT NULL;",    \
	"CREATE INDEX evidence_by_asset ON evidence(asset) WHERE asset IS NOT NULL;",          \
	"CREATE INDEX evidence_by_node ON evidence(node) WHERE node IS NOT NULL;",             \
	"CREATE INDEX evidence_by_subject ON evidence(subject) WHERE subject IS NOT NULL;"

/*
 * Evidence by value a block at a time (migration 8 of the ISMS store, 5 of
 * the DPMS store; lib/evidence_tag.c): the five per-row indexes by kind,
 * control, asset, node and subject cost each appended row five index
 * inserts, a third more CPU per event in a collector.  The tag table holds
 * instead one entry per value per block of 64 consecutive rows (block =
 * pk >> ISMS_EVIDENCE_TAG_SHIFT): a collector's rows repeat a few kinds,
 * controls and assets, so a block of 64 rows costs about a dozen entries.
 * A filter on one of these fields reads the blocks that hold its value, in
 * chain order straight from the primary key, and then only those rows.
 * Time keeps its per-row index (evidence_by_ts): a window is a range, not
 * a value.  The tags are derived, never evidence: a tag too many costs a
 * block read, so that archived blocks may keep theirs.
 */
#define ISMS_EVIDENCE_TAG_SHIFT 6
enum isms_evidence_tag_field {
	ISMS_TAG_KIND = 1,
	ISMS_TAG_CONTROL = 2,
	ISMS_TAG_ASSET = 3,
	ISMS_TAG_NODE = 4,
	ISMS_TAG_SUBJECT = 5,
};

#define ISMS_EVIDENCE_TAG_FILL(field, col)                                                     \
	"INSERT OR IGNORE INTO evidence_tag (field, value, block) SELECT " #field ", " #col      \
	", pk >> 6 FROM evidence WHERE " #col " IS NOT NULL;"

#define ISMS_EVIDENCE_TAG_DDL                                                                  \
	"DROP INDEX IF EXISTS evidence_by_kind;",                                              \
	"DROP INDEX IF EXISTS evidence_by_control;",                                           \
	"DROP INDEX IF EXISTS evidence_by_asset;",                                             \
	"DROP INDEX IF EXISTS evidence_by_node;",                                              \
	"DROP INDEX IF EXISTS evidence_by_subject;",                                           \
	"CREATE TABLE evidence_tag (field INTEGER NOT NULL, value TEXT NOT NULL,"              \
	"  block INTEGER NOT NULL, PRIMARY KEY (field, value, block)) STRICT, WITHOUT ROWID;", \
	ISMS_EVIDENCE_TAG_FILL(1, kind), ISMS_EVIDENCE_TAG_FILL(2, control),                   \
	ISMS_EVIDENCE_TAG_FILL(3, asset), ISMS_EVIDENCE_TAG_FILL(4, node),                     \
	ISMS_EVIDENCE_TAG_FILL(5, subject)

#define ISMS_INGEST_COUNTER_DDL                                                                \
	"CREATE TABLE ingest_counter ("                                                        \
	"  source TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL DEFAULT 0,"        \
	"  PRIMARY KEY (source, name)) STRICT;"

#endif
