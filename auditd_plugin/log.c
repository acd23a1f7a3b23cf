/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin's messages, to syslog and (the ones that matter) to stderr. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "log.h"
#include "isms/strutil.h"

void plugin_log(int prio, const char *fmt, ...)
{
	char msg[1024], safe[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	syslog(prio, "%s", msg);
	if (prio > LOG_WARNING)
		return;
	/* Paths and keys come from input: no control characters to a terminal. */
	isms_printable(msg, safe, sizeof(safe), false);
	fprintf(stderr, "audisp-isms: %s\n", safe);
}
