/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_ENTITY_H
#define ISMS_ENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"

/*
 * The register's record types (person, asset, risk...) are described by
 * static tables.  One generic layer turns a description into prepared SQL, so
 * adding a field is one line here and one migration, and every record type
 * gets add/list/show/change, filters, JSON, CSV and import for free.
 */

enum isms_ftype {
	ISMS_FT_TEXT,
	ISMS_FT_INT,
	ISMS_FT_ENUM,  /* one of ->choices */
	ISMS_FT_DATE,  /* YYYY-MM-DD, a real calendar date */
	ISMS_FT_REF,   /* the key of a record of entity ->ref */
	ISMS_FT_MONEY, /* decimal with at most two places, stored in cents */
	ISMS_FT_BOOL,  /* yes/no */
	ISMS_FT_SCALE, /* a value on a risk matrix axis (->axis), number or label */
	ISMS_FT_DATETIME, /* ISO 8601 with Z or an offset; kept as UTC YYYY-MM-DDTHH:MM:SSZ */
	ISMS_FT_PATH,  /* an absolute path: no .., no whitespace or control characters */
	ISMS_FT_REFS,  /* a set of keys of entity ->ref, comma-separated, kept in ->link */
};

#define ISMS_FF_KEY      0x01u /* the natural key; always fields[0] */
#define ISMS_FF_REQUIRED 0x02u /* must be given on add */
#define ISMS_FF_FIXED    0x04u /* cannot be changed after add */
#define ISMS_FF_COMPUTED 0x08u /* read-only, computed by ->sql on read */
#define ISMS_FF_AUTO     0x10u /* key: generated from ->auto_prefix when absent */
#define ISMS_FF_HIDDEN   0x20u /* not shown in the default table view */
#define ISMS_FF_POSITIVE 0x40u /* INT: 1 or more */
#define ISMS_FF_LONG     0x80u /* TEXT: a document (up to ISMS_LONG_VALUE_MAX), not a line */
/*
 * ENUM: a set of ->choices, comma-separated; each is checked, one given
 * twice is refused, and the set is stored in the order of ->choices so
 * that equal sets read alike.  A filter on it matches membership.
 */
#define ISMS_FF_LIST     0x100u

/* The longest value of a field with ISMS_FF_LONG (the frozen inputs of a review). */
#define ISMS_LONG_VALUE_MAX (1024 * 1024)

/* The default of a DATE field that is the day of the add (UTC). */
#define ISMS_DFLT_TODAY "@today"

struct isms_field {
	const char *name; /* column, CLI option and JSON member */
	enum isms_ftype type;
	unsigned flags;
	const char *const *choices; /* ENUM: NULL-terminated */
	const char *ref;            /* REF: entity name */
	const char *axis;           /* SCALE: "likelihood" or "impact" */
	const char *sql;            /* COMPUTED: expression over alias t */
	const char *dflt;           /* default on add, or NULL; DATE: ISMS_DFLT_TODAY */
	const char *help;
	/* TEXT: a further check of the value (a rule's syntax); 0 or -EINVAL with @err */
	int (*check)(const char *in, char *err, size_t errlen);
	/*
	 * REFS: the link table, its column naming this record (->link_own)
	 * and its column naming the referenced one (->link_other), both by
	 * pk.  The record's own column of that name is not used.
	 */
	const char *link;
	const char *link_own;
	const char *link_other;
	/*
	 * SCALE: NULL-terminated names of SCALE fields of which this one is
	 * the highest: on add without a value of its own it takes theirs (the
	 * entity's written hook keeps it so on change).
	 */
	const char *const *max_of;
};

/* The most keys a REFS value may hold. */
#define ISMS_REFS_MAX 64

#define ISMS_EF_READONLY  0x01u /* no add/change through the generic layer */
#define ISMS_EF_CATALOGUE 0x02u /* rows come from a catalogue; import changes them */
#define ISMS_EF_UPSERT    0x04u /* some rows are built in: import changes a row that exists */

struct isms_kv;

struct isms_entity {
	const char *name;   /* "asset" */
	const char *plural; /* "assets" */
	const char *table;
	const char *auto_prefix; /* "R-" */
	unsigned flags;
	const struct isms_field *fields;
	size_t nfields;
	const char *help;
	/*
	 * Optional: called inside the transaction of every add (@added) or
	 * change (@kv: the fields given) through the generic layer and import,
	 * once the row is written.  It may refuse the write (a negative errno,
	 * the store's message set: the transaction is rolled back) or act on it
	 * (a review closed with findings opens a nonconformity); during an
	 * import, which restores a register with its consequences, it only
	 * checks.  0 to go on.
	 */
	int (*written)(struct isms_store *s, const struct isms_entity *e, const char *key,
		       const struct isms_kv *kv, size_t n, bool added);
	/*
	 * Optional: called inside the transaction of a generic remove before
	 * the row goes; a negative errno (the store's message set) refuses it
	 * (an approved management review stays).  0 to go on.
	 */
	int (*removing)(struct isms_store *s, const struct isms_entity *e, const char *key);
	/*
	 * Optional: called before an add (@added) or change through the
	 * generic layer and import, with the fields given, for one field the
	 * write implies (a document's approved version with its approval), so
	 * that the row and its history carry it in the same write.  1 with
	 * *ret_name (static) and *ret_value (malloc'd, NULL: clear it), 0 for
	 * nothing to add, or a negative errno (the store's message set).
	 */
	int (*derive)(struct isms_store *s, const struct isms_entity *e, const char *key,
		      const struct isms_kv *kv, size_t n, bool added, const char **ret_name,
		      char **ret_value);
};

/* NULL-terminated, in dependency order (referenced types first). */
extern const struct isms_entity *const isms_entities[];
/* The record types defined in files of their own. */
extern const struct isms_entity isms_entity_nc;
extern const struct isms_entity isms_entity_audit;
extern const struct isms_entity isms_entity_mreview;
extern const struct isms_entity isms_entity_appointment;
/* The registers of ISO 27001 4.1, 4.2, 6.2, 7.2 and 5.24-5.28. */
extern const struct isms_entity isms_entity_issue;
extern const struct isms_entity isms_entity_party;
extern const struct isms_entity isms_entity_requirement;
extern const struct isms_entity isms_entity_objective;
extern const struct isms_entity isms_entity_training;
extern const struct isms_entity isms_entity_incident;
/* The modelling of BSI 200-2 and Grundschutz++ (entity_modelling.c). */
extern const struct isms_entity isms_entity_override;
extern const struct isms_entity isms_entity_tailoring;
extern const struct isms_entity isms_entity_parameter;
extern const struct isms_entity isms_entity_implementation;
/* The fleet's hosts (entity_fleet.c). */
extern const struct isms_entity isms_entity_node;

/* By singular or plural name; NULL if unknown. */
const struct isms_entity *isms_entity_lookup(const char *name);
/* The same among the record types of @schema. */
const struct isms_entity *isms_schema_entity(const struct isms_schema *schema, const char *name);
const struct isms_field *isms_entity_field(const struct isms_entity *e, const char *name);
/* Index of the field in e->fields, or -1. */
int isms_entity_field_index(const struct isms_entity *e, const char *name);

/* "normal, high, very_high" for messages; static storage. */
const char *isms_field_choices_str(const struct isms_field *f);

/*
 * Check and normalise @in for field @f without touching the store (ENUM,
 * DATE, INT, MONEY, BOOL, TEXT; REF and SCALE are resolved by the store).
 * Returns 0 and a malloc'd canonical text in *ret, or -EINVAL with a message
 * naming the field, the value and what is allowed in @err.
 */
int isms_field_parse(const struct isms_field *f, const char *in, char **ret, char *err,
		     size_t errlen) __attribute__((warn_unused_result));

/* A name=value pair; value NULL clears an optional field on change. */
struct isms_kv {
	const char *name;
	const char *value;
};

/*
 * Add a record.  Unknown fields, bad values, unknown references, duplicate
 * keys and missing required fields fail with nothing written:
 * -EINVAL, -ENOENT (a referenced record), -EEXIST (the key), -EROFS.
 * *ret_key (optional) receives the malloc'd key, useful for generated ones.
 */
int isms_record_add(struct isms_store *s, const struct isms_entity *e, const struct isms_kv *kv,
		    size_t n, char **ret_key) __attribute__((warn_unused_result, nonnull(1, 2)));

/* Change fields of the record @key; -ENOENT if there is none. */
int isms_record_change(struct isms_store *s, const struct isms_entity *e, const char *key,
		       const struct isms_kv *kv, size_t n)
	__attribute__((warn_unused_result, nonnull(1, 2, 3)));

/* Remove the record @key; -ENOTEMPTY if other records still refer to it. */
int isms_record_remove(struct isms_store *s, const struct isms_entity *e, const char *key)
	__attribute__((warn_unused_result, nonnull));

/*
 * Called once per row with values aligned to e->fields (NULL for empty).
 * A non-zero return stops the iteration and is returned by the caller.
 */
typedef int (*isms_record_cb)(const struct isms_entity *e, const char *const *values,
			      void *userdata);

/* List records matching every filter (field = value), in insertion order. */
int isms_record_list(struct isms_store *s, const struct isms_entity *e,
		     const struct isms_kv *filter, size_t nfilter, isms_record_cb cb,
		     void *userdata) __attribute__((warn_unused_result, nonnull(1, 2, 5)));

/* One record by key (@cb may be NULL to test existence); -ENOENT if there is none. */
int isms_record_get(struct isms_store *s, const struct isms_entity *e, const char *key,
		    isms_record_cb cb, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2, 3)));

/* Number of records of @e. */
int isms_record_count(struct isms_store *s, const struct isms_entity *e, int64_t *ret_count)
	__attribute__((warn_unused_result, nonnull));

/*
 * Import a JSON document {"person": [{...}], "asset": [...], "settings": {...}}
 * in one transaction: all or nothing.  Catalogue entities (controls) are
 * changed, others added.  On failure *ret_err (optional) names the entry.
 */
int isms_import_json(struct isms_store *s, const char *json, size_t len, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * The same, calling @progress (optional) after each record with the number
 * done and the number of records in the document.  Its time grows linearly
 * with the records: generated keys are counted on, not searched for.
 */
int isms_import_json_progress(struct isms_store *s, const char *json, size_t len,
			      void (*progress)(size_t done, size_t total, void *userdata),
			      void *userdata, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * ISMS_IMPORT_UPDATE: upsert by key, so that an export edited and imported
 * again round-trips.  A record whose key is in the store is changed in the
 * fields that differ (through the same checks and hooks as a change), one
 * identical to the store's is left alone; a record without its key, or
 * with a key not in the store, is added.  SoA versions and incident
 * timeline events already present are kept (a SoA version that differs
 * from the stored one of its id is refused: versions are not changed).
 */
#define ISMS_IMPORT_UPDATE 0x1u

struct isms_import_counts {
	size_t added, changed, unchanged;
};

/*
 * Records of one type (@entity, singular) from CSV with the columns of its
 * CSV export (a header naming fields; computed ones are ignored, as in a
 * JSON export), imported as the JSON document of those rows would be.
 * Empty cells are no value; the CSV writer's formula guard is taken off.
 */
int isms_import_csv(struct isms_store *s, const char *entity, const char *buf, size_t len,
		    unsigned flags, void (*progress)(size_t done, size_t total, void *userdata),
		    void *userdata, struct isms_import_counts *ret_counts, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2, 3)));

/* The same with @flags; *ret_counts (optional) says what was done. */
int isms_import_json_ext(struct isms_store *s, const char *json, size_t len, unsigned flags,
			 void (*progress)(size_t done, size_t total, void *userdata),
			 void *userdata, struct isms_import_counts *ret_counts, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));

#endif
