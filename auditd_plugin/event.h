/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_EVENT_H
#define AUDISP_ISMS_EVENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * One assembled audit event, as plain data: what classification needs,
 * copied out of auparse so that the pure core never sees a parser.
 * Strings are NUL-terminated and live in the event's own arena.
 */

#define AEV_MAX_RECORDS 32
#define AEV_MAX_PATHS   8
#define AEV_ARENA       16384
#define AEV_RAW_MAX     4096 /* raw record text kept as evidence, per event */

struct aev {
	const char *node;   /* node= prefix; NULL when local */
	const char *node_asset;  /* the registry's asset of an attributed node; NULL: none */
	const char *attribution; /* quarantined: the "attribution" JSON object; else NULL */
	const char *fleet_node;  /* DAEMON_ACCEPT/CLOSE: the node the sender's address is of */
	int fleet_conn;          /* 1: DAEMON_ACCEPT, 2: DAEMON_CLOSE, with fleet on; else 0 */
	int64_t sec;
	unsigned milli;
	unsigned long serial;

	int type;           /* type of the first record */
	const char *type_name;
	int types[AEV_MAX_RECORDS];
	size_t nrecords;

	/* First occurrence of each field across the event's records. */
	const char *key;      /* SYSCALL key, without quotes; NULL for (null) */
	const char *auid, *uid, *acct, *auid_name, *uid_name; /* *_name: enriched AUID=, UID= */
	const char *id, *id_name; /* id=: the account a user-space record is about, by number */
	const char *exe, *comm, *res, *success;
	const char *op;       /* the whole op=, spaces and all ("adding user to group") */
	const char *hostname, *addr, *terminal;
	const char *syscall_name; /* by the record's arch= (i386 5 is open), or the number */
	const char *arch;     /* "x86_64", "i386", ...; NULL when unknown */
	const char *a1, *a2;  /* SYSCALL arguments: open/openat flags tell read from write */
	const char *oflag;    /* OPENAT2 record: openat2's flags (octal), a2 being a pointer */
	const char *isms_evidence; /* evidence= of pam_isms's own records */
	const char *rule, *decision; /* pam_isms's rule= and decision= */
	const char *paths[AEV_MAX_PATHS];
	size_t npaths;

	const char *raw;      /* the records' raw text (before 0x1d), newline-joined, capped */
	int raw_truncated;

	char arena[AEV_ARENA];
	size_t used;
};

/* Reset for the next event. */
void aev_reset(struct aev *e);
/* Copy @s (up to @len bytes, or all if (size_t)-1) into the arena; NULL if full. */
const char *aev_strdup(struct aev *e, const char *s, size_t len);

#endif
