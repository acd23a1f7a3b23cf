/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The access policy: parsing (every problem with its JSON path, the whole
 * policy refused), loading under StrictModes, and the pure evaluation of
 * (policy, request, facts) with fixed instants.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "isms/policy.h"
#include "testutil.h"

/* A sentinel: failed parses must leave *ret alone. */
static struct isms_policy *const UNTOUCHED = (struct isms_policy *)&UNTOUCHED;

/* Policies are written with single quotes here, turned into JSON by dq(). */
static char *dq(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

/* The policy around some rules. */
#define POL(rules) "{'version':1,'asset':'db-prod-01','rules':[" rules "]}"
#define POL_AUDIT(rules) "{'version':1,'asset':'db-prod-01','mode':'audit','rules':[" rules "]}"

static void dump(const struct isms_policy_problems *pr)
{
	for (size_t i = 0; i < pr->n; i++)
		print_message("# %s:%d: %s\n", pr->list[i].path, pr->list[i].line, pr->list[i].msg);
}

static struct isms_policy *parse_ok(const char *sq)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = UNTOUCHED;
	char *j = dq(sq);
	int r = isms_policy_parse(j, strlen(j), NULL, &p, &pr);

	if (r < 0) {
		dump(&pr);
		fail_msg("policy refused (%s): %s", strerror(-r), j);
	}
	assert_int_equal(pr.total, 0);
	assert_int_equal(pr.n, 0);
	assert_non_null(p);
	assert_ptr_not_equal(p, UNTOUCHED);
	free(j);
	return p;
}

/* Whether @pr holds a problem at exactly @path whose message contains @needle. */
static bool has_problem(const struct isms_policy_problems *pr, const char *path,
			const char *needle)
{
	for (size_t i = 0; i < pr->n; i++)
		if (strcmp(pr->list[i].path, path) == 0 && strstr(pr->list[i].msg, needle))
			return true;
	return false;
}

/*
 * Parse expecting -EINVAL with @total problems (0: any number), one of them
 * at @path with @needle in its message.
 */
static void parse_bad_at(const char *sq, size_t total, const char *path, const char *needle,
			 const char *file, int line)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = UNTOUCHED;
	char *j = dq(sq);
	int r = isms_policy_parse(j, strlen(j), NULL, &p, &pr);

	if (r != -EINVAL || p != UNTOUCHED || (total && pr.total != total) ||
	    !has_problem(&pr, path, needle)) {
		dump(&pr);
		print_error("%s:%d: policy %s\n  got %d with %zu problems; "
			    "want -EINVAL with %zu, one at %s containing '%s'\n",
			    file, line, j, r, pr.total, total, path, needle);
		free(j);
		_fail(file, line);
	}
	assert_int_equal(pr.n, pr.total < 32 ? pr.total : 32);
	free(j);
}
#define parse_bad(sq, total, path, needle) parse_bad_at(sq, total, path, needle, __FILE__, __LINE__)

/* ---- parsing ---------------------------------------------------------------------------- */

/* The example from the issue. */
#define EXAMPLE                                                                              \
	"{'version':1,'asset':'db-prod-01','mode':'enforce','on_error':'deny',"             \
	" 'rules':[{'id':'break-glass','groups':['emergency'],'allow':true,"                \
	"           'flag':'break-glass'},"                                                  \
	"          {'id':'dba','groups':['dba'],'services':['sshd'],"                        \
	"           'from':['10.0.0.0/8','::1'],"                                            \
	"           'time':{'days':['mon-fri'],'hours':'07:00-19:00',"                       \
	"                   'tz':'Europe/Berlin'},"                                          \
	"           'require':{'acknowledged':'infosec-policy','reviewed_within_days':90},"  \
	"           'allow':true},"                                                          \
	"          {'id':'default','allow':false}]}"

static void t_example(void **state)
{
	struct isms_policy *p = parse_ok(EXAMPLE);
	const char *const *docs = isms_policy_documents(p);

	(void)state;
	assert_string_equal(isms_policy_asset(p), "db-prod-01");
	assert_int_equal(isms_policy_mode(p), ISMS_MODE_ENFORCE);
	assert_int_equal(isms_policy_on_error(p), ISMS_ON_ERROR_DENY);
	assert_int_equal(isms_policy_nrules(p), 3);
	assert_non_null(docs);
	assert_string_equal(docs[0], "infosec-policy");
	assert_null(docs[1]);
	assert_true(isms_policy_needs_review(p));
	assert_null(isms_policy_free(p));
	assert_null(isms_policy_free(NULL));
}

static void t_options(void **state)
{
	struct isms_policy *p;
	const char *const *docs;

	(void)state;
	p = parse_ok("{'version':1,'asset':'web-01','mode':'audit','on_error':'allow',"
		     "'protection':{'confidentiality':'high','integrity':'very_high',"
		     "'availability':'normal'},'comment':'for the test',"
		     "'rules':[{'id':'a','users':'alice','allow':true,'comment':'why',"
		     "'require':{'acknowledged':['aup','infosec-policy'],'active':true}},"
		     "{'id':'b','users':['bob'],'allow':true,"
		     "'require':{'acknowledged':['infosec-policy','nda']}}]}");
	assert_string_equal(isms_policy_asset(p), "web-01");
	assert_int_equal(isms_policy_mode(p), ISMS_MODE_AUDIT);
	assert_int_equal(isms_policy_on_error(p), ISMS_ON_ERROR_ALLOW);
	/* Each document once, in the order rules first name them. */
	docs = isms_policy_documents(p);
	assert_string_equal(docs[0], "aup");
	assert_string_equal(docs[1], "infosec-policy");
	assert_string_equal(docs[2], "nda");
	assert_null(docs[3]);
	assert_false(isms_policy_needs_review(p));
	isms_policy_free(p);

	/* No documents: an empty list, not NULL. */
	p = parse_ok(POL("{'id':'a','allow':false}"));
	assert_non_null(isms_policy_documents(p));
	assert_null(isms_policy_documents(p)[0]);
	isms_policy_free(p);
}

static void t_bad_top(void **state)
{
	(void)state;
	parse_bad("{'version':2,'asset':'a','rules':[{'id':'x','allow':false}]}", 1, "$.version",
		  "must be 1");
	parse_bad("{'version':'1','asset':'a','rules':[{'id':'x','allow':false}]}", 1, "$.version",
		  "must be 1");
	parse_bad("{'asset':'a','rules':[{'id':'x','allow':false}]}", 1, "$.version", "must be 1");
	parse_bad("{'version':1,'rules':[{'id':'x','allow':false}]}", 1, "$.asset", "asset");
	parse_bad("{'version':1,'asset':'','rules':[{'id':'x','allow':false}]}", 1, "$.asset",
		  "asset");
	parse_bad("{'version':1,'asset':7,'rules':[{'id':'x','allow':false}]}", 1, "$.asset",
		  "asset");
	parse_bad("{'version':1,'asset':'a','colour':'red','rules':[{'id':'x','allow':false}]}", 1,
		  "$", "unknown member 'colour'");
	parse_bad("{'version':1,'asset':'a','mode':'strict','rules':[{'id':'x','allow':false}]}", 1,
		  "$.mode", "enforce");
	parse_bad("{'version':1,'asset':'a','mode':true,'rules':[{'id':'x','allow':false}]}", 1,
		  "$.mode", "audit");
	parse_bad("{'version':1,'asset':'a','on_error':'ignore',"
		  "'rules':[{'id':'x','allow':false}]}",
		  1, "$.on_error", "deny");
	parse_bad("{'version':1,'asset':'a','protection':{'confidentiality':'extreme'},"
		  "'rules':[{'id':'x','allow':false}]}",
		  1, "$.protection.confidentiality", "normal, high or very_high");
	parse_bad("{'version':1,'asset':'a','protection':{'secrecy':'high'},"
		  "'rules':[{'id':'x','allow':false}]}",
		  1, "$.protection", "unknown member 'secrecy'");
	parse_bad("{'version':1,'asset':'a','protection':'high',"
		  "'rules':[{'id':'x','allow':false}]}",
		  1, "$.protection", "object");
	parse_bad("{'version':1,'asset':'a'}", 1, "$.rules", "non-empty array");
	parse_bad("{'version':1,'asset':'a','rules':[]}", 1, "$.rules", "non-empty array");
	parse_bad("{'version':1,'asset':'a','rules':{'id':'x','allow':false}}", 1, "$.rules",
		  "non-empty array");
	parse_bad("[1,2]", 1, "$", "JSON object");
	parse_bad("'just a string'", 1, "$", "JSON object");
}

static void t_bad_rule(void **state)
{
	(void)state;
	/* A typo must not pass unnoticed, nor leave a rule without its decision. */
	parse_bad(POL("{'id':'a','alow':true,'allow':false}"), 1, "$.rules[0]",
		  "unknown member 'alow'");
	parse_bad(POL("{'id':'a','alow':true}"), 2, "$.rules[0]", "unknown member 'alow'");
	parse_bad(POL("{'id':'a','alow':true}"), 2, "$.rules[0]", "needs \"allow\"");
	parse_bad(POL("{'id':'a','users':['alice']}"), 1, "$.rules[0]", "needs \"allow\"");
	parse_bad(POL("{'id':'a','allow':'yes'}"), 1, "$.rules[0]", "needs \"allow\"");
	parse_bad(POL("{'id':'a','allow':1}"), 1, "$.rules[0]", "needs \"allow\"");
	parse_bad(POL("{'allow':true}"), 1, "$.rules[0]", "needs an id");
	parse_bad(POL("{'id':'','allow':true}"), 1, "$.rules[0]", "needs an id");
	parse_bad(POL("{'id':5,'allow':true}"), 1, "$.rules[0]", "needs an id");
	parse_bad(POL("{'id':'0123456789012345678901234567890123456789012345678901234567890123',"
		      "'allow':true}"),
		  1, "$.rules[0]", "needs an id");
	parse_bad(POL("{'id':'a','allow':true},{'id':'b','allow':true},"
		      "{'id':'a','allow':false}"),
		  1, "$.rules[2].id", "also the id of rules[0]");
	parse_bad(POL("{'id':'a','allow':true},'rule two'"), 1, "$.rules[1]", "must be an object");
	parse_bad(POL("{'id':'a','users':[],'allow':true}"), 1, "$.rules[0].users",
		  "must not be empty");
	parse_bad(POL("{'id':'a','users':7,'allow':true}"), 1, "$.rules[0].users",
		  "string or an array");
	parse_bad(POL("{'id':'a','users':['alice',7],'allow':true}"), 1, "$.rules[0].users[1]",
		  "must be a string");
	parse_bad(POL("{'id':'a','groups':['dba',''],'allow':true}"), 1, "$.rules[0].groups[1]",
		  "printable");
	parse_bad(POL("{'id':'a','groups':'a\\tb','allow':true}"), 1, "$.rules[0].groups",
		  "printable");
	parse_bad(POL("{'id':'a','services':[],'allow':true}"), 1, "$.rules[0].services",
		  "must not be empty");
	parse_bad(POL("{'id':'a','ttys':[],'allow':true}"), 1, "$.rules[0].ttys",
		  "must not be empty");
	parse_bad(POL("{'id':'a','allow':true,'flag':'emergency'}"), 1, "$.rules[0].flag",
		  "break-glass");
	parse_bad(POL("{'id':'a','allow':true,'flag':true}"), 1, "$.rules[0].flag", "break-glass");
	parse_bad(POL("{'id':'a','allow':false,'flag':'break-glass'}"), 1, "$.rules[0]",
		  "break-glass rule must allow");
	parse_bad(POL("{'id':'a','allow':true,'comment':7}"), 1, "$.rules[0].comment",
		  "must be a string");
}

static void t_bad_from(void **state)
{
	(void)state;
	parse_bad(POL("{'id':'a','from':['10.0.0.0/33'],'allow':true}"), 1, "$.rules[0].from[0]",
		  "prefix length must be 0-32");
	parse_bad(POL("{'id':'a','from':['::1','::/129'],'allow':true}"), 1, "$.rules[0].from[1]",
		  "prefix length must be 0-128");
	parse_bad(POL("{'id':'a','from':['10.0.0.0/'],'allow':true}"), 1, "$.rules[0].from[0]",
		  "prefix length");
	parse_bad(POL("{'id':'a','from':['10.0.0.0/8x'],'allow':true}"), 1, "$.rules[0].from[0]",
		  "prefix length");
	parse_bad(POL("{'id':'a','from':['10.0.0.0/-1'],'allow':true}"), 1, "$.rules[0].from[0]",
		  "prefix length");
	parse_bad(POL("{'id':'a','from':['10.0.0/8'],'allow':true}"), 1, "$.rules[0].from[0]",
		  "not an address/prefix");
	parse_bad(POL("{'id':'a','from':['example.com/24'],'allow':true}"), 1,
		  "$.rules[0].from[0]", "not an address/prefix");
	parse_bad(POL("{'id':'a','from':['LOCAL','bad host!'],'allow':true}"), 1,
		  "$.rules[0].from[1]", "is not an address, network, host name");
	parse_bad(POL("{'id':'a','from':['host;rm -rf'],'allow':true}"), 1, "$.rules[0].from[0]",
		  "is not an address");
	parse_bad(POL("{'id':'a','from':[],'allow':true}"), 1, "$.rules[0].from",
		  "must not be empty");
	parse_bad(POL("{'id':'a','from':5,'allow':true}"), 1, "$.rules[0].from",
		  "string or an array");
	parse_bad(POL("{'id':'a','from':[5],'allow':true}"), 1, "$.rules[0].from[0]",
		  "must be a string");
	/* The path names the rule's place in the list, not its id. */
	parse_bad(POL("{'id':'a','allow':true},{'id':'b','from':'10.0.0.0/99','allow':true}"), 1,
		  "$.rules[1].from[0]", "prefix length");
}

static void t_bad_time(void **state)
{
	(void)state;
	parse_bad(POL("{'id':'a','time':{'days':['funday'],'tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.days[0]", "not a day");
	parse_bad(POL("{'id':'a','time':{'days':['mon','mon-funday'],'tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.days[1]", "not a day");
	parse_bad(POL("{'id':'a','time':{'days':[],'tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.days", "must not be empty");
	parse_bad(POL("{'id':'a','time':{'days':[1],'tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.days[0]", "must be a string");
	parse_bad(POL("{'id':'a','time':{'hours':'7-19','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	parse_bad(POL("{'id':'a','time':{'hours':'07:00-07:00','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "different ends");
	parse_bad(POL("{'id':'a','time':{'hours':'07:00-25:00','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	parse_bad(POL("{'id':'a','time':{'hours':'24:30-06:00','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	parse_bad(POL("{'id':'a','time':{'hours':'07:60-08:00','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	parse_bad(POL("{'id':'a','time':{'hours':'07:00','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	parse_bad(POL("{'id':'a','time':{'hours':'07:00-19:00 ','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	parse_bad(POL("{'id':'a','time':{'hours':700,'tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	parse_bad(POL("{'id':'a','time':{'days':['mon-fri'],'hours':'07:00-19:00'},'allow':true}"),
		  1, "$.rules[0].time", "needs tz");
	parse_bad(POL("{'id':'a','time':{'hours':'07:00-19:00','tz':'Mars/Olympus'},'allow':true}"),
		  1, "$.rules[0].time.tz", "not in the time zone database");
	parse_bad(POL("{'id':'a','time':{'tz':'../../../../etc/passwd'},'allow':true}"), 1,
		  "$.rules[0].time.tz", "time zone '../../../../etc/passwd'");
	parse_bad(POL("{'id':'a','time':{'tz':'Europe/../../../etc/passwd'},'allow':true}"), 1,
		  "$.rules[0].time.tz", "time zone");
	parse_bad(POL("{'id':'a','time':{'tz':'/etc/localtime'},'allow':true}"), 1,
		  "$.rules[0].time.tz", "time zone");
	parse_bad(POL("{'id':'a','time':{'tz':1},'allow':true}"), 1, "$.rules[0].time.tz",
		  "time zone name");
	parse_bad(POL("{'id':'a','time':{'zone':'UTC','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time", "unknown member 'zone'");
	parse_bad(POL("{'id':'a','time':'office hours','allow':true}"), 1, "$.rules[0].time",
		  "must be an object");
}

static void t_bad_require(void **state)
{
	(void)state;
	parse_bad(POL("{'id':'a','require':{'reviewed_within_days':0},'allow':true}"), 1,
		  "$.rules[0].require.reviewed_within_days", "1-3660");
	parse_bad(POL("{'id':'a','require':{'reviewed_within_days':-5},'allow':true}"), 1,
		  "$.rules[0].require.reviewed_within_days", "1-3660");
	parse_bad(POL("{'id':'a','require':{'reviewed_within_days':3661},'allow':true}"), 1,
		  "$.rules[0].require.reviewed_within_days", "1-3660");
	parse_bad(POL("{'id':'a','require':{'reviewed_within_days':'90'},'allow':true}"), 1,
		  "$.rules[0].require.reviewed_within_days", "1-3660");
	parse_bad(POL("{'id':'a','require':{'reviewed_within_days':1.5},'allow':true}"), 1,
		  "$.rules[0].require.reviewed_within_days", "1-3660");
	parse_bad(POL("{'id':'a','require':{'acknowledged':[]},'allow':true}"), 1,
		  "$.rules[0].require.acknowledged", "must not be empty");
	parse_bad(POL("{'id':'a','require':{'acknowledged':['x','']},'allow':true}"), 1,
		  "$.rules[0].require.acknowledged[1]", "printable");
	parse_bad(POL("{'id':'a','require':{'active':'yes'},'allow':true}"), 1,
		  "$.rules[0].require.active", "true or false");
	parse_bad(POL("{'id':'a','require':{'acknowleged':'x'},'allow':true}"), 1,
		  "$.rules[0].require", "unknown member 'acknowleged'");
	parse_bad(POL("{'id':'a','require':['active'],'allow':true}"), 1, "$.rules[0].require",
		  "must be an object");
	/* The boundaries themselves are fine. */
	isms_policy_free(parse_ok(POL("{'id':'a','require':{'reviewed_within_days':1},"
				      "'allow':true},"
				      "{'id':'b','require':{'reviewed_within_days':3660},"
				      "'allow':true}")));
}

/* One pass reports every problem, each at its place, and the count of all. */
static void t_many_problems(void **state)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = UNTOUCHED;
	char *j = dq("{'version':3,'asset':'a','extra':1,'rules':["
		     "{'id':'a','alow':true,'allow':true},"
		     "{'id':'b','from':['10.0.0.0/33'],'allow':true},"
		     "{'id':'a','time':{'hours':'7-19','tz':'Mars/Olympus'},'allow':true},"
		     "{'id':'d','allow':false,'flag':'break-glass',"
		     " 'require':{'reviewed_within_days':0}}]}");
	char *big;
	size_t len, off;

	(void)state;
	assert_int_equal(isms_policy_parse(j, strlen(j), NULL, &p, &pr), -EINVAL);
	assert_ptr_equal(p, UNTOUCHED);
	dump(&pr);
	assert_int_equal(pr.total, 9);
	assert_int_equal(pr.n, 9);
	assert_true(has_problem(&pr, "$.version", "must be 1"));
	assert_true(has_problem(&pr, "$", "unknown member 'extra'"));
	assert_true(has_problem(&pr, "$.rules[0]", "unknown member 'alow'"));
	assert_true(has_problem(&pr, "$.rules[1].from[0]", "prefix length"));
	assert_true(has_problem(&pr, "$.rules[2].time.hours", "HH:MM"));
	assert_true(has_problem(&pr, "$.rules[2].time.tz", "Mars/Olympus"));
	assert_true(has_problem(&pr, "$.rules[2].id", "also the id of rules[0]"));
	assert_true(has_problem(&pr, "$.rules[3]", "break-glass rule must allow"));
	assert_true(has_problem(&pr, "$.rules[3].require.reviewed_within_days", "1-3660"));
	free(j);

	/* More than fit: the first 32 are kept, all are counted. */
	len = 64 + 40 * 32;
	big = malloc(len);
	assert_non_null(big);
	off = (size_t)snprintf(big, len, "{\"version\":1,\"asset\":\"a\",\"rules\":[");
	for (int i = 0; i < 40; i++)
		off += (size_t)snprintf(big + off, len - off, "%s{\"id\":\"r%d\"}", i ? "," : "",
					i);
	off += (size_t)snprintf(big + off, len - off, "]}");
	assert_true(off < len);
	assert_int_equal(isms_policy_parse(big, off, NULL, &p, &pr), -EINVAL);
	assert_int_equal(pr.total, 40);
	assert_int_equal(pr.n, 32);
	assert_string_equal(pr.list[31].path, "$.rules[31]");
	/* Without a problem list it is refused all the same. */
	assert_int_equal(isms_policy_parse(big, off, NULL, &p, NULL), -EINVAL);
	assert_ptr_equal(p, UNTOUCHED);
	free(big);
}

static void syntax_error(const char *text, int want_line, const char *want_path,
			 const char *needle)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = UNTOUCHED;

	assert_int_equal(isms_policy_parse(text, strlen(text), NULL, &p, &pr), -EINVAL);
	assert_ptr_equal(p, UNTOUCHED);
	dump(&pr);
	assert_int_equal(pr.total, 1);
	assert_string_equal(pr.list[0].path, want_path);
	assert_int_equal(pr.list[0].line, want_line);
	assert_true(pr.list[0].column > 0);
	assert_contains(pr.list[0].msg, needle);
}

static void t_invalid_json(void **state)
{
	(void)state;
	syntax_error("{\n  \"version\": 1,\n  \"asset\": db-prod-01,\n  \"rules\": []\n}\n", 3,
		     "$.asset", "not valid JSON");
	syntax_error("{\"version\": 1,\n\"asset\": \"a\",\n\"rules\": [\n{\"id\": \"x\",\n"
		     "\"allow\": true,,\n}]}",
		     5, "$.rules[0]", "not valid JSON");
	syntax_error("{\"version\": 1, \"asset\": \"a\" \"rules\": []}", 1, "$", "not valid JSON");
	/* Cut short: the last line, and a message that says so. */
	syntax_error("{\"version\": 1,\n\"asset\": \"a\",\n\"rules\": [", 3, "$.rules[0]",
		     "end of data");
	syntax_error("", 1, "$", "not valid JSON");
	syntax_error("{\"version\": 1, \"asset\": \"a\",\n"
		     "\"rules\": [{\"id\":\"x\",\"allow\":true}]}\n"
		     "{\"version\": 2}",
		     3, "$", "trailing data");
	syntax_error("{\"version\": 1, \"asset\": \"a\", "
		     "\"rules\": [{\"id\":\"x\",\"allow\":true}]} x",
		     1, "$", "trailing data");
}

static void t_trailing_space_ok(void **state)
{
	static const char text[] = "\n  {\"version\": 1, \"asset\": \"a\", "
				   "\"rules\": [{\"id\":\"x\",\"allow\":true}]}\n\n \t\n";
	struct isms_policy *p = NULL;

	(void)state;
	assert_int_equal(isms_policy_parse(text, strlen(text), NULL, &p, NULL), 0);
	isms_policy_free(p);
	/* A NUL inside the given length is data, not the end. */
	assert_int_equal(isms_policy_parse(text, sizeof(text), NULL, &p, NULL), -EINVAL);
}

static char *rules_json(size_t nrules, size_t pad_to, size_t *ret_len)
{
	size_t cap = 64 + nrules * 48 + pad_to;
	char *buf = malloc(cap);
	size_t off;

	assert_non_null(buf);
	off = (size_t)snprintf(buf, cap, "{\"version\":1,\"asset\":\"a\",\"rules\":[");
	for (size_t i = 0; i < nrules; i++)
		off += (size_t)snprintf(buf + off, cap - off,
					"%s{\"id\":\"r%zu\",\"users\":\"u%zu\",\"allow\":true}",
					i ? "," : "", i, i);
	off += (size_t)snprintf(buf + off, cap - off, "]}");
	while (off < pad_to)
		buf[off++] = ' ';
	assert_true(off < cap);
	buf[off] = '\0';
	*ret_len = off;
	return buf;
}

static void t_limits(void **state)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = UNTOUCHED;
	size_t len;
	char *j;

	(void)state;
	j = rules_json(ISMS_POLICY_MAX_RULES, 0, &len);
	assert_int_equal(isms_policy_parse(j, len, NULL, &p, &pr), 0);
	assert_int_equal(isms_policy_nrules(p), ISMS_POLICY_MAX_RULES);
	p = isms_policy_free(p);
	free(j);

	p = UNTOUCHED;
	j = rules_json(ISMS_POLICY_MAX_RULES + 1, 0, &len);
	assert_int_equal(isms_policy_parse(j, len, NULL, &p, &pr), -EINVAL);
	assert_ptr_equal(p, UNTOUCHED);
	assert_true(has_problem(&pr, "$.rules", "more than 1024 rules"));
	free(j);

	/* Exactly the limit in bytes is fine; one more is too big, whatever it holds. */
	j = rules_json(1, ISMS_POLICY_MAX_BYTES, &len);
	assert_int_equal(len, ISMS_POLICY_MAX_BYTES);
	p = NULL;
	assert_int_equal(isms_policy_parse(j, len, NULL, &p, &pr), 0);
	isms_policy_free(p);
	free(j);
	p = UNTOUCHED;
	j = rules_json(1, ISMS_POLICY_MAX_BYTES + 1, &len);
	assert_int_equal(isms_policy_parse(j, len, NULL, &p, &pr), -EFBIG);
	assert_ptr_equal(p, UNTOUCHED);
	assert_true(has_problem(&pr, "$", "larger than"));
	free(j);

	/* Nesting deeper than the parser allows is refused, not a crash. */
	j = malloc(20001);
	assert_non_null(j);
	memset(j, '[', 10000);
	memset(j + 10000, ']', 10000);
	j[20000] = '\0';
	assert_int_equal(isms_policy_parse(j, 20000, NULL, &p, &pr), -EINVAL);
	assert_ptr_equal(p, UNTOUCHED);
	free(j);
}

/* ---- loading ---------------------------------------------------------------------------- */

static void write_file(const char *path, const char *sq, mode_t mode)
{
	char *j = dq(sq);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, j, strlen(j)), (ssize_t)strlen(j));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	free(j);
}

#define SIMPLE POL("{'id':'a','users':'alice','allow':true}")

/* A private root-owned directory right under /tmp (root-owned and sticky). */
static char *tmp_root_dir(void)
{
	char *d = strdup("/tmp/isms-policy.XXXXXX");
	struct stat st;

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	assert_int_equal(stat("/tmp", &st), 0);
	if (getuid() != 0 || st.st_uid != 0 || !(st.st_mode & S_ISVTX)) {
		print_message("# needs root and a root-owned sticky /tmp\n");
		tu_rm_rf(d);
		free(d);
		skip();
	}
	return d;
}

static void load_fails(const char *path, bool strict, int want, const char *needle)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = UNTOUCHED;
	int r = isms_policy_load(path, strict, NULL, &p, &pr);

	if (r != want) {
		dump(&pr);
		fail_msg("load '%s': %d, want %d", path, r, want);
	}
	assert_ptr_equal(p, UNTOUCHED);
	if (needle) {
		dump(&pr);
		assert_true(pr.n >= 1);
		assert_contains(pr.list[0].msg, needle);
	}
}

static void load_ok(const char *path, bool strict)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;
	int r = isms_policy_load(path, strict, NULL, &p, &pr);

	if (r < 0) {
		dump(&pr);
		fail_msg("load '%s': %s", path, strerror(-r));
	}
	assert_string_equal(isms_policy_asset(p), "db-prod-01");
	isms_policy_free(p);
}

static void t_load(void **state)
{
	char *dir = tmp_root_dir();
	char *f = tu_path(dir, "policy.json");
	char *sub = tu_path(dir, "sub");
	char *g = tu_path(sub, "policy.json");
	char *lnk = tu_path(dir, "link.json");

	(void)state;
	load_fails(f, true, -ENOENT, NULL);
	load_fails(f, false, -ENOENT, NULL);

	write_file(f, SIMPLE, 0644);
	load_ok(f, true);
	write_file(f, SIMPLE, 0400);
	load_ok(f, true);

	chmod(f, 0664);
	load_fails(f, true, -EPERM, "group- or world-writable");
	chmod(f, 0646);
	load_fails(f, true, -EPERM, "group- or world-writable");
	chmod(f, 0620);
	load_fails(f, true, -EPERM, "mode 0620");
	/* Without StrictModes the same file loads. */
	load_ok(f, false);

	chmod(f, 0644);
	assert_int_equal(chown(f, 65534, 65534), 0);
	load_fails(f, true, -EPERM, "owner uid 65534");
	load_ok(f, false);
	assert_int_equal(chown(f, 0, 0), 0);
	load_ok(f, true);

	/* Through a symlink the file it names is checked. */
	assert_int_equal(symlink(f, lnk), 0);
	load_ok(lnk, true);
	chmod(f, 0666);
	load_fails(lnk, true, -EPERM, "group- or world-writable");
	chmod(f, 0644);

	/* StrictModes bypass: a symlink in a directory others can write, to a
	 * root-owned good policy, is refused: whoever put it there chose the policy. */
	{
		char *open_dir = tu_path(dir, "open"), *in_open = tu_path(open_dir, "policy.json");

		assert_int_equal(mkdir(open_dir, 0777), 0);
		assert_int_equal(chmod(open_dir, 0777), 0);
		assert_int_equal(symlink(f, in_open), 0);
		load_fails(in_open, true, -EPERM, "open' must be owned by root and not group- or world-writable");
		load_ok(in_open, false);
		/* The link's own owner counts, too. */
		chmod(open_dir, 0755);
		load_ok(in_open, true);
		assert_int_equal(lchown(in_open, 65534, 65534), 0);
		load_fails(in_open, true, -EPERM, "symlink");
		free(in_open);
		free(open_dir);
	}

	/* The directories up to / count too: a writable one lets others swap the file. */
	assert_int_equal(mkdir(sub, 0755), 0);
	write_file(g, SIMPLE, 0644);
	load_ok(g, true);
	chmod(sub, 0775);
	load_fails(g, true, -EPERM, "directory");
	chmod(sub, 0757);
	load_fails(g, true, -EPERM, "directory");
	load_ok(g, false);
	/* A root-owned sticky directory (/tmp) may lead to a directory of root's, but
	 * a file right in it may be anyone's hard link to a root-owned file. */
	chmod(sub, 01777);
	load_fails(g, true, -EPERM, "which others can write");
	chmod(sub, 0755);
	assert_int_equal(chown(sub, 65534, 65534), 0);
	load_fails(g, true, -EPERM, "directory");
	assert_int_equal(chown(sub, 0, 0), 0);
	load_ok(g, true);

	/* A directory is not a policy. */
	load_fails(sub, true, -EPERM, "not a regular file");

	/* Malformed and oversized files are reported as such. */
	write_file(f, "{'version':1,'asset':'db-prod-01','rules':[{'id':'a'}]}", 0644);
	load_fails(f, true, -EINVAL, "allow");
	{
		int fd = open(f, O_WRONLY | O_TRUNC);

		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, ISMS_POLICY_MAX_BYTES + 1), 0);
		close(fd);
	}
	load_fails(f, true, -EFBIG, NULL);

	tu_rm_rf(dir);
	free(lnk);
	free(g);
	free(sub);
	free(f);
	free(dir);
}

/* ---- evaluation ------------------------------------------------------------------------- */

static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi};

	return timegm(&tm);
}

/* Thursday 2026-01-15 10:00Z: a plain working day. */
#define NOW_WINTER utc(2026, 1, 15, 10, 0)

/* A NULL-terminated group list living as long as the enclosing block. */
#define GROUPS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct isms_ack_fact acks_yes[] = {{"infosec-policy", ISMS_FACT_YES}};

/* Everything known and in order. */
static struct isms_facts good_facts(void)
{
	return (struct isms_facts){
		.store_ok = true,
		.person_known = ISMS_FACT_YES,
		.person_active = ISMS_FACT_YES,
		.asset_locked = ISMS_FACT_NO,
		.last_review_days = 10,
		.acks = acks_yes,
		.nacks = 1,
	};
}

static const char *const alice_groups[] = {"staff", "dba", NULL};

static struct isms_request alice(void)
{
	return (struct isms_request){.user = "alice",
				     .service = "sshd",
				     .rhost = "10.1.2.3",
				     .tty = "ssh",
				     .groups = alice_groups,
				     .now = NOW_WINTER};
}

static bool has_reason(const struct isms_decision *d, const char *needle)
{
	for (size_t i = 0; i < d->nreasons; i++)
		if (strstr(d->reasons[i], needle))
			return true;
	return false;
}

static void dump_decision(const struct isms_decision *d)
{
	print_message("# %s by '%s' (index %d%s)\n", isms_decision_outcome(d), d->rule_id,
		      d->rule_index, d->implicit ? ", implicit" : "");
	for (size_t i = 0; i < d->nreasons; i++)
		print_message("#   %s\n", d->reasons[i]);
}

#define assert_reason(d, needle)                                                             \
	do {                                                                                 \
		if (!has_reason((d), (needle))) {                                            \
			dump_decision(d);                                                    \
			fail_msg("no reason containing '%s'", (needle));                     \
		}                                                                            \
	} while (0)

static void decide(const struct isms_policy *p, const struct isms_request *rq,
		   const struct isms_facts *f, struct isms_decision *d)
{
	memset(d, 0x5a, sizeof(*d)); /* evaluation must set every member */
	isms_policy_evaluate(p, rq, f, d, NULL, 0, NULL);
	assert_true(d->nreasons >= 1 && d->nreasons <= ISMS_DECISION_REASONS);
	for (size_t i = 0; i < d->nreasons; i++)
		assert_non_null(memchr(d->reasons[i], '\0', sizeof(d->reasons[i])));
	assert_non_null(memchr(d->rule_id, '\0', sizeof(d->rule_id)));
}

/* The decision's rule and outcome. */
static void expect(const struct isms_decision *d, const char *rule_id, const char *outcome)
{
	if (strcmp(d->rule_id, rule_id) != 0 || strcmp(isms_decision_outcome(d), outcome) != 0) {
		dump_decision(d);
		fail_msg("want %s by '%s'", outcome, rule_id);
	}
}

static void t_first_match_wins(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'allow-alice','users':'alice','allow':true},"
					     "{'id':'deny-alice','users':'alice','allow':false},"
					     "{'id':'default','allow':false}"));
	struct isms_policy *q = parse_ok(POL("{'id':'deny-alice','users':'alice','allow':false},"
					     "{'id':'allow-alice','users':'alice','allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	decide(p, &rq, &f, &d);
	expect(&d, "allow-alice", "allow");
	assert_true(d.allow);
	assert_true(d.effective_allow);
	assert_false(d.implicit);
	assert_false(d.break_glass);
	assert_int_equal(d.rule_index, 0);
	assert_reason(&d, "rule 'allow-alice' allows: user 'alice' listed");

	decide(q, &rq, &f, &d);
	expect(&d, "deny-alice", "deny");
	assert_false(d.allow);
	assert_false(d.effective_allow);
	assert_false(d.implicit);
	assert_int_equal(d.rule_index, 0);
	assert_reason(&d, "rule 'deny-alice' denies");

	rq.user = "bob";
	rq.groups = GROUPS("staff");
	decide(p, &rq, &f, &d);
	expect(&d, "default", "deny");
	assert_int_equal(d.rule_index, 2);
	assert_false(d.implicit);
	isms_policy_free(p);
	isms_policy_free(q);
}

static void t_users_groups(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'ops','users':['bob'],'groups':['dba','ops'],"
					     "'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	/* alice by group (her second one). */
	decide(p, &rq, &f, &d);
	expect(&d, "ops", "allow");
	assert_reason(&d, "member of group 'dba'");
	/* bob by name, in no group. */
	rq.user = "bob";
	rq.groups = GROUPS("users");
	decide(p, &rq, &f, &d);
	expect(&d, "ops", "allow");
	assert_reason(&d, "user 'bob' listed");
	rq.groups = NULL;
	decide(p, &rq, &f, &d);
	expect(&d, "ops", "allow");
	/* carol: neither; a group named like a listed user does not count. */
	rq.user = "carol";
	rq.groups = GROUPS("bob", "staff");
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	/* Names are exact: no case folding, no prefixes. */
	rq.user = "Bob";
	rq.groups = GROUPS("DBA", "dbadmin", "db");
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	rq.user = "carol";
	rq.groups = GROUPS("ops");
	decide(p, &rq, &f, &d);
	expect(&d, "ops", "allow");
	isms_policy_free(p);
}

static void t_services(void **state)
{
	struct isms_policy *p =
		parse_ok(POL("{'id':'ssh','services':['sshd','sshd-kbd'],'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;
	char trace[4][160];
	size_t n = 99;

	(void)state;
	decide(p, &rq, &f, &d);
	expect(&d, "ssh", "allow");
	rq.service = "sshd-kbd";
	decide(p, &rq, &f, &d);
	expect(&d, "ssh", "allow");
	rq.service = "su";
	isms_policy_evaluate(p, &rq, &f, &d, trace, 4, &n);
	expect(&d, "(none)", "deny");
	assert_int_equal(n, 1);
	assert_contains(trace[0], "rule 'ssh': does not match: service 'su' not in its services");
	rq.service = NULL;
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	isms_policy_free(p);
}

/* Whether a rule with from [@entry] admits a login from @rhost. */
static bool from_admits(const char *entry, const char *rhost)
{
	char sq[512];
	struct isms_policy *p;
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	snprintf(sq, sizeof(sq), POL("{'id':'f','from':['%s'],'allow':true}"), entry);
	p = parse_ok(sq);
	rq.rhost = rhost;
	decide(p, &rq, &f, &d);
	isms_policy_free(p);
	if (d.allow)
		assert_string_equal(d.rule_id, "f");
	else
		assert_true(d.implicit);
	return d.allow;
}

struct from_case {
	const char *entry, *rhost;
	bool admit;
};

static void run_from_cases(const struct from_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (from_admits(c[i].entry, c[i].rhost) != c[i].admit)
			fail_msg("from '%s', rhost '%s': %s", c[i].entry,
				 c[i].rhost ? c[i].rhost : "(NULL)",
				 c[i].admit ? "denied, want admitted" : "admitted, want denied");
}

static void t_from_ipv4(void **state)
{
	static const struct from_case c[] = {
		{"0.0.0.0/0", "203.0.113.9", true},
		{"0.0.0.0/0", "255.255.255.255", true},
		{"0.0.0.0/0", "::1", false},
		{"0.0.0.0/0", NULL, false},
		{"0.0.0.0/0", "host.example.com", false},
		{"10.1.2.3/32", "10.1.2.3", true},
		{"10.1.2.3/32", "10.1.2.4", false},
		{"10.1.2.3", "10.1.2.3", true},
		{"10.1.2.3", "10.1.2.30", false},
		{"10.0.0.0/8", "10.0.0.0", true},
		{"10.0.0.0/8", "10.255.255.255", true},
		{"10.0.0.0/8", "11.0.0.0", false},
		{"10.0.0.0/8", "9.255.255.255", false},
		/* /20 cuts through the third octet: 172.16.0.0-172.16.15.255. */
		{"172.16.0.0/20", "172.16.0.0", true},
		{"172.16.0.0/20", "172.16.15.255", true},
		{"172.16.0.0/20", "172.16.16.0", false},
		{"172.16.0.0/20", "172.15.255.255", false},
		{"192.168.1.128/25", "192.168.1.128", true},
		{"192.168.1.128/25", "192.168.1.255", true},
		{"192.168.1.128/25", "192.168.1.127", false},
		{"192.168.1.0/31", "192.168.1.1", true},
		{"192.168.1.0/31", "192.168.1.2", false},
		{"128.0.0.0/1", "200.1.1.1", true},
		{"128.0.0.0/1", "127.255.255.255", false},
		/* Host bits in the network do not matter. */
		{"10.1.2.3/8", "10.200.0.1", true},
		/* sshd may report an IPv4 client as IPv4-mapped IPv6. */
		{"10.0.0.0/8", "::ffff:10.1.2.3", true},
		{"10.0.0.0/8", "::FFFF:10.1.2.3", true},
		{"10.0.0.0/8", "::ffff:11.1.2.3", false},
		{"::ffff:10.1.2.3", "10.1.2.3", true},
		/* Not an address at all. */
		{"10.0.0.0/8", "10.1.2.3.example.com", false},
		{"10.0.0.0/8", "10.1.2", false},
		{"10.0.0.0/8", "", false},
	};

	(void)state;
	run_from_cases(c, sizeof(c) / sizeof(c[0]));
}

static void t_from_ipv6(void **state)
{
	static const struct from_case c[] = {
		{"::1", "::1", true},
		{"::1", "0:0:0:0:0:0:0:1", true},
		{"::1", "::2", false},
		{"::1", "127.0.0.1", false},
		{"::1/128", "::1", true},
		{"fd00::/8", "fd12:3456::1", true},
		{"fd00::/8", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"fd00::/8", "fe80::1", false},
		{"fd00::/8", "fc00::1", false},
		{"fd00::/8", "10.1.2.3", false},
		{"2001:db8::/33", "2001:db8:7fff::1", true},
		{"2001:db8::/33", "2001:db8:8000::1", false},
		{"2001:db8::/32", "2001:DB8::AB", true},
		{"2001:db8::/32", "2001:db9::1", false},
		{"2001:db8:0:0:0:0:0:1/127", "2001:db8::", true},
		{"2001:db8:0:0:0:0:0:1/127", "2001:db8::2", false},
		{"::/0", "2001:db8::1", true},
		/* IPv4, even IPv4-mapped, is IPv4: ::/0 is not "everything". */
		{"::/0", "10.1.2.3", false},
		{"::/0", "::ffff:10.1.2.3", false},
		{"::/0", NULL, false},
	};

	(void)state;
	run_from_cases(c, sizeof(c) / sizeof(c[0]));
}

static void t_from_names(void **state)
{
	static const struct from_case c[] = {
		{"bastion.example.com", "bastion.example.com", true},
		{"bastion.example.com", "BASTION.Example.COM", true},
		{"bastion.example.com", "bastion.example.com.evil.net", false},
		{"bastion.example.com", "xbastion.example.com", false},
		{"bastion.example.com", "bastion", false},
		{"bastion.example.com", NULL, false},
		{".example.com", "a.example.com", true},
		{".example.com", "A.B.EXAMPLE.COM", true},
		{".example.com", "example.com", false},
		{".example.com", "evilexample.com", false},
		{".example.com", "a.example.com.evil.net", false},
		{".example.com", "", false},
		{"LOCAL", NULL, true},
		{"LOCAL", "", true},
		{"LOCAL", "127.0.0.1", false},
		{"LOCAL", "localhost", false},
		{"LOCAL", "::1", false},
		{"ALL", NULL, true},
		{"ALL", "", true},
		{"ALL", "203.0.113.9", true},
		{"ALL", "anything.example.net", true},
		{"*", "2001:db8::1", true},
	};

	(void)state;
	run_from_cases(c, sizeof(c) / sizeof(c[0]));
}

static void t_from_list(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'f','from':['LOCAL','10.0.0.0/8','::1',"
					     "'.corp.example.com'],'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;
	char trace[2][160];
	size_t n;

	(void)state;
	decide(p, &rq, &f, &d);
	expect(&d, "f", "allow");
	rq.rhost = NULL;
	decide(p, &rq, &f, &d);
	expect(&d, "f", "allow");
	assert_reason(&d, "from the local console");
	rq.rhost = "::1";
	decide(p, &rq, &f, &d);
	expect(&d, "f", "allow");
	rq.rhost = "pc7.corp.example.com";
	decide(p, &rq, &f, &d);
	expect(&d, "f", "allow");
	assert_reason(&d, "from pc7.corp.example.com");
	rq.rhost = "192.0.2.1";
	isms_policy_evaluate(p, &rq, &f, &d, trace, 2, &n);
	expect(&d, "(none)", "deny");
	assert_int_equal(n, 1);
	assert_contains(trace[0], "source '192.0.2.1' not in its from list");
	isms_policy_free(p);
}

static void t_ttys(void **state)
{
	struct isms_policy *p =
		parse_ok(POL("{'id':'t','ttys':['pts/*','tty[1-6]'],'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;
	char trace[1][160];
	size_t n;

	(void)state;
	rq.tty = "pts/0";
	decide(p, &rq, &f, &d);
	expect(&d, "t", "allow");
	rq.tty = "pts/12";
	decide(p, &rq, &f, &d);
	expect(&d, "t", "allow");
	rq.tty = "tty3";
	decide(p, &rq, &f, &d);
	expect(&d, "t", "allow");
	rq.tty = "tty7";
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	rq.tty = "ssh";
	isms_policy_evaluate(p, &rq, &f, &d, trace, 1, &n);
	expect(&d, "(none)", "deny");
	assert_contains(trace[0], "tty 'ssh' not in its ttys");
	rq.tty = NULL;
	isms_policy_evaluate(p, &rq, &f, &d, trace, 1, &n);
	expect(&d, "(none)", "deny");
	assert_contains(trace[0], "tty '(none)'");
	isms_policy_free(p);
}

/* Office hours in Berlin: the same local hour is a different UTC hour in winter and summer. */
static void t_time_dst(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'office','time':{'days':['mon-fri'],"
					     "'hours':'07:00-19:00','tz':'Europe/Berlin'},"
					     "'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;
	char trace[1][160];
	size_t n;

	(void)state;
	/* 07:30 local: 06:30Z in winter (CET), 05:30Z in summer (CEST). */
	rq.now = utc(2026, 1, 15, 6, 30);
	decide(p, &rq, &f, &d);
	expect(&d, "office", "allow");
	rq.now = utc(2026, 7, 15, 5, 30);
	decide(p, &rq, &f, &d);
	expect(&d, "office", "allow");
	/* 05:30Z in winter is 06:30 CET: too early. */
	rq.now = utc(2026, 1, 15, 5, 30);
	isms_policy_evaluate(p, &rq, &f, &d, trace, 1, &n);
	expect(&d, "(none)", "deny");
	assert_contains(trace[0], "Thu 06:30 Europe/Berlin is outside 07:00-19:00");
	/* 17:30Z is 18:30 CET in winter (in), 19:30 CEST in summer (out). */
	rq.now = utc(2026, 1, 15, 17, 30);
	decide(p, &rq, &f, &d);
	expect(&d, "office", "allow");
	rq.now = utc(2026, 7, 15, 17, 30);
	isms_policy_evaluate(p, &rq, &f, &d, trace, 1, &n);
	expect(&d, "(none)", "deny");
	assert_contains(trace[0], "Wed 19:30 Europe/Berlin");
	/* The start is inside, the end is not. */
	rq.now = utc(2026, 1, 15, 6, 0);
	decide(p, &rq, &f, &d);
	expect(&d, "office", "allow");
	rq.now = utc(2026, 1, 15, 18, 0) - 1;
	decide(p, &rq, &f, &d);
	expect(&d, "office", "allow");
	rq.now = utc(2026, 1, 15, 18, 0);
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	/* Friday 23:30Z is Saturday 00:30 in Berlin: not a working day there. */
	rq.now = utc(2026, 1, 16, 23, 30);
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	/* The Monday after the spring switch: 05:00Z is 07:00 CEST. */
	rq.now = utc(2026, 3, 30, 5, 0);
	decide(p, &rq, &f, &d);
	expect(&d, "office", "allow");
	rq.now = utc(2026, 3, 27, 5, 0); /* the Friday before: 06:00 CET */
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	isms_policy_free(p);
}

/* A night window belongs to the day it opens on. */
static void t_time_midnight(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'night','time':{'days':['fri'],"
					     "'hours':'22:00-06:00','tz':'UTC'},'allow':true}"));
	struct isms_policy *b = parse_ok(POL("{'id':'night','time':{'days':'fri',"
					     "'hours':'22:00-06:00','tz':'Europe/Berlin'},"
					     "'allow':true}"));
	static const struct {
		int d, h, mi;
		bool in;
	} c[] = {
		{16, 22, 0, true},   /* Friday 22:00 */
		{16, 23, 59, true},  /* Friday 23:59 */
		{17, 0, 0, true},    /* Saturday 00:00: Friday's night */
		{17, 2, 0, true},    /* Saturday 02:00 */
		{17, 5, 59, true},   /* Saturday 05:59 */
		{17, 6, 0, false},   /* Saturday 06:00: closed */
		{16, 21, 59, false}, /* Friday 21:59 */
		{16, 2, 0, false},   /* Friday 02:00: Thursday's night */
		{17, 23, 0, false},  /* Saturday 23:00 */
		{18, 2, 0, false},   /* Sunday 02:00: Saturday's night */
		{15, 23, 0, false},  /* Thursday 23:00 */
	};
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rq.now = utc(2026, 1, c[i].d, c[i].h, c[i].mi);
		decide(p, &rq, &f, &d);
		if (d.allow != c[i].in)
			fail_msg("2026-01-%02d %02d:%02dZ: %s", c[i].d, c[i].h, c[i].mi,
				 d.allow ? "admitted" : "denied");
		/* The same wall-clock times in Berlin are an hour earlier in UTC. */
		rq.now -= 3600;
		decide(b, &rq, &f, &d);
		if (d.allow != c[i].in)
			fail_msg("2026-01-%02d %02d:%02d Berlin: %s", c[i].d, c[i].h, c[i].mi,
				 d.allow ? "admitted" : "denied");
	}
	isms_policy_free(p);
	isms_policy_free(b);
}

/* Whether a rule with @days admits at noon UTC on 2026-01-@day (12th is a Monday). */
static bool days_admit(const char *days, int day)
{
	char sq[256];
	struct isms_policy *p;
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	snprintf(sq, sizeof(sq), POL("{'id':'d','time':{'days':%s,'tz':'UTC'},'allow':true}"),
		 days);
	p = parse_ok(sq);
	rq.now = utc(2026, 1, day, 12, 0);
	decide(p, &rq, &f, &d);
	isms_policy_free(p);
	return d.allow;
}

static void t_time_days(void **state)
{
	static const struct {
		const char *days;
		const char *week; /* Mon..Sun: 1 admitted, 0 not */
	} c[] = {
		{"['mon-fri']", "1111100"},
		{"'mon-fri'", "1111100"},
		{"['MON-Fri']", "1111100"},
		{"['sat-mon']", "1000011"},
		{"['fri-tue']", "1100111"},
		{"['wed']", "0010000"},
		{"['sun']", "0000001"},
		{"['mon','wed-thu','sun']", "1011001"},
		{"['sun-sat']", "1111111"},
		{"['mon-sun']", "1111111"},
		{"['tue-mon']", "1111111"},
		{"['thu-thu']", "0001000"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		for (int k = 0; k < 7; k++)
			if (days_admit(c[i].days, 12 + k) != (c[i].week[k] == '1'))
				fail_msg("days %s, 2026-01-%d: %s", c[i].days, 12 + k,
					 c[i].week[k] == '1' ? "denied" : "admitted");
}

static void t_implicit_deny(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'a','users':'bob','allow':true},"
					     "{'id':'b','groups':'wheel','allow':false}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	assert_false(d.allow);
	assert_false(d.effective_allow);
	assert_true(d.implicit);
	assert_false(d.break_glass);
	assert_int_equal(d.rule_index, -1);
	assert_int_equal(d.nreasons, 1);
	assert_reason(&d, "no rule matched: denied by default");
	isms_policy_free(p);
}

static void t_deny_rule(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'no-contractors','groups':'contractors',"
					     "'allow':false},{'id':'rest','allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	rq.groups = GROUPS("contractors");
	decide(p, &rq, &f, &d);
	expect(&d, "no-contractors", "deny");
	assert_false(d.implicit);
	assert_int_equal(d.rule_index, 0);
	assert_reason(&d, "rule 'no-contractors' denies");
	/* A deny needs no facts: the same with the store gone. */
	f.store_ok = false;
	decide(p, &rq, &f, &d);
	expect(&d, "no-contractors", "deny");
	isms_policy_free(p);
}

static void t_require_ack(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'a','require':{'acknowledged':"
					     "['infosec-policy','aup']},'allow':true},"
					     "{'id':'b','allow':true}"));
	struct isms_ack_fact acks[2] = {{"infosec-policy", ISMS_FACT_YES}, {"aup", ISMS_FACT_YES}};
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	f.acks = acks;
	f.nacks = 2;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "allow");

	/* Not acknowledged: denied by the matching rule, not passed on to the next. */
	acks[1].acknowledged = ISMS_FACT_NO;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "deny");
	assert_int_equal(d.rule_index, 0);
	assert_false(d.implicit);
	assert_int_equal(d.nreasons, 1);
	assert_reason(&d, "has not acknowledged the current version of 'aup'");

	acks[1].acknowledged = ISMS_FACT_UNKNOWN;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "deny");
	assert_reason(&d, "acknowledgement of 'aup' cannot be confirmed");

	/* A document the facts do not mention is not acknowledged. */
	f.nacks = 1;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "deny");
	assert_reason(&d, "'aup'");
	assert_false(has_reason(&d, "'infosec-policy'"));

	/* Both missing: both named. */
	acks[0].acknowledged = ISMS_FACT_NO;
	acks[1].acknowledged = ISMS_FACT_NO;
	f.nacks = 2;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "deny");
	assert_int_equal(d.nreasons, 2);
	assert_reason(&d, "'infosec-policy'");
	assert_reason(&d, "'aup'");
	isms_policy_free(p);
}

static void t_require_review(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'r','require':{'reviewed_within_days':90},"
					     "'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	f.last_review_days = 0;
	decide(p, &rq, &f, &d);
	expect(&d, "r", "allow");
	f.last_review_days = 90;
	decide(p, &rq, &f, &d);
	expect(&d, "r", "allow");
	f.last_review_days = 91;
	decide(p, &rq, &f, &d);
	expect(&d, "r", "deny");
	assert_reason(&d, "access not reviewed within 90 days");
	f.last_review_days = -1;
	decide(p, &rq, &f, &d);
	expect(&d, "r", "deny");
	assert_reason(&d, "never reviewed (required within 90 days)");
	isms_policy_free(p);
}

static void t_require_active(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'a','require':{'active':true},'allow':true}"));
	struct isms_policy *q = parse_ok(POL("{'id':'a','require':{'active':false},'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "allow");
	f.person_known = ISMS_FACT_NO;
	f.person_active = ISMS_FACT_NO;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "deny");
	assert_reason(&d, "user is not a person in the register");
	f.person_known = ISMS_FACT_YES;
	f.person_active = ISMS_FACT_NO;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "deny");
	assert_reason(&d, "past their active_until date");
	f.person_active = ISMS_FACT_UNKNOWN;
	decide(p, &rq, &f, &d);
	expect(&d, "a", "deny");
	assert_reason(&d, "cannot confirm the person is active");
	/* "active": false asks nothing. */
	f.person_known = ISMS_FACT_NO;
	f.person_active = ISMS_FACT_NO;
	decide(q, &rq, &f, &d);
	expect(&d, "a", "allow");
	isms_policy_free(p);
	isms_policy_free(q);
}

static void t_lockdown(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'bg','groups':'emergency','allow':true,"
					     "'flag':'break-glass'},"
					     "{'id':'staff','groups':'staff','allow':true},"
					     "{'id':'other','allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	f.asset_locked = ISMS_FACT_YES;
	/* alice is staff: her rule matches, the lockdown denies. */
	decide(p, &rq, &f, &d);
	expect(&d, "staff", "deny");
	assert_false(d.break_glass);
	assert_reason(&d, "asset 'db-prod-01' is locked down: only break-glass rules admit");

	rq.groups = GROUPS("staff", "emergency");
	decide(p, &rq, &f, &d);
	expect(&d, "bg", "allow");
	assert_true(d.break_glass);
	assert_reason(&d, "break-glass access: flagged for review");

	/* Break-glass use is flagged even when nothing is locked. */
	f.asset_locked = ISMS_FACT_NO;
	decide(p, &rq, &f, &d);
	expect(&d, "bg", "allow");
	assert_true(d.break_glass);

	/* Not locked: the ordinary rule admits, unflagged. */
	rq.groups = GROUPS("staff");
	decide(p, &rq, &f, &d);
	expect(&d, "staff", "allow");
	assert_false(d.break_glass);
	assert_false(has_reason(&d, "locked"));

	/* The asset is not in the register: not locked, and said so. */
	f.asset_locked = ISMS_FACT_UNKNOWN;
	decide(p, &rq, &f, &d);
	expect(&d, "staff", "allow");
	assert_reason(&d, "lockdown state of 'db-prod-01' unknown (asset not in the register)");
	isms_policy_free(p);
}

/* A break-glass rule with preconditions still needs them. */
static void t_break_glass_preconditions(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'bg','groups':'emergency','allow':true,"
					     "'flag':'break-glass','require':{'active':true}}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	rq.groups = GROUPS("emergency");
	f.asset_locked = ISMS_FACT_YES;
	f.person_active = ISMS_FACT_NO;
	decide(p, &rq, &f, &d);
	expect(&d, "bg", "deny");
	assert_false(d.break_glass);
	assert_reason(&d, "active_until");
	isms_policy_free(p);
}

static void t_store_unavailable(void **state)
{
	struct isms_policy *p = parse_ok(
		POL("{'id':'ack','users':'a','require':{'acknowledged':'infosec-policy'},"
		    "'allow':true},"
		    "{'id':'rev','users':'b','require':{'reviewed_within_days':30},'allow':true},"
		    "{'id':'act','users':'c','require':{'active':true},'allow':true},"
		    "{'id':'bg','users':'d','allow':true,'flag':'break-glass'},"
		    "{'id':'plain','users':'e','allow':true}"));
	struct isms_request rq = alice();
	struct isms_decision d;
	/* Unavailable, yet every fact filled in as if good: none of them may be used. */
	struct isms_facts f = good_facts();

	(void)state;
	f.store_ok = false;
	rq.user = "a";
	decide(p, &rq, &f, &d);
	expect(&d, "ack", "deny");
	assert_reason(&d, "acknowledgement of 'infosec-policy' cannot be confirmed "
			  "(store unavailable)");
	rq.user = "b";
	decide(p, &rq, &f, &d);
	expect(&d, "rev", "deny");
	assert_reason(&d, "access review within 30 days cannot be confirmed (store unavailable)");
	rq.user = "c";
	decide(p, &rq, &f, &d);
	expect(&d, "act", "deny");
	assert_reason(&d, "cannot confirm the person is active (store unavailable)");
	/* Lockdown falls open, visibly. */
	f.asset_locked = ISMS_FACT_YES;
	rq.user = "e";
	decide(p, &rq, &f, &d);
	expect(&d, "plain", "allow");
	assert_reason(&d, "lockdown state of 'db-prod-01' unknown (store unavailable); "
			  "treated as not locked");
	assert_reason(&d, "rule 'plain' allows");
	rq.user = "d";
	decide(p, &rq, &f, &d);
	expect(&d, "bg", "allow");
	assert_true(d.break_glass);
	isms_policy_free(p);
}

static void t_audit_mode(void **state)
{
	struct isms_policy *p = parse_ok(POL_AUDIT("{'id':'dba','groups':'dba','allow':true},"
						   "{'id':'nope','users':'mallory',"
						   "'allow':false}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	decide(p, &rq, &f, &d);
	expect(&d, "dba", "allow");
	assert_true(d.allow);
	assert_true(d.effective_allow);

	rq.user = "mallory";
	rq.groups = NULL;
	decide(p, &rq, &f, &d);
	expect(&d, "nope", "audit-deny");
	assert_false(d.allow);
	assert_true(d.effective_allow);
	assert_reason(&d, "rule 'nope' denies");

	rq.user = "carol";
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "audit-deny");
	assert_true(d.implicit);
	assert_true(d.effective_allow);
	isms_policy_free(p);
}

static void t_trace(void **state)
{
	struct isms_policy *p = parse_ok(
		POL("{'id':'bob-only','users':'bob','allow':true},"
		    "{'id':'su-only','services':'su','allow':true},"
		    "{'id':'vpn','from':'10.99.0.0/16','allow':true},"
		    "{'id':'office','time':{'hours':'07:00-08:00','tz':'UTC'},'allow':true},"
		    "{'id':'dba','groups':'dba','allow':true},"
		    "{'id':'never','allow':false}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;
	char trace[8][160];
	size_t n = 0;

	(void)state;
	memset(trace, 0, sizeof(trace));
	isms_policy_evaluate(p, &rq, &f, &d, trace, 8, &n);
	expect(&d, "dba", "allow");
	assert_int_equal(n, 5);
	assert_string_equal(trace[0], "rule 'bob-only': does not match: "
				      "user 'alice' not in its users or groups");
	assert_string_equal(trace[1],
			    "rule 'su-only': does not match: service 'sshd' not in its services");
	assert_string_equal(trace[2],
			    "rule 'vpn': does not match: source '10.1.2.3' not in its from list");
	assert_string_equal(trace[3], "rule 'office': does not match: Thu 10:00 UTC is outside "
				      "07:00-08:00 on its days");
	assert_string_equal(trace[4], "rule 'dba': matches");
	/* Rules after the deciding one are not tried. */
	assert_int_equal(trace[5][0], '\0');

	/* A short trace buffer is filled, never overrun. */
	isms_policy_evaluate(p, &rq, &f, &d, trace, 2, &n);
	assert_int_equal(n, 2);
	expect(&d, "dba", "allow");
	/* No trace wanted: fine too. */
	isms_policy_evaluate(p, &rq, &f, &d, NULL, 0, NULL);
	expect(&d, "dba", "allow");
	isms_policy_free(p);
}

/* Many failed preconditions: reasons are capped, each one terminated. */
static void t_reasons_capped(void **state)
{
	struct isms_policy *p = parse_ok(POL("{'id':'x','require':{'acknowledged':['d1','d2','d3',"
					     "'d4','d5','d6','d7','d8','d9','d10'],'active':true,"
					     "'reviewed_within_days':1},'allow':true}"));
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	f.store_ok = false;
	decide(p, &rq, &f, &d);
	expect(&d, "x", "deny");
	assert_int_equal(d.nreasons, ISMS_DECISION_REASONS);
	isms_policy_free(p);
}

/* Hostile requests: long names, control characters, SQL; no crash, bounded text. */
static void t_hostile_request(void **state)
{
	struct isms_policy *p = parse_ok(EXAMPLE);
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;
	char trace[4][160];
	size_t n;
	char *big = malloc(100001);

	(void)state;
	assert_non_null(big);
	memset(big, 'A', 100000);
	big[100000] = '\0';
	rq.user = big;
	rq.rhost = big;
	rq.tty = big;
	rq.service = big;
	rq.groups = GROUPS(big, "x'; DROP TABLE person; --");
	isms_policy_evaluate(p, &rq, &f, &d, trace, 4, &n);
	expect(&d, "default", "deny");
	for (size_t i = 0; i < n; i++)
		assert_true(strlen(trace[i]) < 160);
	rq.user = "al\nice\x1b[31m";
	rq.rhost = "10.1.2.3\n";
	rq.groups = GROUPS("dba");
	decide(p, &rq, &f, &d);
	expect(&d, "default", "deny");
	/* Evaluation is a pure function: the same inputs, the same answer. */
	rq = alice();
	rq.now = utc(2026, 1, 15, 9, 0);
	decide(p, &rq, &f, &d);
	expect(&d, "dba", "allow");
	decide(p, &rq, &f, &d);
	expect(&d, "dba", "allow");
	free(big);
	isms_policy_free(p);
}

static void t_addr_parse(void **state)
{
	uint8_t a[16];
	int fam = 0;
	static const uint8_t v4[16] = {10, 1, 2, 3};
	static const uint8_t v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

	(void)state;
	assert_int_equal(isms_addr_parse("10.1.2.3", a, &fam), 0);
	assert_int_equal(fam, AF_INET);
	assert_memory_equal(a, v4, 16);
	assert_int_equal(isms_addr_parse("::ffff:10.1.2.3", a, &fam), 0);
	assert_int_equal(fam, AF_INET);
	assert_memory_equal(a, v4, 16);
	assert_int_equal(isms_addr_parse("::1", a, &fam), 0);
	assert_int_equal(fam, AF_INET6);
	assert_memory_equal(a, v6, 16);
	assert_int_equal(isms_addr_parse("10.1.2.3/8", a, &fam), -EINVAL);
	assert_int_equal(isms_addr_parse("10.1.2", a, &fam), -EINVAL);
	assert_int_equal(isms_addr_parse("", a, &fam), -EINVAL);
	assert_int_equal(isms_addr_parse("host.example.com", a, &fam), -EINVAL);
	assert_int_equal(isms_addr_parse("fe80::1%eth0", a, &fam), -EINVAL);
}


/* Review findings: a second equal member, a numeric "host", 24:00 as a start, /dev/ ttys. */
static void t_review_fixes(void **state)
{
	struct isms_policy *p;
	struct isms_request rq = alice();
	struct isms_facts f = good_facts();
	struct isms_decision d;

	(void)state;
	/* json-c would keep the last "allow": the deny must not become an allow. */
	parse_bad(POL("{'id':'a','users':'alice','allow':false,'allow':true}"), 1,
		  "$.rules[0].allow", "member given twice");
	parse_bad("{'version':1,'asset':'x','asset':'y','rules':[{'id':'a','allow':true}]}", 1,
		  "$.asset", "given twice");
	parse_bad(POL("{'id':'a','from':['10.0.0.300'],'allow':false}"), 1, "$.rules[0].from[0]",
		  "is not an address");
	parse_bad(POL("{'id':'a','from':['10.1.2'],'allow':false}"), 1, "$.rules[0].from[0]",
		  "is not an address");
	parse_bad(POL("{'id':'a','time':{'hours':'24:00-06:00','tz':'UTC'},'allow':true}"), 1,
		  "$.rules[0].time.hours", "HH:MM-HH:MM");
	/* Same names in different objects are fine. */
	p = parse_ok(POL("{'id':'a','users':'alice','allow':true},{'id':'b','allow':false}"));
	isms_policy_free(p);

	p = parse_ok(POL("{'id':'t','ttys':['tty[1-6]'],'allow':true}"));
	rq.tty = "/dev/tty3";
	decide(p, &rq, &f, &d);
	expect(&d, "t", "allow");
	rq.tty = "/dev/pts/1";
	decide(p, &rq, &f, &d);
	expect(&d, "(none)", "deny");
	isms_policy_free(p);
}

/*
 * The policy language is strict JSON (issue #8).  json-c takes comments and
 * keeps the last of two equal names; the old duplicate scanner then looped
 * forever on a comment (every login hung at 100% CPU), stopped at a comment
 * at the top level (so a later "allow": true won) and compared names before
 * unescaping.  An alarm turns a hang into a failure instead of a stuck suite.
 */
static void on_alarm(int sig)
{
	static const char msg[] = "not ok - policy parse did not finish within 5 s (hang)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void strict_bad(const char *text, const char *path, const char *needle, int line,
		       int column)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = UNTOUCHED;
	int r;

	signal(SIGALRM, on_alarm);
	alarm(5);
	r = isms_policy_parse(text, strlen(text), NULL, &p, &pr);
	alarm(0);
	if (r != -EINVAL || p != UNTOUCHED || pr.total != 1 || strcmp(pr.list[0].path, path) != 0 ||
	    !strstr(pr.list[0].msg, needle) || (line && pr.list[0].line != line) ||
	    (column && pr.list[0].column != column)) {
		dump(&pr);
		fail_msg("policy %s\n  got %d with %zu problems; want -EINVAL, one at %s:%d:%d "
			 "containing '%s'",
			 text, r, pr.total, path, line, column, needle);
	}
}

static void t_strict_json(void **state)
{
	(void)state;
	/* A '//' comment: the old scanner never came back. */
	strict_bad("{\"version\": 1, \"asset\": \"db\",\n"
		   "\"rules\": [ // admins first }\n"
		   "{\"id\": \"a\", \"allow\": true}]}",
		   "$.rules[0]", "comment", 2, 12);
	strict_bad("{\"version\": 1, \"asset\": \"db\", \"rules\": [\n"
		   "  /* block } ] */ {\"id\": \"a\", \"allow\": true}]}",
		   "$.rules[0]", "comment", 2, 3);
	/* A comment at the top level hid the duplicate that follows it. */
	strict_bad("{\"version\": 1, /* production */ \"asset\": \"db\",\n"
		   "\"rules\": [{\"id\": \"a\", \"allow\": false, \"allow\": true}]}",
		   "$", "comment", 1, 16);
	strict_bad("{\"version\": 1, \"asset\": \"db\",\n"
		   "\"rules\": [{\"id\": \"a\", \"allow\": false, /* x */ \"allow\": true}]}",
		   "$.rules[0]", "comment", 2, 39);
	/* Names are compared after unescaping: "\u0061llow" is "allow". */
	strict_bad("{\"version\": 1, \"asset\": \"db\",\n"
		   "\"rules\": [{\"id\": \"a\", \"allow\": false, \"\\u0061llow\": true}]}",
		   "$.rules[0].allow", "given twice", 2, 39);
	strict_bad("{\"version\": 1, \"asset\": \"db\", \"rules\": [{\"id\": \"a\","
		   " \"\\u0061llow\": false, \"allo\\u0077\": true}]}",
		   "$.rules[0].allow", "given twice", 1, 0);
	/* Other strictness a JSON 'superset' parser would let through. */
	strict_bad("{\"version\": 1, \"asset\": \"db\", \"rules\": [{\"id\": \"a\","
		   " \"allow\": true,}]}",
		   "$.rules[0]", "trailing comma", 1, 0);
	strict_bad("{\"version\": 1, \"asset\": 'db', \"rules\": []}", "$.asset", "double quotes",
		   1, 25);
	strict_bad("{\"version\": 01, \"asset\": \"db\", \"rules\": []}", "$.version",
		   "leading zero", 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_example),
		cmocka_unit_test(t_options),
		cmocka_unit_test(t_bad_top),
		cmocka_unit_test(t_bad_rule),
		cmocka_unit_test(t_bad_from),
		cmocka_unit_test(t_bad_time),
		cmocka_unit_test(t_bad_require),
		cmocka_unit_test(t_many_problems),
		cmocka_unit_test(t_invalid_json),
		cmocka_unit_test(t_trailing_space_ok),
		cmocka_unit_test(t_limits),
		cmocka_unit_test(t_load),
		cmocka_unit_test(t_first_match_wins),
		cmocka_unit_test(t_users_groups),
		cmocka_unit_test(t_services),
		cmocka_unit_test(t_from_ipv4),
		cmocka_unit_test(t_from_ipv6),
		cmocka_unit_test(t_from_names),
		cmocka_unit_test(t_from_list),
		cmocka_unit_test(t_ttys),
		cmocka_unit_test(t_time_dst),
		cmocka_unit_test(t_time_midnight),
		cmocka_unit_test(t_time_days),
		cmocka_unit_test(t_implicit_deny),
		cmocka_unit_test(t_deny_rule),
		cmocka_unit_test(t_require_ack),
		cmocka_unit_test(t_require_review),
		cmocka_unit_test(t_require_active),
		cmocka_unit_test(t_lockdown),
		cmocka_unit_test(t_break_glass_preconditions),
		cmocka_unit_test(t_store_unavailable),
		cmocka_unit_test(t_audit_mode),
		cmocka_unit_test(t_trace),
		cmocka_unit_test(t_reasons_capped),
		cmocka_unit_test(t_hostile_request),
		cmocka_unit_test(t_addr_parse),
		cmocka_unit_test(t_review_fixes),
		cmocka_unit_test(t_strict_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
