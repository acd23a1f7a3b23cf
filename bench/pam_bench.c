/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_bench: the cost of one account decision through real PAM stacks.
 *
 * Each call is what a login pays: pam_start_confdir (reads the service file
 * and loads its modules), pam_set_item(PAM_RHOST), pam_acct_mgmt, pam_end
 * (unloads them).  The services are timed round-robin, one call of each in
 * turn, so that drift over the run (page cache, a growing store, frequency
 * scaling) falls on all of them alike.  Prints p50, p99 and calls/s per
 * service, and each service's p50 and p99 minus the first service's.
 *
 * This program links libpam only: were it linked with SQLite, json-c or
 * libcrypto, pam_isms's dependencies would stay loaded between calls and
 * the figures would flatter it.
 *
 *   pam_bench [-n N] [-w WARMUP] [-u USER] [-r RHOST] -c CONFDIR SERVICE[=N]...
 *
 * SERVICE=N runs that service only N times (for one that writes to the
 * kernel audit log, say).  Exit 0, or 1 when a call did not return
 * PAM_SUCCESS (the first such result is printed), 2 on usage errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

struct service {
	const char *name;
	size_t n, done;
	double *ms;
	size_t failures;
	int first_failure;
};

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	/* The stacks under test ask nothing; a denial's message is not printed
	 * in the loop but shows in the failure count. */
	(void)n;
	(void)msg;
	(void)data;
	*resp = NULL;
	return PAM_CONV_ERR;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int one_call(const char *service, const char *user, const char *rhost, const char *confdir)
{
	const struct pam_conv c = {conv, NULL};
	pam_handle_t *ph = NULL;
	int r;

	r = pam_start_confdir(service, user, &c, confdir, &ph);
	if (r != PAM_SUCCESS)
		return r;
	if (rhost)
		r = pam_set_item(ph, PAM_RHOST, rhost);
	if (r == PAM_SUCCESS)
		r = pam_acct_mgmt(ph, PAM_SILENT);
	pam_end(ph, r);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @v. */
static double pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	return v[(k > n ? n : k) - 1];
}

static void usage(FILE *f)
{
	fprintf(f, "usage: pam_bench [-n N] [-w WARMUP] [-u USER] [-r RHOST] -c CONFDIR SERVICE[=N]...\n");
}

int main(int argc, char **argv)
{
	const char *confdir = NULL, *user = "nobody", *rhost = "127.0.0.1";
	size_t n = 2000, warmup = 50, nsvc;
	struct service *svc;
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "n:w:u:r:c:h")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtoul(optarg, NULL, 10);
			break;
		case 'u':
			user = optarg;
			break;
		case 'r':
			rhost = optarg[0] ? optarg : NULL;
			break;
		case 'c':
			confdir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!confdir || optind >= argc || n == 0) {
		usage(stderr);
		return 2;
	}
	nsvc = (size_t)(argc - optind);
	svc = calloc(nsvc, sizeof(*svc));
	if (!svc)
		return 2;
	for (size_t i = 0; i < nsvc; i++) {
		char *eq = strchr(argv[optind + i], '=');

		svc[i].name = argv[optind + i];
		svc[i].n = n;
		if (eq) {
			*eq = '\0';
			svc[i].n = strtoul(eq + 1, NULL, 10);
			if (svc[i].n == 0 || svc[i].n > n) {
				usage(stderr);
				return 2;
			}
		}
		svc[i].ms = calloc(svc[i].n, sizeof(double));
		if (!svc[i].ms)
			return 2;
	}

	for (size_t w = 0; w < warmup; w++)
		for (size_t i = 0; i < nsvc; i++)
			(void)one_call(svc[i].name, user, rhost, confdir);

	/* Round-robin; a service with a smaller N is spread evenly over the run. */
	for (size_t it = 0; it < n; it++) {
		for (size_t i = 0; i < nsvc; i++) {
			struct service *s = &svc[i];

			while (s->done < (it + 1) * s->n / n) {
				double t0 = now_ms();
				int r = one_call(s->name, user, rhost, confdir);

				s->ms[s->done++] = now_ms() - t0;
				if (r != PAM_SUCCESS && s->failures++ == 0)
					s->first_failure = r;
			}
		}
	}

	printf("%-22s %8s %9s %9s %9s %10s  %s\n", "service", "calls", "p50 ms", "p99 ms",
	       "mean ms", "calls/s", "result");
	for (size_t i = 0; i < nsvc; i++) {
		struct service *s = &svc[i];
		double sum = 0;

		for (size_t k = 0; k < s->n; k++)
			sum += s->ms[k];
		qsort(s->ms, s->n, sizeof(double), cmp_double);
		printf("%-22s %8zu %9.3f %9.3f %9.3f %10.0f  ", s->name, s->n, pct(s->ms, s->n, 50),
		       pct(s->ms, s->n, 99), sum / (double)s->n, (double)s->n / (sum / 1e3));
		if (s->failures) {
			printf("%zu failed, first: %s\n", s->failures, pam_strerror(NULL, s->first_failure));
			ret = 1;
		} else {
			printf("all PAM_SUCCESS\n");
		}
	}
	for (size_t i = 1; i < nsvc; i++)
		printf("%s - %s: p50 %+.3f ms, p99 %+.3f ms\n", svc[i].name, svc[0].name,
		       pct(svc[i].ms, svc[i].n, 50) - pct(svc[0].ms, svc[0].n, 50),
		       pct(svc[i].ms, svc[i].n, 99) - pct(svc[0].ms, svc[0].n, 99));
	for (size_t i = 0; i < nsvc; i++)
		free(svc[i].ms);
	free(svc);
	return ret;
}
