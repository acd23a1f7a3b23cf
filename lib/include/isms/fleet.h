/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_FLEET_H
#define ISMS_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"
#include "isms/tz.h"

/*
 * The fleet as the evidence shows it: per node of the registry
 * (isms/node.h) when it was last heard from, what it sent, how often a
 * sender impersonated it, its clock against the central's and the
 * heartbeat test's verdict; then the node names seen only in rows
 * audisp-isms kept apart (not registered).  A node's evidence is its
 * attributed rows (source audisp-isms); rows kept apart
 * (audisp-isms-unregistered) are counted beside them, never as them.
 * Quarantined rows (audisp-isms-quarantine) carry no node at all (they are
 * not the claimed node's evidence; the claim is only in their details), so
 * a node's impersonations are read from the fleet.impersonation rows, whose
 * details name the claimed node: one per claimed node, reason and
 * connection epoch.  Each fact is one query through the node and kind
 * block tags (evidence_tag) or the time index.
 */

#define ISMS_FLEET_SOURCE            "audisp-isms"
#define ISMS_FLEET_SOURCE_APART      "audisp-isms-unregistered"
#define ISMS_FLEET_SOURCE_QUARANTINE "audisp-isms-quarantine"
#define ISMS_FLEET_IMPERSONATION     "fleet.impersonation"
#define ISMS_FLEET_HEARTBEAT_TEST    "audit-trail-heartbeat"
#define ISMS_FLEET_SKEW_TEST         "clock-skew-bounded"
#define ISMS_FLEET_SKEW_ROWS         1000 /* the latest attributed rows the skew is read from */

struct isms_fleet_node {
	const char *name;
	const char *asset;            /* the registry's, NULL: none */
	bool registered, local;
	/* the latest attributed row (apart rows for a name not registered): NULL when never */
	const char *last_recorded;    /* when the central stored it (UTC) */
	const char *last_ts;          /* the time it says, by the node's clock */
	int64_t rows_24h;             /* attributed rows recorded in the 24 h before now */
	int64_t impersonations;       /* fleet.impersonation rows claiming it, ever */
	int64_t apart;                /* rows naming it kept apart, ever */
	const char *conn_kind;        /* fleet.connect or fleet.disconnect, the latest; NULL: none */
	const char *conn_at;          /* its recorded time */
	/* ts - recorded over the latest ISMS_FLEET_SKEW_ROWS attributed rows (s, + ahead) */
	int64_t skew_rows, skew_median, skew_max;
	/* the heartbeat test's verdict for this node over its current period; NULL: no test */
	const char *heartbeat;        /* "pass", "fail", "insufficient" */
	const char *heartbeat_reason;
};

typedef int (*isms_fleet_cb)(const struct isms_fleet_node *n, void *userdata);

/*
 * @cb for each registered node (or only @name; -ENOENT when it is neither
 * registered nor seen apart), in name order, then each unregistered name
 * seen apart, at @now (Unix seconds; the 24 h and the heartbeat's period in
 * @tz).  0, the first non-zero return of @cb, or -errno.
 */
int isms_fleet_status(struct isms_store *s, const char *name, int64_t now,
		      const struct isms_tz *tz, isms_fleet_cb cb, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 4, 5)));

/* Median and largest of @n values (sorted in place); 0s for none.  Pure. */
void isms_fleet_skew(int64_t *v, size_t n, int64_t *ret_median, int64_t *ret_max);

/* --- enrolment: a node's and the central's audit configuration --------------------- */

enum isms_fleet_transport { ISMS_FLEET_TCP, ISMS_FLEET_KRB5 };

struct isms_fleet_enrol {
	const char *node;       /* the registered name (name = on the sender) */
	const char *principal;  /* the node's registered principal (krb5), or NULL */
	const char *central;    /* the central's address or host name */
	unsigned port;          /* its tcp_listen_port, 1..65535 */
	enum isms_fleet_transport transport;
	const char *central_principal; /* krb5: the central's (default auditd/CENTRAL) */
};

#define ISMS_FLEET_FILES 5
struct isms_fleet_file {
	const char *name;   /* the file's name under --write DIR */
	const char *target; /* the file it is, or the one its lines belong in */
	bool whole;         /* the whole file, or lines to set in it */
	char *text;
};

/*
 * The files of @e: the sender's audisp-remote.conf, au-remote.conf and
 * auditd.conf lines, the central's auditd.conf lines and its plugin's
 * conf.  Every value is checked first (the central an IP address or a DNS
 * name, the port, the names and principals without spaces or quotes), so
 * that nothing else reaches a file.  0, or -EINVAL with the reason in
 * @err; -ENOMEM.  Free with isms_fleet_files_release().  Pure.
 */
int isms_fleet_enrol_files(const struct isms_fleet_enrol *e, struct isms_fleet_file ret[ISMS_FLEET_FILES],
			   char *err, size_t errlen) __attribute__((warn_unused_result, nonnull));
void isms_fleet_files_release(struct isms_fleet_file f[ISMS_FLEET_FILES]);

/*
 * Write @f as new files under the directory @dir (mode 0644): nothing is
 * written when one of them exists already (-EEXIST, its name in @err) or
 * when @dir is a symlink (-ELOOP).  0 or -errno.
 */
int isms_fleet_write_files(const char *dir, const struct isms_fleet_file f[ISMS_FLEET_FILES],
			   char *err, size_t errlen) __attribute__((warn_unused_result, nonnull));

#endif
