/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_POLICY_INTERNAL_H
#define ISMS_POLICY_INTERNAL_H

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

#endif
