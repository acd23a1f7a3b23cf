/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Enrolling a node: the audit configuration of the sender (audisp-remote to
 * the central) and of the central (auditd listening, audisp-isms as its
 * plugin), for audit 3.0's keys (audisp-remote.conf(5), auditd.conf(5)).
 * Values are checked before they reach a file: a newline in one would be a
 * setting of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms/fleet.h"
#include "isms/node.h"
#include "replace_file.h"

/* A DNS name: labels of letters, digits and '-', dots between, at most 253. */
static bool dns_name(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || (*p == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

/* A principal or name that goes into a file as it is: printable, no space, quote, '#' or '='. */
static bool plain(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"'#=\\", *p))
			return false;
	return true;
}

static int bad(char *err, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(err, len, f, ap);
	va_end(ap);
	return -EINVAL;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

int isms_fleet_enrol_files(const struct isms_fleet_enrol *e, struct isms_fleet_file f[ISMS_FLEET_FILES],
			   char *err, size_t errlen)
{
	struct isms_node_net net;
	char why[128], cprinc[300], client[64] = "auditd";
	bool krb5 = e->transport == ISMS_FLEET_KRB5;
	const char *slash;

	memset(f, 0, ISMS_FLEET_FILES * sizeof(*f));
	if (isms_node_name_check(e->node, why, sizeof(why)) < 0 || !plain(e->node, 255))
		return bad(err, errlen, "node '%.64s' is not a name auditd can write", e->node);
	if (!strchr(e->central, '/') && isms_node_net_parse(e->central, &net, why, sizeof(why)) == 0)
		; /* an IP address */
	else if (!dns_name(e->central))
		return bad(err, errlen, "--central: '%.64s' is neither an IP address nor a host name",
			   e->central);
	if (e->port < 1 || e->port > 65535)
		return bad(err, errlen, "--port: %u is not a port (1..65535)", e->port);
	if (krb5) {
		if (!e->principal)
			return bad(err, errlen, "node '%.64s' has no Kerberos principal: register it"
						" first ('ismsctl node change NAME --principal"
						" host/NAME.example@REALM')", e->node);
		if (!plain(e->principal, 255))
			return bad(err, errlen, "principal '%.64s' cannot go into a file", e->principal);
		/* audisp-remote's own principal is krb5_client_name/FQDN@REALM */
		slash = strchr(e->principal, '/');
		if (!slash || slash == e->principal || (size_t)(slash - e->principal) >= sizeof(client))
			return bad(err, errlen, "principal '%.64s' is not NAME/HOST@REALM", e->principal);
		snprintf(client, sizeof(client), "%.*s", (int)(slash - e->principal), e->principal);
		if (e->central_principal && !plain(e->central_principal, 255))
			return bad(err, errlen, "--central-principal: '%.64s' cannot go into a file",
				   e->central_principal);
		snprintf(cprinc, sizeof(cprinc), "%s", e->central_principal ? e->central_principal : "");
		if (!cprinc[0])
			snprintf(cprinc, sizeof(cprinc), "auditd/%s", e->central);
	}
	f[0] = (struct isms_fleet_file){"audisp-remote.conf", "/etc/audit/audisp-remote.conf", true,
		fmt("# audisp-remote on node '%s': its records to the central (ismsctl node enroll)\n"
		    "remote_server = %s\n"
		    "port = %u\n"
		    "# a privileged port: only root on the node can send as it\n"
		    "local_port = 1023\n"
		    "transport = %s\n"
		    "mode = forward\n"
		    "queue_file = /var/spool/audit/remote.log\n"
		    "queue_depth = 10240\n"
		    "format = managed\n"
		    "network_retry_time = 10\n"
		    "max_tries_per_record = 3\n"
		    "max_time_per_record = 5\n"
		    "heartbeat_timeout = 30\n"
		    "network_failure_action = syslog\n"
		    "disk_low_action = ignore\n"
		    "disk_full_action = warn_once\n"
		    "disk_error_action = warn_once\n"
		    "remote_ending_action = reconnect\n"
		    "generic_error_action = syslog\n"
		    "generic_warning_action = syslog\n"
		    "queue_error_action = stop\n"
		    "overflow_action = syslog\n"
		    "startup_failure_action = warn_once_continue\n"
		    "%s%s%s%s%s",
		    e->node, e->central, e->port, krb5 ? "KRB5" : "TCP",
		    krb5 ? "krb5_principal = " : "", krb5 ? cprinc : "", krb5 ? "\nkrb5_client_name = " : "",
		    krb5 ? client : "",
		    krb5 ? "\nkrb5_key_file = /etc/audisp/audisp-remote.key\n" : "")};
	f[1] = (struct isms_fleet_file){"au-remote.conf", "/etc/audit/plugins.d/au-remote.conf", true,
		fmt("# auditd on node '%s' hands its records to audisp-remote\n"
		    "active = yes\n"
		    "direction = out\n"
		    "path = /sbin/audisp-remote\n"
		    "type = always\n"
		    "format = string\n", e->node)};
	f[2] = (struct isms_fleet_file){"auditd.conf.node", "/etc/audit/auditd.conf", false,
		fmt("# set in auditd.conf on node '%s': every record says node=%s\n"
		    "name_format = user\n"
		    "name = %s\n", e->node, e->node, e->node)};
	f[3] = (struct isms_fleet_file){"auditd.conf.central", "/etc/audit/auditd.conf", false,
		fmt("# set in auditd.conf on the central %s: listen for the nodes\n"
		    "tcp_listen_port = %u\n"
		    "# the nodes send from a privileged port (local_port = 1023)\n"
		    "tcp_client_ports = 1-1023\n"
		    "# one connection per address: a second sender on it is refused\n"
		    "tcp_max_per_addr = 1\n"
		    "tcp_client_max_idle = 120\n"
		    "distribute_network = yes\n"
		    "transport = %s\n"
		    "%s%s%s",
		    e->central, e->port, krb5 ? "KRB5" : "TCP", krb5 ? "krb5_principal = " : "",
		    krb5 ? cprinc : "", krb5 ? "\nkrb5_key_file = /etc/audit/audit.key\n" : "")};
	f[4] = (struct isms_fleet_file){"isms.conf.central", "/etc/audit/plugins.d/isms.conf", true,
		fmt("# the central's auditd hands every node's records to audisp-isms;\n"
		    "# /etc/isms/audit.json: \"fleet\": \"%s\" (audisp-isms(8), FLEET)\n"
		    "active = yes\n"
		    "direction = out\n"
		    "path = /usr/sbin/audisp-isms\n"
		    "type = always\n"
		    "args = --config /etc/isms/audit.json\n"
		    "format = string\n", krb5 ? "krb5" : "address")};
	for (size_t i = 0; i < ISMS_FLEET_FILES; i++)
		if (!f[i].text) {
			isms_fleet_files_release(f);
			return -ENOMEM;
		}
	return 0;
}

void isms_fleet_files_release(struct isms_fleet_file f[ISMS_FLEET_FILES])
{
	for (size_t i = 0; i < ISMS_FLEET_FILES; i++) {
		free(f[i].text);
		f[i].text = NULL;
	}
}

int isms_fleet_write_files(const char *dir, const struct isms_fleet_file f[ISMS_FLEET_FILES],
			   char *err, size_t errlen)
{
	struct stat st;
	int dfd, r = 0;
	size_t i;

	err[0] = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		r = -errno;
		snprintf(err, errlen, "'%.200s': %s%s", dir, strerror(-r),
			 r == -ELOOP || r == -ENOTDIR ? " (a directory, not a symlink)" : "");
		return r;
	}
	/* all or nothing: refuse before the first is written */
	for (i = 0; i < ISMS_FLEET_FILES; i++)
		if (fstatat(dfd, f[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
			r = errno == ENOENT ? -EEXIST : -errno;
			if (r == 0)
				r = -EEXIST;
			snprintf(err, errlen, "'%.200s/%s' exists already: not overwritten", dir,
				 f[i].name);
			goto out;
		}
	for (i = 0; r >= 0 && i < ISMS_FLEET_FILES; i++) {
		r = isms_write_new_file(dfd, f[i].name, f[i].text, strlen(f[i].text), 0644);
		if (r < 0)
			snprintf(err, errlen, "'%.200s/%s': %s", dir, f[i].name, strerror(-r));
	}
out:
	close(dfd);
	return r;
}
