/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_KERNEL_AUDIT_H
#define AUDISP_ISMS_KERNEL_AUDIT_H

#include <stddef.h>

/* The audit settings of the kernel command line (/proc/cmdline). */
struct kernel_audit {
	int audit;                /* audit=: 1 on, 0 off, -1 not given */
	char value[16];           /* audit='s value as written (letters and digits) */
	char backlog_limit[16];   /* audit_backlog_limit=, "" when not given */
};

/* Parse @len bytes of a kernel command line.  Pure. */
void kernel_audit_parse(const char *cmdline, size_t len, struct kernel_audit *ret);
/* Read and parse @path (/proc/cmdline).  0, or -errno (*ret untouched). */
int kernel_audit_read(const char *path, struct kernel_audit *ret);
/* "audit=1", "audit=0" or "absent". */
const char *kernel_audit_outcome(const struct kernel_audit *k);
/*
 * JSON members (no braces) for the collector's start evidence:
 * "kernel_audit":"1"|"absent"|...,"boot_audited":true|false[,
 * "audit_backlog_limit":"N"].  Returns the length (always NUL-terminated).
 */
size_t kernel_audit_json(const struct kernel_audit *k, char *buf, size_t len);

#endif
