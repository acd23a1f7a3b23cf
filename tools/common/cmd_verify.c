/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evidence chain's trust commands: verify (with anchors and the key),
 * anchor, key.  Shared by ismsctl and dpmsctl: both kinds of store carry the
 * same chain.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libaudit.h>

#include "cli.h"
#include "isms/archive.h"
#include "isms/entity.h"
#include "config.h"
#include "isms/evidence.h"
#include "isms/nonconformity.h"

#define MAX_ANCHORS 100000

struct anchors {
	struct isms_anchor *v;
	size_t n, cap;
};

static int anchors_add(struct anchors *as, const struct isms_anchor *a)
{
	if (as->n == as->cap) {
		size_t cap = as->cap ? as->cap * 2 : 16;
		struct isms_anchor *v;

		if (as->n >= MAX_ANCHORS)
			return -E2BIG;
		v = realloc(as->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		as->v = v;
		as->cap = cap;
	}
	as->v[as->n++] = *a;
	return 0;
}

/*
 * --anchor ARG: an anchor line itself, or a file ('-': standard input) of
 * lines among which those holding an anchor count (an audit log, a syslog
 * file, a file of 'ismsctl anchor' output).  A line that holds the marker
 * but no well-formed anchor is an error, never skipped.
 */
static int anchors_read(struct anchors *as, const char *arg)
{
	struct isms_anchor a;
	size_t before = as->n, lineno = 0, cap = 0;
	char *line = NULL;
	FILE *f;
	int r;

	r = isms_anchor_parse(arg, &a);
	if (r == 0)
		return anchors_add(as, &a);
	if (r == -EINVAL)
		return cli_fail(-EINVAL, "--anchor: '%.200s' is not a well-formed anchor line", arg);
	f = strcmp(arg, "-") == 0 ? stdin : fopen(arg, "re");
	if (!f)
		return cli_fail(-errno, "--anchor: cannot read '%s': %s", arg, strerror(errno));
	r = 0;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		lineno++;
		r = isms_anchor_parse(line, &a);
		if (r == -ENOENT) {
			r = 0;
			continue;
		}
		if (r == -EINVAL) {
			r = cli_fail(-EINVAL, "%s:%zu: not a well-formed anchor", arg, lineno);
			break;
		}
		r = anchors_add(as, &a);
		if (r < 0)
			r = cli_fail(r, "--anchor: %s", strerror(-r));
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (r)
		return r;
	if (as->n == before)
		return cli_fail(-EINVAL, "--anchor: '%s' holds no anchor", arg);
	return 0;
}

static const char *keyed_name(enum isms_verify_keyed k)
{
	return k == ISMS_VERIFY_KEY_CHECKED ? "checked" :
	       k == ISMS_VERIFY_KEY_MISSING ? "key-missing" : "no";
}

/*
 * A failed verification is a nonconformity (ISO 27001 10.2): recorded
 * through a handle of its own, for verify reads one snapshot.  A store that
 * cannot be written (an auditor's read-only access) keeps the exit status
 * and says so.
 */
static void record_failure(struct cli *c, int64_t first_bad, const char *reason)
{
	struct isms_store *w = NULL;
	char *err = NULL, *id = NULL;
	int r;

	if (!isms_schema_entity(c->schema, "nonconformity"))
		return;
	r = isms_store_open_schema(c->store_path, c->schema, 0, c->busy_ms, &w, &err);
	if (r >= 0) {
		r = isms_nc_from_verify(w, first_bad, reason, (int64_t)time(NULL), &id);
		if (r < 0)
			err = strdup(isms_store_errmsg(w));
	}
	if (r < 0)
		fprintf(stderr, "%s: note: the nonconformity was not recorded: %s\n", cli_prog,
			err ? err : strerror(-r));
	else if (id && !c->quiet)
		fprintf(stderr, "%s: nonconformity %s %s\n", cli_prog, id,
			r == 1 ? "opened" : "already open for this failure");
	isms_store_free(w);
	free(err);
	free(id);
}

int cmd_verify(struct cli *c, int argc, char **argv)
{
	struct isms_verify_result res;
	struct isms_archive_set set = {0};
	struct anchors as = {0};
	struct cli_paths ps = {0};
	struct json_object *o = NULL, *ja = NULL;
	const char *key = NULL;
	char areason[512] = "";
	size_t bad_anchors = 0;
	bool record = true;
	int r, code = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			printf("Usage: %s verify [--anchor LINE|FILE]... [--key PATH] [--archive FILE|DIR]...\n"
			       "       [--no-record]\n\n"
			       "Check the store's pages (every table but the evidence rows, which the\n"
			       "walk reads in full; 'check' reads them all), then walk the evidence\n"
			       "hash chain from the first row: every row's stored bytes against its\n"
			       "hash, its link to the row before, the head record, and the append-only\n"
			       "triggers' full definitions.  In a keyed store the head's HMAC is checked with the key\n"
			       "(the path the store records, or --key); without the key only the\n"
			       "unkeyed chain can be checked, and verify says so.  With --key a store\n"
			       "that is not keyed fails.  Each --anchor (an 'isms-anchor v1' line, or a\n"
			       "file of lines such as the audit log, '-' for standard input) must still\n"
			       "hold: its row present with its hash, or, archived, in its archive.\n"
			       "Each --archive (a file of 'evidence archive', or a directory of them)\n"
			       "is checked alone, then with the others and the store as one chain:\n"
			       "no gap, no overlap, one store, ending where the store's rows start.\n"
			       "Exit 0 when intact; exit 9 naming\n"
			       "the first bad row or the anchor that failed, 7 when the store is corrupt.\n"
			       "A failure opens a major nonconformity of 8.15 in a store with the register\n"
			       "(once while it is open) when the store can be written; --no-record\n"
			       "leaves the store as it is, for forensic copies.\n"
			       "See ismsctl(8) for what each check proves and what it does not.\n",
			       cli_prog);
			return EXIT_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--anchor"))) {
			code = anchors_read(&as, v);
			if (code)
				goto out;
		} else if ((v = cli_opt_value(argc, argv, &i, "--key"))) {
			key = v;
		} else if (strcmp(argv[i], "--no-record") == 0) {
			record = false;
		} else if ((v = cli_opt_value(argc, argv, &i, "--archive"))) {
			code = cli_archives_read(&ps, v);
			if (code)
				goto out;
		} else {
			code = cli_usage("verify", "unknown argument '%s'", argv[i]);
			goto out;
		}
	}
	code = -cli_open(c, false, false);
	if (code)
		goto out;
	if (key) {
		r = isms_evidence_key_use(c->store, key);
		if (r < 0) {
			code = cli_store_fail(c, r);
			goto out;
		}
	}
	r = isms_store_check_besides_evidence(c->store);
	if (r < 0) {
		code = cli_store_fail(c, r);
		goto out;
	}
	r = isms_evidence_verify(c->store, &res);
	if (r < 0 && r != -EBADMSG) {
		code = cli_store_fail(c, r);
		goto out;
	}
	if (r == 0 && ps.n) {
		r = isms_archive_verify_set(c->store, (const char *const *)ps.v, ps.n, &set, areason,
					    sizeof(areason));
		if (r < 0 && r != -EBADMSG) {
			code = cli_fail(r, "%s", areason);
			goto out;
		}
		if (r < 0)
			snprintf(res.reason, sizeof(res.reason), "%s", areason);
	}
	if (c->fmt == OUT_JSON) {
		o = json_object_new_object();
		ja = json_object_new_array();
	}
	for (size_t k = 0; k < as.n; k++) {
		char reason[256] = "";
		int ar = isms_anchor_check(c->store, &as.v[k], reason, sizeof(reason));

		if (ar == 1)
			ar = cli_anchor_in_archives(&ps, &as.v[k], reason, sizeof(reason));
		if (ar < 0 && ar != -EBADMSG) {
			code = cli_store_fail(c, ar);
			goto out;
		}
		if (ar < 0) {
			bad_anchors++;
			fprintf(stderr, "%s: anchor of row %" PRId64 " (%s) does not hold: %s\n",
				cli_prog, as.v[k].row, as.v[k].time, reason);
		}
		if (ja) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "row", json_object_new_int64(as.v[k].row));
			json_object_object_add(e, "time", json_object_new_string(as.v[k].time));
			json_object_object_add(e, "ok", json_object_new_boolean(ar == 0));
			if (ar < 0)
				json_object_object_add(e, "reason", json_object_new_string(reason));
			json_object_array_add(ja, e);
		}
	}
	if (o) {
		json_object_object_add(o, "ok", json_object_new_boolean(r == 0 && !bad_anchors));
		json_object_object_add(o, "rows", json_object_new_int64(res.rows));
		json_object_object_add(o, "archived", json_object_new_int64(res.archived));
		if (ps.n) {
			json_object_object_add(o, "archive_rows", json_object_new_int64(set.rows));
			json_object_object_add(o, "archive_first", json_object_new_int64(set.first));
			json_object_object_add(o, "unfinished", json_object_new_int64(set.unfinished));
		}
		json_object_object_add(o, "head", json_object_new_string(res.head));
		json_object_object_add(o, "keyed", json_object_new_string(keyed_name(res.keyed)));
		if (res.key_id[0])
			json_object_object_add(o, "key_id", json_object_new_string(res.key_id));
		if (res.note[0])
			json_object_object_add(o, "note", json_object_new_string(res.note));
		json_object_object_add(o, "anchors", ja);
		ja = NULL;
		if (r < 0) {
			json_object_object_add(o, "first_bad_row", json_object_new_int64(res.first_bad));
			json_object_object_add(o, "reason", json_object_new_string(res.reason));
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	} else if (r == 0) {
		if (res.archived)
			printf("evidence chain intact: %" PRId64 " rows after row %" PRId64
			       " (rows 1 to %" PRId64 " archived), head %s\n",
			       res.rows, res.archived, res.archived, res.head);
		else
			printf("evidence chain intact: %" PRId64 " rows, head %s\n", res.rows, res.head);
		if (ps.n)
			printf("archives: %zu, rows %" PRId64 " to %" PRId64 " (%" PRId64
			       " rows), continuous with the store\n",
			       ps.n, set.first, set.last, set.rows);
		if (res.keyed == ISMS_VERIFY_KEY_CHECKED)
			printf("keyed with key %s: the head's MAC holds\n", res.key_id);
		if (as.n)
			printf("anchors: %zu checked, %zu hold\n", as.n, as.n - bad_anchors);
	}
	if (res.keyed == ISMS_VERIFY_KEY_MISSING)
		fprintf(stderr, "%s: %s\n", cli_prog, res.note);
	if (r == 0 && set.note[0])
		fprintf(stderr, "%s: note: %s\n", cli_prog, set.note);
	if (r == 0 && set.unfinished)
		fprintf(stderr,
			"%s: note: an archive holds rows up to %" PRId64 " that are still in the store"
			" (an archive run did not finish): run it again to complete it\n",
			cli_prog, set.unfinished);
	if (r == 0 && res.archived && !ps.n && !c->quiet)
		fprintf(stderr,
			"%s: note: rows 1 to %" PRId64 " are archived; give their archives"
			" (--archive) to prove them\n", cli_prog, res.archived);
	if (r < 0) {
		fprintf(stderr, "%s: evidence chain broken: %s\n", cli_prog, res.reason);
		if (res.first_bad)
			fprintf(stderr, "%s: first bad row: %" PRId64 " (see '%s evidence show %" PRId64 "')\n",
				cli_prog, res.first_bad, cli_prog, res.first_bad);
	}
	if ((r < 0 || bad_anchors) && record)
		record_failure(c, res.first_bad, r < 0 ? res.reason : areason);
	code = r < 0 || bad_anchors ? EXIT_TAMPERED : EXIT_OK;
out:
	json_object_put(ja);
	json_object_put(o);
	free(as.v);
	cli_paths_release(&ps);
	return code;
}

/*
 * The anchor into the kernel audit trail, as a user-space TRUSTED_APP
 * record: kept by auditd, outside the store and its permissions.  Needs
 * root (CAP_AUDIT_WRITE) and the audit subsystem; 0 or -errno.
 */
static int anchor_to_audit(const char *line)
{
	int fd = audit_open(), r = 0;

	if (fd < 0)
		return -errno ? -errno : -EIO;
	if (audit_log_user_message(fd, AUDIT_TRUSTED_APP, line, NULL, NULL, NULL, 1) <= 0)
		r = errno ? -errno : -EIO;
	audit_close(fd);
	return r;
}

int cmd_anchor(struct cli *c, int argc, char **argv)
{
	struct isms_verify_result res;
	struct isms_anchor a;
	char line[ISMS_ANCHOR_MAX];
	bool log = true;
	int r, code, ar = 0;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			printf("Usage: %s anchor [--no-log]\n\n"
			       "Verify the evidence chain, then print an anchor of its head:\n"
			       "  isms-anchor v1 store=KIND:ID row=N hash=HEX time=ISO\n"
			       "and record it in the kernel audit trail (a TRUSTED_APP record; needs\n"
			       "root and auditd) and in syslog (authpriv.notice).  Keep anchors away\n"
			       "from the store; 'verify --anchor' proves later that nothing up to row N\n"
			       "was changed or removed.  --no-log only prints.  A broken chain is not\n"
			       "anchored (exit 9).\n",
			       cli_prog);
			return EXIT_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-log") == 0)
			log = false;
		else
			return cli_usage("anchor", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_evidence_verify(c->store, &res);
	if (r == -EBADMSG) {
		fprintf(stderr, "%s: evidence chain broken, not anchored: %s\n", cli_prog, res.reason);
		return EXIT_TAMPERED;
	}
	if (r < 0)
		return cli_store_fail(c, r);
	if (res.keyed == ISMS_VERIFY_KEY_MISSING)
		fprintf(stderr, "%s: %s\n", cli_prog, res.note);
	r = isms_anchor_take(c->store, &a);
	if (r < 0)
		return cli_store_fail(c, r);
	isms_anchor_format(&a, line, sizeof(line));
	if (log) {
		openlog(cli_prog, LOG_PID, LOG_AUTHPRIV);
		syslog(LOG_NOTICE, "%s", line);
		closelog();
		ar = anchor_to_audit(line);
		if (ar < 0 && !c->quiet)
			fprintf(stderr,
				"%s: the anchor is not in the audit trail: %s (needs root and the audit"
				" subsystem); keep the printed line, ignoring\n",
				cli_prog, strerror(-ar));
	}
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "anchor", json_object_new_string(line));
		json_object_object_add(o, "store", json_object_new_string(a.store));
		json_object_object_add(o, "row", json_object_new_int64(a.row));
		json_object_object_add(o, "hash", json_object_new_string(a.hash));
		json_object_object_add(o, "time", json_object_new_string(a.time));
		json_object_object_add(o, "audit", json_object_new_boolean(log && ar == 0));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else {
		printf("%s\n", line);
	}
	return EXIT_OK;
}

/* Create the key file if missing, then key the store with it (after a verify). */
static int key_init(struct cli *c, const char *path)
{
	struct isms_verify_result res;
	char id[17], cur[4096];
	int r;

	if (path[0] != '/')
		return cli_usage("key", "--key '%s' is not an absolute path", path);
	r = isms_evidence_key_create(path);
	if (r == -ENOENT) {
		/* The key's directory, root's alone like the key. */
		char dir[4096], *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0700) == 0 || errno == EEXIST)
				r = isms_evidence_key_create(path);
		}
	}
	if (r < 0 && r != -EEXIST)
		return cli_fail(r, "cannot create the evidence key '%s': %s", path, strerror(-r));
	if (r == 0 && !c->quiet)
		printf("evidence key '%s' created (mode 0400): keep a copy off this host\n", path);
	r = isms_evidence_verify(c->store, &res);
	if (r == -EBADMSG) {
		fprintf(stderr, "%s: evidence chain broken, not keyed: %s\n", cli_prog, res.reason);
		return EXIT_TAMPERED;
	}
	if (r < 0)
		return cli_store_fail(c, r);
	r = isms_evidence_key_enable(c->store, path);
	if (r < 0)
		return cli_store_fail(c, r);
	r = isms_evidence_keying(c->store, id, cur, sizeof(cur));
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		printf("evidence chain keyed with key %s ('%s')\n", id, cur);
	return EXIT_OK;
}

int cmd_key(struct cli *c, int argc, char **argv)
{
	const char *path = ISMS_EVIDENCE_KEY_DEFAULT;
	char id[17], cur[4096];
	int r, code;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			printf("Usage: %s key init [--key PATH]\n"
			       "       %s key show\n\n"
			       "init: create an HMAC key (default " ISMS_EVIDENCE_KEY_DEFAULT ", mode 0400,\n"
			       "never overwritten) unless PATH holds one, verify the chain and key the store\n"
			       "with it: the store records the key's id and path, never the key.  From then\n"
			       "on every writer must read the key to append (run as root), and a chain\n"
			       "recomputed without the key fails verify.  show: whether the store is keyed.\n",
			       cli_prog, cli_prog);
			return EXIT_OK;
		}
	}
	if (argc < 2)
		return cli_usage("key", "'key' needs init or show");
	for (int i = 2; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--key")))
			path = v;
		else
			return cli_usage("key", "unknown argument '%s'", argv[i]);
	}
	if (strcmp(argv[1], "init") == 0) {
		code = -cli_open(c, true, false);
		if (code)
			return code;
		return key_init(c, path);
	}
	if (strcmp(argv[1], "show") != 0)
		return cli_usage("key", "unknown action '%s'", argv[1]);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_evidence_keying(c->store, id, cur, sizeof(cur));
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "keyed", json_object_new_boolean(r == 1));
		if (r == 1) {
			json_object_object_add(o, "key_id", json_object_new_string(id));
			json_object_object_add(o, "key_path", json_object_new_string(cur));
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else if (r)
		printf("keyed with key %s ('%s')\n", id, cur);
	else
		printf("not keyed\n");
	return EXIT_OK;
}

int cli_key_init(struct cli *c, const char *path)
{
	return key_init(c, path);
}
