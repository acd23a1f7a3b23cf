/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 'history KEY': who changed a record of the register, when, and what it said before. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/history.h"

#define CHANGES_MAX 8192

struct hist_out {
	struct out_table t;
	struct json_object *arr; /* with --json */
};

/* "role: user -> admin; email: - -> a@b" */
static void changes_text(const struct isms_history_entry *h, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < h->nfields && off < len; i++) {
		const char *b = h->before[i], *a = h->after[i];
		int n;

		if (!b && !a)
			continue;
		n = snprintf(buf + off, len - off, "%s%s: %s -> %s", off ? "; " : "", h->field[i],
			     b ? b : "-", a ? a : "-");
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (off >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

static struct json_object *side_json(const struct isms_history_entry *h, bool after)
{
	struct json_object *o;

	if (after ? !h->exists : !h->existed)
		return NULL;
	o = json_object_new_object();
	for (size_t i = 0; o && i < h->nfields; i++) {
		const char *v = after ? h->after[i] : h->before[i];

		json_object_object_add(o, h->field[i], v ? json_object_new_string(v) : NULL);
	}
	return o;
}

static int entry_cb(const struct isms_history_entry *h, void *userdata)
{
	struct hist_out *x = userdata;
	char id[24], changes[CHANGES_MAX];

	if (x->arr) {
		struct json_object *o = json_object_new_object();

		if (!o)
			return -ENOMEM;
		json_object_object_add(o, "id", json_object_new_int64(h->id));
		json_object_object_add(o, "when", json_object_new_string(h->ts ? h->ts : ""));
		json_object_object_add(o, "type", json_object_new_string(h->type));
		json_object_object_add(o, "key", json_object_new_string(h->key));
		json_object_object_add(o, "action", json_object_new_string(h->action));
		json_object_object_add(o, "actor", json_object_new_string(h->actor));
		json_object_object_add(o, "before", side_json(h, false));
		json_object_object_add(o, "after", side_json(h, true));
		return json_object_array_add(x->arr, o) == 0 ? 0 : -ENOMEM;
	}
	snprintf(id, sizeof(id), "%lld", (long long)h->id);
	changes_text(h, changes, sizeof(changes));
	return out_table_add(&x->t, (const char *[]){h->ts, h->type, h->action, h->actor,
						      changes, id});
}

int cmd_history(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"when", "type", "action", "actor", "changes", "evidence"};
	struct hist_out x = {0};
	const char *key = NULL, *type = NULL;
	int64_t n;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl history KEY [--type TYPE]\n\n"
	     "The history of the record KEY, oldest first: when it was added, changed,\n"
	     "removed or imported, by whom (the login user, or SUDO_USER), and each\n"
	     "changed field before -> after ('-' for empty).  Every write through\n"
	     "add, set, remove and import appends one row of kind\n"
	     "register.TYPE.ACTION to the evidence chain, so 'ismsctl verify' catches\n"
	     "an edit.  Keys of different types may be equal: without --type every\n"
	     "type with a record KEY is shown, each row labelled with its type.\n"
	     "See also 'ismsctl TYPE show KEY --at TIME'.\n\n"
	     "  --type TYPE   only records of this type (asset, risk, control...)\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--type")))
			type = v;
		else if (argv[i][0] != '-' && !key)
			key = argv[i];
		else
			return cli_usage("history", "unknown argument '%s'", argv[i]);
	}
	if (!key)
		return cli_usage("history", "'history' needs the key of a record");
	if (type && !isms_schema_entity(c->schema, type))
		return cli_usage("history", "unknown record type '%s'", type);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	if (c->fmt == OUT_JSON) {
		x.arr = json_object_new_array();
		if (!x.arr)
			return cli_fail(-ENOMEM, "out of memory");
	} else {
		r = out_table_init(&x.t, sizeof(cols) / sizeof(cols[0]));
		for (size_t k = 0; r >= 0 && k < sizeof(cols) / sizeof(cols[0]); k++)
			r = out_table_set_col(&x.t, k, cols[k], k == 5 ? OT_INT : OT_TEXT);
		if (r < 0) {
			code = cli_fail(r, "out of memory");
			goto out;
		}
	}
	n = isms_history_list(c->store, type, key, entry_cb, &x);
	if (n < 0) {
		code = cli_store_fail(c, (int)n);
		goto out;
	}
	if (n == 0 && c->fmt != OUT_JSON) {
		code = cli_fail(-ENOENT, "no history recorded for '%s'%s%s", key,
				type ? " of type " : "", type ? type : "");
		goto out;
	}
	if (x.arr) {
		puts(json_object_to_json_string_ext(x.arr, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
		code = EXIT_OK;
	} else {
		code = cli_exit_code(out_print(stdout, c->fmt, &x.t));
	}
out:
	json_object_put(x.arr);
	out_table_release(&x.t);
	return code;
}
