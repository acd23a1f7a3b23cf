/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_POLICY_INTERNAL_H
#define ISMS_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "isms/policy.h"
#include "isms/tz.h"
#include "isms/window.h"

enum from_kind { FROM_LOCAL, FROM_ANY, FROM_CIDR, FROM_HOST, FROM_DOMAIN };

struct from_item {
	enum from_kind kind;
	int family; /* AF_INET or AF_INET6 for CIDR */
	int prefix;
	uint8_t addr[16];
	char *host; /* HOST: exact name; DOMAIN: ".example.com" */
};

struct strv {
	size_t n;
	char **v;
};

struct rule {
	char *id;
	struct strv users, groups, services, ttys, acks;
	struct from_item *from;
	size_t nfrom;
	bool has_time;
	struct isms_window win;
	const struct isms_tz *tz;
	int reviewed_within; /* days, -1 = no requirement */
	bool require_active;
	bool allow;
	bool break_glass;
};

struct isms_policy {
	char *asset;
	enum isms_policy_mode mode;
	enum isms_on_error on_error;
	struct rule *rules;
	size_t nrules;
	struct isms_tz **tzs;
	size_t ntzs;
	char **docs; /* NULL-terminated */
	bool needs_review;
};

/* The state of one parse (policy.c, policy_rule.c): problems are collected, not fatal. */
struct policy_parser {
	struct isms_policy *p;
	struct isms_policy_problems *pr;
	const char *zoneinfo;
	size_t nproblems;
};

void policy_problem_at(struct policy_parser *ps, int line, int column, const char *path,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A problem found after the JSON was read: no line is known, the path says where. */
#define problem(ps, line, path, ...) policy_problem_at(ps, line, 0, path, __VA_ARGS__)

/* Free the strings and the array; @v is empty after. */
void policy_strv_free(struct strv *v);

/* A name of a user, group, asset...: printable, no tab or newline, 1 to @max bytes. */
bool policy_name_ok(const char *s, size_t max);

/* The policy file's text, trust-checked with @strict_modes; -EPERM says why in @problems. */
int policy_read_file(const char *path, bool strict_modes, char **ret_buf, size_t *ret_len,
		     struct isms_policy_problems *problems);

/* $.rules[@idx] into @r; problems recorded, -ENOMEM the only error returned. */
int policy_parse_rule(struct policy_parser *ps, size_t idx, struct json_object *o, struct rule *r);

#endif
