/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_LOG_H
#define AUDISP_ISMS_LOG_H

#include <syslog.h>

/*
 * The plugin's messages: to syslog, and warnings and errors to standard
 * error too, whether or not it is a terminal.  A replay, --check, or a plugin
 * on a machine without a syslog daemon must not fail in silence.
 */
void plugin_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
