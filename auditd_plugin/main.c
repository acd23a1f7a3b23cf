/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * audisp-isms: auditd starts it and writes events to its stdin; it keeps
 * them as evidence in the ISMS store.  Three threads: the reader drains stdin
 * into a queue that overflows to disk (auditd never waits on us), the parser
 * assembles and classifies events, the writer stores them in batches.
 * --replay feeds audit.log files through the same path.
 *
 * Signals: SIGHUP reloads the configuration (auditd sends it on every
 * reconfigure), SIGTERM/SIGINT flush and exit, SIGUSR1 logs the counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <libaudit.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alive.h"
#include "fleet_registry.h"
#include "anchor.h"
#include "config.h" /* the build's: default store */
#include "dpms.h"
#include "log.h"
#include "plugin_config.h"
#include "isms/ingest.h"
#include "isms/store.h"
#include "kernel_audit.h"
#include "loss.h"
#include "parse.h"
#include "queue.h"
#include "isms/strutil.h"
#include "writer.h"

#define DEFAULT_CONFIG "/etc/isms/audit.json"
#define DEFAULT_SPOOL  ISMS_STATEDIR "/spool"
#define READ_CHUNK     (64u << 10)
#define FILE_QUEUE     (1u << 20) /* a file waits for the parser beyond this */
#define MAX_ROWS       20000

static atomic_bool stop_flag, reload_flag;

struct app {
	const char *config_path;
	const char *store_override;
	const char *spool;
	char **replay;
	int nreplay;
	bool stats;
	bool progress;
	struct plugin_config cfg;
	struct bqueue q;
	struct writer w;
	struct parser p;
	struct fleet_registry fleet;
	uint64_t replay_total, replay_done;
	int read_errno;
	int last_byte; /* of the input read so far; -1 before any */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: audisp-isms [-c CONFIG] [--store PATH] [--spool DIR] [--stats]\n"
		"       audisp-isms [options] --replay FILE...\n"
		"       audisp-isms [-c CONFIG] --check\n\n"
		"Reads audit events in auditd's string format on stdin (as an auditd plugin)\n"
		"or from audit.log files (--replay, with a progress bar on a terminal) and keeps\n"
		"them as hash-chained evidence in the ISMS store, tied to Annex A controls and\n"
		"assets, and feeds the live risk indicators.  Replaying twice stores nothing twice.\n\n"
		"  -c, --config PATH  configuration (default " DEFAULT_CONFIG "; defaults if absent)\n"
		"      --store PATH   the store (overrides the configuration)\n"
		"      --spool DIR    overflow and shutdown spool (default " DEFAULT_SPOOL ")\n"
		"      --replay FILE  read these files instead of stdin, then exit\n"
		"      --stats        print the counters on stderr at exit\n"
		"      --check        check the configuration and exit: 0 when usable, else 1\n"
		"                     and the problem on stderr\n"
		"  -h, --help, --version\n\n"
		"Signals: HUP reloads the configuration, TERM flushes and exits, USR1 logs the\n"
		"counters.  See audisp-isms(8) and audisp-isms.conf(5).\n");
}

static void log_counters(struct app *a, int prio, FILE *f)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "received %llu stored %llu filtered %llu duplicates %llu malformed %llu routed %llu queued %llu spooled %llu overflow_bytes %llu lost_bytes %llu",
		 (unsigned long long)writer_counter(&a->w, ISMS_CTR_RECEIVED),
		 (unsigned long long)writer_counter(&a->w, ISMS_CTR_STORED),
		 (unsigned long long)writer_counter(&a->w, ISMS_CTR_FILTERED),
		 (unsigned long long)writer_counter(&a->w, ISMS_CTR_DUPLICATES),
		 (unsigned long long)writer_counter(&a->w, ISMS_CTR_MALFORMED),
		 (unsigned long long)writer_counter(&a->w, ISMS_CTR_ROUTED),
		 (unsigned long long)(writer_queued(&a->w) + (bqueue_pending(&a->q) ? 1 : 0)),
		 (unsigned long long)writer_counter(&a->w, ISMS_CTR_SPOOLED),
		 (unsigned long long)a->q.spilled_total, (unsigned long long)a->q.lost_bytes);
	syslog(prio, "%s", line);
	if (f)
		fprintf(f, "audisp-isms: %s\n", line);
}

static void *signal_main(void *arg)
{
	struct app *a = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			reload_flag = true;
		else if (sig == SIGUSR1)
			log_counters(a, LOG_INFO, NULL);
		else {
			stop_flag = true;
			writer_abort(&a->w);
			return NULL;
		}
	}
}

static void progress(struct app *a, bool done)
{
	static time_t last;
	time_t now = time(NULL);
	int pct;

	if (!a->progress || (!done && now == last))
		return;
	last = now;
	pct = a->replay_total ? (int)(a->replay_done * 100 / a->replay_total) : 100;
	fprintf(stderr, "\r[%-40.*s] %3d%%  %llu events%s", pct * 40 / 100,
		"########################################", pct,
		(unsigned long long)writer_counter(&a->w, ISMS_CTR_RECEIVED), done ? "\n" : "");
}

static int read_fd(struct app *a, int fd)
{
	char *buf = malloc(READ_CHUNK);
	struct stat st;

	if (!buf)
		return -ENOMEM;
	/* A regular file (--replay, or stdin redirected from one) loses nothing
	 * by waiting for the parser; only auditd's pipe must never wait. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		bqueue_wait_over(&a->q, FILE_QUEUE);
	while (!stop_flag) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		/* Wake up now and then to notice SIGTERM. */
		if (poll(&pfd, 1, 200) == 0)
			continue;
		n = read(fd, buf, READ_CHUNK);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			int r = -errno;

			free(buf);
			return r;
		}
		if (n == 0)
			break;
		a->last_byte = (unsigned char)buf[n - 1];
		if (bqueue_push(&a->q, buf, (size_t)n) < 0 && a->q.lost_chunks % 1000 == 1)
			/* (the first and every 1000th: the loss record has the counts) */
			plugin_log(LOG_ERR, "%s: %zd bytes of events lost",
				   a->q.cap_hits ? "overflow queue full (overflow.disk_mb)" :
						   strerror(a->q.spill_errno),
				   n);
		a->replay_done += (uint64_t)n;
		progress(a, false);
	}
	free(buf);
	return 0;
}

static void *reader_main(void *arg)
{
	struct app *a = arg;
	int r = 0;

	if (a->nreplay) {
		for (int i = 0; i < a->nreplay && !stop_flag && r >= 0; i++) {
			int fd = open(a->replay[i], O_RDONLY | O_CLOEXEC);

			if (fd < 0) {
				r = -errno;
				fprintf(stderr, "audisp-isms: cannot read '%s': %s\n", a->replay[i],
					strerror(errno));
				break;
			}
			a->last_byte = -1;
			r = read_fd(a, fd);
			close(fd);
			/* A file cut off mid-line must not run into the next one. */
			if (r >= 0 && a->last_byte >= 0 && a->last_byte != '\n' &&
			    bqueue_push(&a->q, PARSE_CUT_MARK, sizeof(PARSE_CUT_MARK) - 1) < 0)
				plugin_log(LOG_ERR, "overflow spool failed (%s): end of '%s' lost",
					   strerror(a->q.spill_errno), a->replay[i]);
		}
	} else {
		r = read_fd(a, STDIN_FILENO);
	}
	a->read_errno = -r;
	bqueue_close(&a->q);
	return NULL;
}

static void on_event(void *ud, const struct aev *e, const struct classified *cl,
		     const char *details, size_t dlen)
{
	struct app *a = ud;

	writer_push_event(&a->w, cl, details, dlen);
}

static void on_malformed(void *ud, const char *line, size_t len, const char *why)
{
	struct app *a = ud;

	writer_push_malformed(&a->w, line, len, why, a->cfg.asset);
}

/* The registry again if it changed (@force: SIGHUP, start); with "fleet": "off" none is read. */
static void poll_fleet(struct app *a, bool force)
{
	if (a->cfg.fleet == FLEET_OFF)
		return;
	if (fleet_registry_poll(&a->fleet, force)) {
		parser_set_registry(&a->p, fleet_registry_get(&a->fleet));
		fleet_registry_drop_old(&a->fleet);
	}
}

static void on_meta(void *ud, const char *kind, const char *outcome, const char *asset,
		    const char *details, const char *key)
{
	struct app *a = ud;

	writer_push_meta_key(&a->w, kind, outcome, asset, details, key);
}

static int load_config(struct app *a, struct plugin_config *c)
{
	char err[512];
	int r = plugin_config_load(a->config_path, c, err, sizeof(err));

	if (r == -ENOENT) {
		plugin_config_default(c);
		/* (on stderr too: '-c typo.json' must not pass unnoticed) */
		plugin_log(LOG_WARNING, "no configuration at '%s', using the defaults",
			   a->config_path);
		r = 0;
	}
	if (r == 0 && !c->asset) {
		char host[256];

		/* Local events are about this host, an asset named as it is. */
		if (gethostname(host, sizeof(host)) == 0 && host[0]) {
			host[sizeof(host) - 1] = '\0';
			c->asset = strdup(host);
		}
	}
	if (r < 0)
		plugin_log(LOG_ERR, "configuration rejected: %s", err);
	return r;
}

/*
 * --check: is the configuration usable, as the plugin would read it (owner,
 * mode, strict JSON, every member known)?  Silent and 0 when it is, like
 * sshd -t; 1 and the problem on stderr otherwise.  A missing file is a
 * problem here: the plugin would run on the defaults, which is rarely what
 * was meant.
 */
static int check_config(const char *path)
{
	struct plugin_config c;
	char err[512];
	int r = plugin_config_load(path, &c, err, sizeof(err));

	if (r < 0) {
		char safe[sizeof(err)];

		isms_printable(err, safe, sizeof(safe), false);
		fprintf(stderr, "audisp-isms: %s%s\n", safe,
			r == -ENOENT ? " (the plugin would run with the defaults)" : "");
		return 1;
	}
	plugin_config_release(&c);
	return 0;
}

static uint64_t total_size(char **files, int n)
{
	uint64_t t = 0;

	for (int i = 0; i < n; i++) {
		struct stat st;

		if (stat(files[i], &st) == 0)
			t += (uint64_t)st.st_size;
	}
	return t;
}

static int probe_store(const char *path)
{
	struct isms_store *probe = NULL;
	char *err = NULL;

	if (isms_store_open(path, 0, 5000, &probe, &err) < 0) {
		fprintf(stderr, "audisp-isms: %s\n", err ? err : "cannot open the store");
		free(err);
		return -1;
	}
	isms_store_free(probe);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"store", required_argument, NULL, 's'},
		{"spool", required_argument, NULL, 'S'},  {"replay", no_argument, NULL, 'r'},
		{"stats", no_argument, NULL, 'x'},        {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},      {"check", no_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct app a = {.config_path = DEFAULT_CONFIG, .spool = DEFAULT_SPOOL};
	struct parse_sink sink = {
		.ud = &a, .event = on_event, .malformed = on_malformed, .meta = on_meta,
	};
	pthread_t reader, writer, sigthr;
	char spill[4096], *buf;
	const char *store;
	char *dpms_path = NULL;
	bool replay = false, check = false, live;
	time_t last_tick = 0;
	struct alive al;
	struct stat in_st;
	sigset_t set;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a.config_path = optarg; break;
		case 's': a.store_override = optarg; break;
		case 'S': a.spool = optarg; break;
		case 'r': replay = true; break;
		case 'x': a.stats = true; break;
		case 't': check = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("audisp-isms " ISMS_VERSION_STR "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (check) {
		if (optind < argc || replay) {
			fprintf(stderr, "audisp-isms: --check takes no files\n");
			return 2;
		}
		return check_config(a.config_path);
	}
	if (replay) {
		if (optind >= argc) {
			fprintf(stderr, "audisp-isms: --replay needs at least one file\n");
			return 2;
		}
		a.replay = argv + optind;
		a.nreplay = argc - optind;
		a.replay_total = total_size(a.replay, a.nreplay);
		a.progress = isatty(STDERR_FILENO);
	} else if (optind < argc) {
		fprintf(stderr, "audisp-isms: unexpected argument '%s' (files need --replay)\n",
			argv[optind]);
		return 2;
	}
	openlog("audisp-isms", LOG_PID, LOG_DAEMON);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (load_config(&a, &a.cfg) < 0)
		return 1;
	/* Copies: a SIGHUP frees a.cfg while the writer still uses these. */
	store = strdup(a.store_override ? a.store_override :
		       a.cfg.store ? a.cfg.store : ISMS_DEFAULT_STORE);
	a.spool = strdup(a.cfg.spool ? a.cfg.spool : a.spool);
	if (!store || !a.spool) {
		fprintf(stderr, "audisp-isms: cannot start: %s\n", strerror(ENOMEM));
		r = 1;
		goto out_early;
	}
	/* A backfill into a store that is not there is a mistake to say, not
	 * something to wait out as a live plugin does. */
	if (replay && probe_store(store) < 0) {
		r = 1;
		goto out_early;
	}
	mkdir(a.spool, 0700);
	snprintf(spill, sizeof(spill), "%s/audisp-isms.overflow", a.spool);
	if (bqueue_init(&a.q, (size_t)a.cfg.overflow_memory_mb << 20, spill) < 0 ||
	    !(dpms_path = strdup(a.cfg.dpms_store ? a.cfg.dpms_store : dpms_default_store(NULL))) ||
	    writer_init(&a.w, store, a.spool, dpms_path, a.cfg.batch_events, a.cfg.batch_ms,
			MAX_ROWS) < 0 ||
	    parser_init(&a.p, &a.cfg, &sink) < 0) {
		fprintf(stderr, "audisp-isms: cannot start: %s\n", strerror(errno));
		return 1;
	}
	bqueue_set_spill_cap(&a.q, (uint64_t)a.cfg.overflow_disk_mb << 20);
	bqueue_set_cut_mark(&a.q, PARSE_LOSS_MARK, sizeof(PARSE_LOSS_MARK) - 1);
	fleet_registry_init(&a.fleet, store);
	poll_fleet(&a, true);
	/* A collector start is itself evidence that gaps before it are explainable. */
	plugin_log(LOG_INFO, "started (%s, store '%s')", replay ? "replay" : "plugin", store);

	pthread_create(&sigthr, NULL, signal_main, &a);
	pthread_detach(sigthr);
	pthread_create(&writer, NULL, writer_main, &a.w);
	pthread_create(&reader, NULL, reader_main, &a);
	/* Named, so that top -H and perf tell the stages apart. */
	pthread_setname_np(writer, "isms-writer");
	pthread_setname_np(reader, "isms-reader");
	pthread_setname_np(pthread_self(), "isms-parser");

	live = !replay && !(fstat(STDIN_FILENO, &in_st) == 0 && S_ISREG(in_st.st_mode));
	if (live) {
		struct kernel_audit ka;
		char det[384], kj[160] = "";

		/* Without audit=1 at boot, processes older than auditd are never
		 * syscall-audited: 8.15 must say so (audisp-isms(8), KERNEL). */
		if (kernel_audit_read("/proc/cmdline", &ka) == 0) {
			kj[0] = ',';
			kernel_audit_json(&ka, kj + 1, sizeof(kj) - 1);
			if (ka.audit != 1)
				plugin_log(LOG_WARNING, "the kernel was booted without audit=1 (%s): processes"
					   " started before auditd are never syscall-audited",
					   kernel_audit_outcome(&ka));
		}
		/* Gaps before this moment are explainable: the collector was not there. */
		snprintf(det, sizeof(det), "{\"pid\":%ld,\"version\":\"%s\"%s}", (long)getpid(),
			 ISMS_VERSION_STR, kj);
		plugin_anchor(store, "start");
		writer_push_meta(&a.w, "collector.start", "started", a.cfg.asset, det);
		watch_loss(&a.q, &a.w, &a.cfg, true);
	}
	alive_init(&al);
	buf = malloc(READ_CHUNK);
	for (;;) {
		ssize_t n = bqueue_pop(&a.q, buf, READ_CHUNK, 1000);
		struct timespec mono;

		/* A node gone quiet has its pending events completed, even while
		 * others keep the input busy (their records no longer age its events). */
		clock_gettime(CLOCK_MONOTONIC, &mono);
		if (mono.tv_sec != last_tick) {
			last_tick = mono.tv_sec;
			parser_tick(&a.p);
			poll_fleet(&a, false);
		}

		/* (bqueue_pop returns at least once a second: an idle stdin beats too) */
		if (live) {
			watch_loss(&a.q, &a.w, &a.cfg, false);
			alive_tick(&al, &a.w, &a.q, &a.cfg);
		}

		if (reload_flag) {
			struct plugin_config nc;

			reload_flag = false;
			if (load_config(&a, &nc) == 0) {
				/* Events already parsed keep the old mapping; new ones the new. */
				plugin_config_release(&a.cfg);
				a.cfg = nc;
				parser_set_config(&a.p, &a.cfg);
				/* (the queue's memory is set at start) */
				bqueue_set_spill_cap(&a.q, (uint64_t)a.cfg.overflow_disk_mb << 20);
	bqueue_set_cut_mark(&a.q, PARSE_LOSS_MARK, sizeof(PARSE_LOSS_MARK) - 1);
				plugin_log(LOG_INFO, "configuration reloaded");
			} else {
				plugin_log(LOG_ERR, "keeping the previous configuration");
			}
			/* the registry again, whichever configuration is kept */
			poll_fleet(&a, true);
		}
		if (n < 0)
			break;
		if (n == 0) {
			/* Idle: events that never got their end are completed now. */
			parser_age(&a.p);
			continue;
		}
		parser_feed(&a.p, buf, (size_t)n);
	}
	free(buf);
	parser_flush(&a.p);
	if (live) {
		char det[512];

		watch_loss(&a.q, &a.w, &a.cfg, true);
		snprintf(det, sizeof(det),
			 "{\"received\":%llu,\"lost_bytes\":%llu,\"spilled_bytes\":%llu}",
			 (unsigned long long)writer_counter(&a.w, ISMS_CTR_RECEIVED),
			 (unsigned long long)a.q.lost_bytes, (unsigned long long)a.q.spilled_total);
		writer_push_meta(&a.w, "collector.stop", "stopped", a.cfg.asset, det);
	}
	writer_close(&a.w);
	pthread_join(reader, NULL);
	pthread_join(writer, NULL);
	if (live) /* after the last batch, the stop evidence included */
		plugin_anchor(store, "stop");
	progress(&a, true);
	if (a.read_errno)
		plugin_log(LOG_ERR, "reading input failed: %s", strerror(a.read_errno));
	log_counters(&a, LOG_INFO, a.stats ? stderr : NULL);
	r = writer_lost(&a.w) || a.read_errno || a.q.lost_bytes ? 1 : 0;
	parser_release(&a.p);
	fleet_registry_release(&a.fleet);
	writer_release(&a.w);
	bqueue_release(&a.q);
	free(dpms_path);
out_early:
	plugin_config_release(&a.cfg);
	free((char *)store);
	free((char *)a.spool);
	closelog();
	return r;
}
