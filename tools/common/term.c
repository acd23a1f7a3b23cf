/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The terminal a command's output goes to: its width, colour and a pager (term.h). */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fit.h"
#include "term.h"

extern char **environ;

/* Help is wrapped to this, or to a narrower terminal. */
#define HELP_COLS 80
/* Words of a pager's command line. */
#define PAGER_ARGS 16

int term_color_parse(const char *when, enum term_color *ret)
{
	if (strcmp(when, "auto") == 0)
		*ret = TERM_COLOR_AUTO;
	else if (strcmp(when, "never") == 0 || strcmp(when, "no") == 0)
		*ret = TERM_COLOR_NEVER;
	else if (strcmp(when, "always") == 0 || strcmp(when, "yes") == 0)
		*ret = TERM_COLOR_ALWAYS;
	else
		return -EINVAL;
	return 0;
}

bool term_color_wanted(enum term_color when, bool tty, const char *term, const char *no_color)
{
	if (when != TERM_COLOR_AUTO)
		return when == TERM_COLOR_ALWAYS;
	return tty && !(term && strcmp(term, "dumb") == 0) && !(no_color && no_color[0]);
}

const char *term_pager_command(const char *isms_pager, const char *pager)
{
	const char *p = isms_pager ? isms_pager : pager ? pager : "less -FRX";

	p += strspn(p, " ");
	if (!*p || strcmp(p, "cat") == 0)
		return NULL;
	return p;
}

size_t term_rows(const char *text, size_t len, size_t cols)
{
	size_t rows = 0;

	for (size_t i = 0; i < len;) {
		size_t n = strcspn(text + i, "\n"), w;
		char *line = strndup(text + i, n < len - i ? n : len - i);

		w = line ? fit_width(line) : n;
		free(line);
		rows += cols && w > cols ? (w + cols - 1) / cols : 1;
		i += n + 1;
	}
	return rows;
}

size_t term_err_cols(void)
{
	struct winsize ws;

	if (isatty(STDERR_FILENO) && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0)
		return ws.ws_col;
	return 0;
}

/* The terminal's size from stdout, else $COLUMNS for the width. */
static void term_size(struct term_out *to, bool tty)
{
	struct winsize ws;
	const char *env;

	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		to->cols = ws.ws_col;
		to->rows = ws.ws_row;
		return;
	}
	env = getenv("COLUMNS");
	if (env && *env) {
		char *end;
		long n = strtol(env, &end, 10);

		if (!*end && n > 0 && n < 100000)
			to->cols = (size_t)n;
	}
}

int term_begin(struct term_out *to, enum out_format fmt, enum term_color color, bool pager,
	       bool help)
{
	bool tty = isatty(STDOUT_FILENO);
	const char *cs;

	*to = (struct term_out){.help = help};
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	term_size(to, tty);
	out_term.cols = fmt == OUT_TABLE ? to->cols : 0;
	out_term.color = fmt == OUT_TABLE &&
			 term_color_wanted(color, tty, getenv("TERM"), getenv("NO_COLOR"));
	out_term.ellipsis = cs && strcmp(cs, "UTF-8") == 0 ? "\u2026" : "...";
	if (pager && tty && fmt == OUT_TABLE && to->rows > 0)
		to->pager = term_pager_command(getenv("ISMS_PAGER"), getenv("PAGER"));
	if (!to->pager && !help)
		return 0;
	to->held = open_memstream(&to->buf, &to->len);
	if (!to->held)
		return -ENOMEM;
	to->real = stdout;
	stdout = to->held;
	return 0;
}

/* Through the pager: false when it cannot be started (then the caller writes). */
static bool page(const struct term_out *to, const char *text, size_t len)
{
	char *cmd = strdup(to->pager), *argv[PAGER_ARGS + 1], *save = NULL;
	posix_spawn_file_actions_t fa;
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	int fds[2], n = 0, status;
	pid_t pid;
	bool ok = false;

	if (!cmd)
		return false;
	/* The user's own command line, split on spaces: no shell. */
	for (char *w = strtok_r(cmd, " ", &save); w && n < PAGER_ARGS; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (n == 0 || pipe2(fds, O_CLOEXEC) != 0) {
		free(cmd);
		return false;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	/* less shows colour only with -R: as git does, when $LESS says nothing. */
	setenv("LESS", "FRX", 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) == 0) {
		ok = true;
		close(fds[0]);
		fds[0] = -1;
		/* Quitting the pager early closes the pipe: EPIPE, not a signal. */
		sigaction(SIGPIPE, &ign, &old);
		for (size_t off = 0; off < len;) {
			ssize_t w = write(fds[1], text + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(fds[1]);
		fds[1] = -1;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		sigaction(SIGPIPE, &old, NULL);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(cmd);
	return ok;
}

int term_end(struct term_out *to)
{
	char *text = NULL;
	int r = 0;

	if (!to->held)
		return 0;
	fflush(to->held);
	if (ferror(to->held))
		r = -EIO;
	fclose(to->held);
	to->held = NULL;
	stdout = to->real;
	if (r == 0 && to->help) {
		size_t cols = to->cols && to->cols < HELP_COLS ? to->cols : HELP_COLS;

		if (fit_wrap(to->buf ? to->buf : "", cols, &text) == 0) {
			free(to->buf);
			to->buf = text;
			to->len = strlen(text);
		}
	}
	if (r == 0 && to->len > 0 &&
	    !(to->pager && term_rows(to->buf, to->len, to->cols) >= to->rows &&
	      page(to, to->buf, to->len)))
		fwrite(to->buf, 1, to->len, stdout);
	free(to->buf);
	to->buf = NULL;
	return r;
}
