/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_ANCHOR_H
#define AUDISP_ISMS_ANCHOR_H

/*
 * Log an anchor of the chain head of the store at @store to syslog
 * (daemon.notice): "isms-anchor v1 ... collector=@when", @when "start" or
 * "stop".  A failure is logged, never fatal: the collector goes on.
 */
void plugin_anchor(const char *store, const char *when);

#endif
