/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiled policy (lib/policy_compiled.c, lib/policy_cache.c): a decoded
 * policy decides every request as the parsed one does and compiles to the
 * same bytes; damage of any byte and any truncation is refused; a compiled
 * file of another text is stale and the JSON decides; a compiled file that
 * is not trustworthy is not used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "isms/policy.h"
#include "isms/policy_compiled.h"
#include "testutil.h"

/* Every kind of source, time windows in two zones, preconditions, break-glass. */
static const char rich[] =
	"{\"version\":1,\"asset\":\"db-prod-01\",\"mode\":\"audit\",\"on_error\":\"allow\",\"rules\":["
	"{\"id\":\"glass\",\"users\":\"root\",\"from\":\"LOCAL\",\"flag\":\"break-glass\",\"allow\":true},"
	"{\"id\":\"locked\",\"users\":[\"mallory\",\"eve\"],\"allow\":false},"
	"{\"id\":\"ops\",\"groups\":[\"ops\",\"wheel\"],\"services\":[\"sshd\",\"sudo\"],"
	"\"from\":[\"10.0.0.0/8\",\"fd00::/8\",\"192.0.2.7\",\"bastion.example.com\",\".corp.example\"],"
	"\"time\":{\"days\":[\"mon-fri\"],\"hours\":\"07:00-19:00\",\"tz\":\"Europe/Berlin\"},"
	"\"require\":{\"acknowledged\":[\"infosec-policy\",\"aup\"],\"reviewed_within_days\":90,"
	"\"active\":true},\"allow\":true},"
	"{\"id\":\"night\",\"users\":\"alice\",\"ttys\":[\"tty1\",\"pts/0\"],"
	"\"time\":{\"days\":[\"sat\",\"sun\"],\"hours\":\"22:00-06:00\",\"tz\":\"UTC\"},\"allow\":true},"
	"{\"id\":\"any\",\"users\":\"*\",\"from\":\"ALL\",\"require\":{\"acknowledged\":\"aup\"},\"allow\":true},"
	"{\"id\":\"default\",\"allow\":false}]}";

static const char simple[] =
	"{\"version\":1,\"asset\":\"a\",\"rules\":[{\"id\":\"a\",\"users\":\"alice\",\"allow\":true}]}";

static struct isms_policy *parse(const char *j)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;

	assert_int_equal(isms_policy_parse(j, strlen(j), NULL, &p, &pr), 0);
	return p;
}

static unsigned char *compile(const struct isms_policy *p, const char *j, size_t *len)
{
	unsigned char *b = NULL;

	assert_int_equal(isms_policy_compile(p, j, strlen(j), &b, len), 0);
	return b;
}

static void same_decision(const struct isms_policy *a, const struct isms_policy *b,
			  const struct isms_request *rq, const struct isms_facts *f)
{
	struct isms_decision x, y;

	isms_policy_evaluate(a, rq, f, &x, NULL, 0, NULL);
	isms_policy_evaluate(b, rq, f, &y, NULL, 0, NULL);
	assert_int_equal(x.allow, y.allow);
	assert_int_equal(x.effective_allow, y.effective_allow);
	assert_int_equal(x.break_glass, y.break_glass);
	assert_int_equal(x.rule_index, y.rule_index);
	assert_string_equal(x.rule_id, y.rule_id);
	assert_int_equal(x.nreasons, y.nreasons);
	for (size_t i = 0; i < x.nreasons; i++)
		assert_string_equal(x.reasons[i], y.reasons[i]);
}

static void t_round_trip(void **state)
{
	static const char *const users[] = {"root", "alice", "mallory", "bob"};
	static const char *const rhosts[] = {"", "10.1.2.3", "fd00::5", "192.0.2.7", "192.0.2.8",
					     "bastion.example.com", "x.corp.example", "::ffff:10.0.0.1"};
	static const char *const services[] = {"sshd", "login", "sudo"};
	static const char *const ttys[] = {"tty1", "pts/3"};
	static const char *const ops[] = {"ops", NULL}, *const none[] = {NULL};
	/* Monday 10:00 UTC, Saturday 23:30 UTC, Wednesday 20:00 UTC */
	static const time_t at[] = {1767607200, 1768001400, 1767902400};
	static const struct isms_ack_fact acks[] = {{"infosec-policy", ISMS_FACT_YES},
						    {"aup", ISMS_FACT_UNKNOWN}};
	const char *texts[] = {rich, simple};
	size_t n = 0;

	(void)state;
	for (size_t t = 0; t < 2; t++) {
		struct isms_policy *p = parse(texts[t]), *q = NULL;
		size_t len, len2;
		unsigned char *b = compile(p, texts[t], &len), *b2;

		assert_int_equal(isms_policy_decode(b, len, texts[t], strlen(texts[t]), NULL, &q), 0);
		/* Nothing lost: the decoded policy compiles to the very same bytes. */
		b2 = compile(q, texts[t], &len2);
		assert_int_equal(len, len2);
		assert_memory_equal(b, b2, len);
		assert_string_equal(isms_policy_asset(p), isms_policy_asset(q));
		assert_int_equal(isms_policy_mode(p), isms_policy_mode(q));
		assert_int_equal(isms_policy_on_error(p), isms_policy_on_error(q));
		assert_int_equal(isms_policy_needs_review(p), isms_policy_needs_review(q));
		for (size_t u = 0; u < 4; u++)
			for (size_t h = 0; h < 8; h++)
				for (size_t s = 0; s < 3; s++)
					for (size_t k = 0; k < 2; k++)
						for (size_t i = 0; i < 3; i++)
							for (int g = 0; g < 2; g++) {
								struct isms_request rq = {
									.user = users[u], .service = services[s],
									.rhost = rhosts[h], .tty = ttys[k],
									.groups = g ? ops : none, .now = at[i]};
								struct isms_facts f = {
									.store_ok = g, .person_known = ISMS_FACT_YES,
									.person_active = g ? ISMS_FACT_YES : ISMS_FACT_UNKNOWN,
									.asset_locked = ISMS_FACT_NO,
									.last_review_days = 3 + 100 * (int)k,
									.acks = acks, .nacks = 2};

								same_decision(p, q, &rq, &f);
								n++;
							}
		free(b);
		free(b2);
		isms_policy_free(p);
		isms_policy_free(q);
	}
	assert_true(n > 2000);
}

static void t_damage_refused(void **state)
{
	struct isms_policy *p = parse(rich), *q = NULL;
	size_t len;
	unsigned char *b = compile(p, rich, &len);

	(void)state;
	for (size_t cut = 0; cut < len; cut++) {
		q = NULL;
		assert_true(isms_policy_decode(b, cut, rich, strlen(rich), NULL, &q) < 0);
		assert_null(q);
	}
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			int r;

			b[i] ^= (unsigned char)(1u << bit);
			q = NULL;
			r = isms_policy_decode(b, len, rich, strlen(rich), NULL, &q);
			/* The version field says stale; anything else is damage. */
			assert_int_equal(r, i >= 8 && i < 12 ? -ESTALE : -EBADMSG);
			assert_null(q);
			b[i] ^= (unsigned char)(1u << bit);
		}
	}
	assert_int_equal(isms_policy_decode(b, len, rich, strlen(rich), NULL, &q), 0);
	isms_policy_free(q);
	free(b);
	isms_policy_free(p);
}

static void t_other_text_stale(void **state)
{
	struct isms_policy *p = parse(rich), *q = NULL;
	size_t len;
	unsigned char *b = compile(p, rich, &len);
	char *edited = strdup(rich);

	(void)state;
	assert_non_null(edited);
	/* One byte of the text, the text one byte shorter, another policy. */
	edited[strlen(edited) - 3] = ' ';
	assert_int_equal(isms_policy_decode(b, len, edited, strlen(edited), NULL, &q), -ESTALE);
	assert_int_equal(isms_policy_decode(b, len, rich, strlen(rich) - 1, NULL, &q), -ESTALE);
	assert_int_equal(isms_policy_decode(b, len, simple, strlen(simple), NULL, &q), -ESTALE);
	assert_null(q);
	free(edited);
	free(b);
	isms_policy_free(p);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* Loading through the file: used when current and trusted, else the JSON decides. */
static void t_load_falls_back(void **state)
{
	char d[] = "/tmp/isms-compiled.XXXXXX";
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;
	char *json, *bin;
	struct stat st;
	int c = 1;

	(void)state;
	assert_non_null(mkdtemp(d));
	assert_int_equal(stat("/tmp", &st), 0);
	if (getuid() != 0 || st.st_uid != 0 || !(st.st_mode & S_ISVTX)) {
		print_message("# SKIP: needs root and a root-owned sticky /tmp (trust checks)\n");
		tu_rm_rf(d);
		skip();
	}
	json = tu_path(d, "policy.json");
	bin = tu_path(d, "store.db.policy");
	write_text(json, rich, 0644);
	/* None yet: parsed. */
	assert_int_equal(isms_policy_load_compiled(json, bin, NULL, &p, &pr, &c), 0);
	assert_int_equal(c, -ENOENT);
	assert_int_equal(isms_policy_nrules(p), 6);
	p = isms_policy_free(p);
	assert_int_equal(isms_policy_write_compiled(json, bin, NULL, &pr), 0);
	assert_int_equal(stat(bin, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(isms_policy_load_compiled(json, bin, NULL, &p, &pr, &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(isms_policy_nrules(p), 6);
	p = isms_policy_free(p);
	/* Edited and not compiled again: the new text decides. */
	write_text(json, simple, 0644);
	assert_int_equal(isms_policy_load_compiled(json, bin, NULL, &p, &pr, &c), 0);
	assert_int_equal(c, -ESTALE);
	assert_int_equal(isms_policy_nrules(p), 1);
	p = isms_policy_free(p);
	/* A compiled file others could have written is not used. */
	write_text(json, rich, 0644);
	assert_int_equal(chmod(bin, 0666), 0);
	assert_int_equal(isms_policy_load_compiled(json, bin, NULL, &p, &pr, &c), 0);
	assert_int_equal(c, -EPERM);
	assert_int_equal(isms_policy_nrules(p), 6);
	p = isms_policy_free(p);
	/* An insecure policy is refused whatever the compiled file says. */
	assert_int_equal(chmod(bin, 0644), 0);
	assert_int_equal(chmod(json, 0666), 0);
	assert_int_equal(isms_policy_load_compiled(json, bin, NULL, &p, &pr, &c), -EPERM);
	assert_null(p);
	/* A rejected policy is not compiled, and the old compiled file stays. */
	write_text(json, "{\"version\":1}", 0644);
	assert_int_equal(isms_policy_write_compiled(json, bin, NULL, &pr), -EINVAL);
	assert_true(pr.total > 0);
	assert_int_equal(isms_policy_load_compiled(json, bin, NULL, &p, &pr, &c), -EINVAL);
	assert_int_equal(c, -ESTALE);
	assert_null(p);
	free(json);
	free(bin);
	tu_rm_rf(d);
}

/* The checksum these files carry: the CPU's instruction and the table agree, at any offset and length. */
static void t_crc32c(void **state)
{
	static unsigned char buf[4096 + 16];
	uint32_t x = 1;

	(void)state;
	assert_int_equal(isms_crc32c(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(isms_crc32c_portable(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(isms_crc32c(0, "", 0), 0);
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	for (size_t off = 0; off < 9; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len += len < 64 ? 1 : 61) {
			uint32_t whole = isms_crc32c(7, buf + off, len);

			assert_int_equal(whole, isms_crc32c_portable(7, buf + off, len));
			/* Continued in two parts, as the journal's records are. */
			assert_int_equal(isms_crc32c(isms_crc32c(7, buf + off, len / 3), buf + off + len / 3,
						     len - len / 3),
					 whole);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_round_trip),
		cmocka_unit_test(t_damage_refused),
		cmocka_unit_test(t_other_text_stale),
		cmocka_unit_test(t_load_falls_back),
		cmocka_unit_test(t_crc32c),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
