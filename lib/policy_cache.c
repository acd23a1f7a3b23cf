/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading the policy through its compiled form, and writing that form
 * (isms/policy_compiled.h).  The JSON is read and trust-checked at every
 * load as before; only its parse is skipped, and only when the compiled
 * file, trust-checked the same way, carries exactly that text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/policy_compiled.h"
#include "isms/trust.h"
#include "policy_internal.h"
#include "replace_file.h"

/* The compiled form of @json, if @compiled holds a trustworthy one: 0, else why not. */
static int try_compiled(const char *compiled, const char *json, size_t len,
			const char *zoneinfo, struct isms_policy **ret)
{
	char *buf = NULL, why[256];
	size_t blen = 0;
	int r = isms_trust_read(compiled, 0, ISMS_POLICY_COMPILED_MAX, &buf, &blen, why,
				sizeof(why));

	if (r == 0)
		r = isms_policy_decode(buf, blen, json, len, zoneinfo, ret);
	free(buf);
	return r;
}

int isms_policy_load_compiled(const char *path, const char *compiled, const char *zoneinfo,
			      struct isms_policy **ret, struct isms_policy_problems *problems,
			      int *ret_compiled)
{
	char *buf = NULL;
	size_t len = 0;
	int r, c = -ENOENT;

	if (problems)
		memset(problems, 0, sizeof(*problems));
	r = policy_read_file(path, true, &buf, &len, problems);
	if (r == 0 && compiled)
		c = try_compiled(compiled, buf, len, zoneinfo, ret);
	/* Anything short of the very text compiled: the JSON decides, as always. */
	if (r == 0 && c < 0)
		r = isms_policy_parse(buf, len, zoneinfo, ret, problems);
	free(buf);
	if (ret_compiled)
		*ret_compiled = c;
	return r;
}

int isms_policy_write_compiled(const char *path, const char *compiled, const char *zoneinfo,
			       struct isms_policy_problems *problems)
{
	struct isms_policy *p = NULL;
	unsigned char *out = NULL;
	char *buf = NULL;
	size_t len = 0, olen = 0;
	int r;

	if (problems)
		memset(problems, 0, sizeof(*problems));
	r = policy_read_file(path, true, &buf, &len, problems);
	if (r == 0)
		r = isms_policy_parse(buf, len, zoneinfo, &p, problems);
	if (r == 0)
		r = isms_policy_compile(p, buf, len, &out, &olen);
	if (r == 0)
		r = isms_replace_file(compiled, out, olen, 0644);
	free(out);
	free(buf);
	isms_policy_free(p);
	return r;
}
