/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parsing limit for audisp-isms: a bare auparse_feed loop over an audit
 * log on stdin (disk log or plugin stream), whose callback touches every
 * field of every record of every event (name and value) and nothing else.
 * Prints what it saw, so that the work cannot be optimised away and the
 * benchmark can check that every tool saw the same events.
 *
 *   auparse_bare [--interpret] < audit.log
 *
 * --interpret also asks auparse for each field's interpretation, as
 * ausearch -i does (much slower; not what the plugin does).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <auparse.h>

#define CHUNK (64u << 10)

struct tally {
	unsigned long long events, records, fields, bytes;
	int interpret;
};

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *ud)
{
	struct tally *t = ud;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	t->events++;
	if (auparse_first_record(au) <= 0)
		return;
	do {
		t->records++;
		if (auparse_first_field(au) <= 0)
			continue;
		do {
			const char *name = auparse_get_field_name(au);
			const char *val = auparse_get_field_str(au);

			t->fields++;
			if (name)
				t->bytes += strlen(name);
			if (val)
				t->bytes += strlen(val);
			if (t->interpret) {
				const char *in = auparse_interpret_field(au);

				if (in)
					t->bytes += strlen(in);
			}
		} while (auparse_next_field(au) > 0);
	} while (auparse_next_record(au) > 0);
}

int main(int argc, char **argv)
{
	struct tally t = {0};
	auparse_state_t *au;
	char *buf;

	if (argc > 1 && strcmp(argv[1], "--interpret") == 0)
		t.interpret = 1;
	else if (argc > 1) {
		fprintf(stderr, "usage: auparse_bare [--interpret] < audit.log\n");
		return 2;
	}
	buf = malloc(CHUNK);
	au = auparse_init(AUSOURCE_FEED, NULL);
	if (!buf || !au) {
		fprintf(stderr, "auparse_bare: cannot start: %s\n", strerror(errno));
		return 1;
	}
	auparse_set_escape_mode(au, AUPARSE_ESC_RAW);
	auparse_add_callback(au, on_event, &t, NULL);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "auparse_bare: read: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		auparse_feed(au, buf, (size_t)n);
	}
	auparse_flush_feed(au);
	auparse_destroy(au);
	free(buf);
	printf("events %llu records %llu fields %llu bytes %llu\n", t.events, t.records, t.fields,
	       t.bytes);
	return 0;
}
