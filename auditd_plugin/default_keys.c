/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The key map that applies when audit.json does not map a key: the keys of
 * Debian's example rule sets (/usr/share/doc/auditd/examples/rules/, STIG
 * and OSPP) and of the CIS benchmarks' rules, tied to the Annex A control
 * each rule is written to evidence.  Why each pairing, from the rule files:
 *
 *   identity       30-stig: -w /etc/passwd, /etc/shadow, /etc/group,
 *                  /etc/gshadow, /etc/security/opasswd -p wa.  Accounts:
 *                  5.16 Identity management; a write to /etc/group or
 *                  /etc/gshadow changes group membership: 5.18 Access rights
 *                  (classify.c looks at the paths).
 *   time-change    30-stig: adjtimex, settimeofday, stime, clock_settime of
 *                  CLOCK_REALTIME, -w /etc/localtime.  8.17 Clock
 *                  synchronization.
 *   module-load, module-unload
 *                  43-module-load: init_module, finit_module, delete_module.
 *                  Code put into the running kernel: 8.19 Installation of
 *                  software on operational systems.
 *   perm_mod       30-stig: chmod, chown and *xattr by users (auid>=1000).
 *                  Who may read a file changes: 8.3 Information access
 *                  restriction.
 *   access         30-stig: open, creat, truncate, openat, openat2,
 *                  open_by_handle_at failing with EACCES or EPERM (auid>=1000).
 *                  An access the restriction refused: 8.3, as perm_mod.
 *   privileged     31-privileged: execution of setuid, setgid and
 *                  file-capability programs by users.  The use of privileged
 *                  access rights: 8.2 Privileged access rights.
 *   actions        30-stig: -w /etc/sudoers, /etc/sudoers.d/ -p wa ("all
 *                  system administration actions").  A change to the
 *                  configuration that grants privilege: 8.9 Configuration
 *                  management.
 *   mounts, export CIS 'mounts', 30-stig 'export': mount by users ("export
 *                  to media").  7.10 Storage media.
 *   logins         30-stig/30-nispom (commented there) and CIS: -w
 *                  /var/log/lastlog, /var/log/tallylog, /var/run/faillock/.
 *                  The records of failed and last logins that lockout and
 *                  login notices rely on: 8.5 Secure authentication.
 *   session        30-ospp-v42, CIS: utmp, wtmp, btmp.  The session records
 *                  themselves: 8.15 Logging.
 *
 * Keys not in the table (delete, system-locale, MAC-policy, ...) stay 8.15.
 * audisp-isms.conf(5) prints the same table.
 */
#include <string.h>

#include "plugin_config.h"

#define K(k, kind, control) {(char *)(k), NULL, (char *)(control), (char *)(kind)}

static const struct key_map default_keys[] = {
	K("identity", "identity.change", "5.16"),
	K("time-change", "time.change", "8.17"),
	K("module-load", "module.load", "8.19"),
	K("module-unload", "module.unload", "8.19"),
	K("perm_mod", "perm.change", "8.3"),
	K("access", "file.access", "8.3"),
	K("privileged", "priv.exec", "8.2"),
	K("actions", "priv.config", "8.9"),
	K("mounts", "media.mount", "7.10"),
	K("export", "media.mount", "7.10"),
	K("logins", "login.records", "8.5"),
	K("session", "session.records", "8.15"),
};

const struct key_map *plugin_config_default_key(const char *key)
{
	for (size_t i = 0; i < sizeof(default_keys) / sizeof(default_keys[0]); i++)
		if (strcmp(default_keys[i].key, key) == 0)
			return &default_keys[i];
	return NULL;
}

bool plugin_config_is_identity_key(const struct key_map *km)
{
	return km == &default_keys[0];
}
