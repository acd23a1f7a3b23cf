/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_HISTORY_H
#define ISMS_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "isms/entity.h"
#include "isms/store.h"

/*
 * The history of the register.  Every add, change, remove and import of a
 * record through the generic layer appends, in the write's own transaction,
 * an evidence row of kind "register.<type>.<action>" (action add, change,
 * remove or import) with the record's key as subject and details
 *
 *   {"actor": "alice", "before": {...} | null, "after": {...} | null}
 *
 * every stored field for an add or a remove (before, or after, null: the
 * record did not exist), only the fields that changed for a change, never
 * computed ones; values as text, null for empty.  A change that changes
 * nothing writes no row.  Read-only record types and the evidence are not
 * journaled.  The rows are ordinary chain rows: verify catches an edit.
 */

/* The longest actor name kept. */
#define ISMS_ACTOR_MAX 64

/*
 * Who acts, from what the caller found: @loginuid the text of
 * /proc/self/loginuid (NULL when unreadable; 4294967295 means unset),
 * @ruid the real uid, @sudo_user and @sudo_uid the environment's SUDO_USER
 * and SUDO_UID (NULL when unset).  The login uid's name when it is set
 * (pam_loginuid sets it at login; an unprivileged process cannot change
 * it), else SUDO_USER when @ruid is 0 and SUDO_UID is set, else @ruid's
 * name; a uid with no name is given as its number.  Writes at most
 * ISMS_ACTOR_MAX bytes into @buf.
 */
void isms_actor_pick(const char *loginuid, uid_t ruid, const char *sudo_user,
		     const char *sudo_uid, char buf[ISMS_ACTOR_MAX]) __attribute__((nonnull(5)));

/* The same for this process: reads /proc/self/loginuid, getuid() and the environment. */
void isms_actor_get(char buf[ISMS_ACTOR_MAX]) __attribute__((nonnull));

/* One history row, as isms_history_list() hands it over. */
struct isms_history_entry {
	int64_t id;         /* the evidence row */
	const char *ts;     /* when (UTC) */
	const char *type;   /* record type name */
	const char *key;
	const char *action; /* add, change, remove, import */
	const char *actor;
	bool existed;       /* the record existed before (a change, a remove, an import that changed) */
	bool exists;        /* and after (not a remove) */
	size_t nfields;     /* fields given, in the row's order */
	const char *const *field;
	const char *const *before; /* NULL when empty or when !existed */
	const char *const *after;  /* NULL when empty or when !exists */
};

typedef int (*isms_history_cb)(const struct isms_history_entry *h, void *userdata);

/*
 * Call @cb for each history row of the record @key, of type @type (NULL:
 * of every type that has rows for that key), in chain order, oldest first.
 * A row whose details cannot be read (pseudonymised) comes with no fields.
 * Returns the number of rows (>= 0), the first non-zero return of @cb, or
 * -errno; -EINVAL for an unknown @type.
 */
int64_t isms_history_list(struct isms_store *s, const char *type, const char *key,
			  isms_history_cb cb, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 3, 4)));

/* How isms_history_at() found the record. */
struct isms_history_at {
	int64_t rows;        /* history rows up to the time */
	bool from_current;   /* no add row: rebuilt back from the current values */
	bool before_first;   /* ... and the time lies before the first row recorded */
	char first_ts[40];   /* the first row's time, when from_current */
};

/*
 * The record @key of @e as it was at @at (a time isms_date_parse() takes,
 * or a date YYYY-MM-DD: the end of that day, UTC), rebuilt from its history:
 * the add row and the changes up to @at.  A record added before history was
 * recorded is rebuilt back from its current values, undoing the later
 * changes; before its first row it shows the values that row found (and
 * @ret->before_first says so).  @cb gets values aligned to e->fields
 * (computed fields NULL).  -ENOENT when the record did not exist at @at,
 * -EINVAL for a bad time; messages in the store.
 */
int isms_history_at(struct isms_store *s, const struct isms_entity *e, const char *key,
		    const char *at, isms_record_cb cb, void *userdata,
		    struct isms_history_at *ret)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 4, 5, 7)));

#endif
