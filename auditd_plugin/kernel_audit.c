/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel command line's audit setting.  The kernel decides at fork
 * whether a task is ever syscall-audited: without audit=1 at boot, every
 * process started before auditd enabled auditing (init, sshd, a login shell
 * and what it runs itself) escapes every syscall rule for its life.  The
 * collector records the setting when it starts, so that 8.15 evidence says
 * what the rules could not see.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "kernel_audit.h"

static void copy_value(char *dst, size_t size, const char *v, size_t n)
{
	size_t k = 0;

	/* only what a setting is made of: the value goes into JSON as it is */
	for (size_t i = 0; i < n && k + 1 < size; i++)
		if ((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z'))
			dst[k++] = v[i];
	dst[k] = '\0';
}

void kernel_audit_parse(const char *cmdline, size_t len, struct kernel_audit *ret)
{
	const char *p = cmdline, *end = cmdline + len;

	memset(ret, 0, sizeof(*ret));
	ret->audit = -1;
	while (p < end) {
		const char *w;
		size_t n;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\0'))
			p++;
		w = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\0')
			p++;
		n = (size_t)(p - w);
		/* after "--" the words are init's, not the kernel's */
		if (n == 2 && w[0] == '-' && w[1] == '-')
			break;
		/* the last one counts, as in the kernel */
		if (n > 6 && memcmp(w, "audit=", 6) == 0) {
			const char *v = w + 6;
			size_t vn = n - 6;

			copy_value(ret->value, sizeof(ret->value), v, vn);
			/* kernel/audit.c audit_enable(): 0 and off disable, anything
			 * else enables (an unknown value with an error message) */
			ret->audit = (vn == 1 && v[0] == '0') ||
					     (vn == 3 && strncasecmp(v, "off", 3) == 0) ? 0 : 1;
		} else if (n > 20 && memcmp(w, "audit_backlog_limit=", 20) == 0) {
			copy_value(ret->backlog_limit, sizeof(ret->backlog_limit), w + 20, n - 20);
		}
	}
}

int kernel_audit_read(const char *path, struct kernel_audit *ret)
{
	char buf[8192];
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* /proc files have no size: read to the end, capped */
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			close(fd);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	kernel_audit_parse(buf, len, ret);
	return 0;
}

const char *kernel_audit_outcome(const struct kernel_audit *k)
{
	return k->audit == 1 ? "audit=1" : k->audit == 0 ? "audit=0" : "absent";
}

size_t kernel_audit_json(const struct kernel_audit *k, char *buf, size_t len)
{
	int n = snprintf(buf, len, "\"kernel_audit\":\"%s\",\"boot_audited\":%s",
			 k->audit < 0 ? "absent" : k->value, k->audit == 1 ? "true" : "false");

	if (n >= 0 && (size_t)n < len && k->backlog_limit[0]) {
		int m = snprintf(buf + n, len - (size_t)n, ",\"audit_backlog_limit\":\"%s\"",
				 k->backlog_limit);

		if (m > 0)
			n += m;
	}
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}
