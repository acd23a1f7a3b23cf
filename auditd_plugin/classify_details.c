/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An event's details JSON, and the access a syscall asked for.  Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "jsonw.h"
#include "isms/strutil.h"

size_t classify_details(const struct aev *e, const struct classified *cl, char *buf, size_t len)
{
	struct jsonw w;

	jsonw_init(&w, buf, len);
	jsonw_object(&w);
	jsonw_str(&w, "type", e->type_name);
	jsonw_int(&w, "serial", (long long)e->serial);
	if (e->node)
		jsonw_str(&w, "node", e->node);
	if (e->attribution)
		jsonw_raw(&w, "attribution", e->attribution, strlen(e->attribution));
	if (e->fleet_conn && e->fleet_node)
		jsonw_str(&w, "sender_node", e->fleet_node);
	if (e->key)
		jsonw_str(&w, "key", e->key);
	if (e->op)
		jsonw_str(&w, "op", e->op);
	if (e->exe)
		jsonw_str(&w, "exe", e->exe);
	if (e->comm)
		jsonw_str(&w, "comm", e->comm);
	if (e->syscall_name)
		jsonw_str(&w, "syscall", e->syscall_name);
	if (e->arch)
		jsonw_str(&w, "arch", e->arch);
	if (e->auid)
		jsonw_str(&w, "auid", e->auid);
	if (e->uid)
		jsonw_str(&w, "uid", e->uid);
	if (e->acct)
		jsonw_str(&w, "acct", e->acct);
	if (e->id)
		jsonw_str(&w, "id", e->id);
	/* who acted and on which account, as the subject column's rule reads them */
	if (cl->actor)
		jsonw_str(&w, "actor", cl->actor);
	if (cl->target)
		jsonw_str(&w, "target", cl->target);
	if (e->hostname && strcmp(e->hostname, "?") != 0)
		jsonw_str(&w, "hostname", e->hostname);
	if (e->addr && strcmp(e->addr, "?") != 0)
		jsonw_str(&w, "addr", e->addr);
	if (e->terminal && strcmp(e->terminal, "?") != 0)
		jsonw_str(&w, "terminal", e->terminal);
	if (e->res)
		jsonw_str(&w, "res", e->res);
	if (e->success)
		jsonw_str(&w, "success", e->success);
	if (cl->route == ROUTE_LINK) {
		jsonw_str(&w, "rule", e->rule);
		jsonw_str(&w, "decision", e->decision);
		jsonw_str(&w, "via", "audit");
	}
	if (e->npaths) {
		jsonw_key(&w, "paths");
		jsonw_array(&w);
		for (size_t i = 0; i < e->npaths; i++)
			jsonw_str(&w, NULL, e->paths[i]);
		jsonw_end(&w);
	}
	if (e->nrecords > 1)
		jsonw_int(&w, "records", (long long)e->nrecords);
	if (e->raw) {
		jsonw_str(&w, "raw", e->raw);
		if (e->raw_truncated)
			jsonw_bool(&w, "raw_truncated", true);
	}
	return jsonw_finish(&w);
}

/*
 * The calls a file watch reports, by name: parse.c names the number by the
 * record's arch= (i386 5 is open, x86_64 5 fstat).  A number left (an arch
 * auparse does not know) tells nothing.
 */
enum flags_at { FLAGS_NONE, FLAGS_A1, FLAGS_A2, FLAGS_OPENAT2 };

static const struct {
	const char *name;
	const char *access; /* NULL: decided by the open flags */
	enum flags_at at;
} file_calls[] = {
	{"open", NULL, FLAGS_A1},          {"openat", NULL, FLAGS_A2},
	/* openat2(dirfd, path, struct open_how *, size): a2 is a pointer; the
	 * flags are in the OPENAT2 record's oflag= */
	{"openat2", NULL, FLAGS_OPENAT2},  {"open_by_handle_at", NULL, FLAGS_A2},
	{"creat", "write", FLAGS_NONE},    {"truncate", "write", FLAGS_NONE},
	{"truncate64", "write", FLAGS_NONE}, {"ftruncate", "write", FLAGS_NONE},
	{"ftruncate64", "write", FLAGS_NONE}, {"rename", "write", FLAGS_NONE},
	{"renameat", "write", FLAGS_NONE}, {"renameat2", "write", FLAGS_NONE},
	{"link", "write", FLAGS_NONE},     {"linkat", "write", FLAGS_NONE},
	{"symlink", "write", FLAGS_NONE},  {"symlinkat", "write", FLAGS_NONE},
	{"mkdir", "write", FLAGS_NONE},    {"mkdirat", "write", FLAGS_NONE},
	{"mknod", "write", FLAGS_NONE},    {"mknodat", "write", FLAGS_NONE},
	{"unlink", "delete", FLAGS_NONE},  {"unlinkat", "delete", FLAGS_NONE},
	{"rmdir", "delete", FLAGS_NONE},   {"chmod", "attr", FLAGS_NONE},
	{"fchmod", "attr", FLAGS_NONE},    {"fchmodat", "attr", FLAGS_NONE},
	{"fchmodat2", "attr", FLAGS_NONE}, {"chown", "attr", FLAGS_NONE},
	{"fchown", "attr", FLAGS_NONE},    {"lchown", "attr", FLAGS_NONE},
	{"chown32", "attr", FLAGS_NONE},   {"fchown32", "attr", FLAGS_NONE},
	{"lchown32", "attr", FLAGS_NONE},  {"fchownat", "attr", FLAGS_NONE},
	{"setxattr", "attr", FLAGS_NONE},  {"lsetxattr", "attr", FLAGS_NONE},
	{"fsetxattr", "attr", FLAGS_NONE}, {"removexattr", "attr", FLAGS_NONE},
	{"lremovexattr", "attr", FLAGS_NONE}, {"fremovexattr", "attr", FLAGS_NONE},
	{"utimensat", "attr", FLAGS_NONE}, {"execve", "exec", FLAGS_NONE},
	{"execveat", "exec", FLAGS_NONE},
};

const char *classify_access(const char *syscall, const char *a1, const char *a2,
			    const char *openat2_oflag)
{
	for (size_t i = 0; syscall && i < sizeof(file_calls) / sizeof(file_calls[0]); i++) {
		const char *flags;
		unsigned long f;
		char *end;

		if (strcmp(syscall, file_calls[i].name) != 0)
			continue;
		if (file_calls[i].access)
			return file_calls[i].access;
		flags = file_calls[i].at == FLAGS_A1 ? a1 :
			file_calls[i].at == FLAGS_A2 ? a2 : openat2_oflag;
		if (!flags || !*flags)
			return "access";
		/* SYSCALL arguments are hex; the OPENAT2 record's oflag= octal */
		f = strtoul(flags, &end, file_calls[i].at == FLAGS_OPENAT2 ? 8 : 16);
		if (*end)
			return "access";
		/* O_WRONLY, O_RDWR, O_CREAT, O_TRUNC: the data may change.  (The
		 * same values on x86, arm, arm64, riscv, s390 and powerpc.) */
		return (f & 03) || (f & 01000) || (f & 0100) ? "write" : "read";
	}
	return "access";
}
