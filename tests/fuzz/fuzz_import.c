/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 'ismsctl import': isms_import_json() on any bytes, into a store made once
 * per process as 'ismsctl init' leaves it (the Annex A catalogue and the
 * threat catalogue loaded).  Each input runs inside an outer transaction
 * that is rolled back afterwards, so every input meets the same store and a
 * run is repeatable.  A refused import must say why.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/store.h"

#define FUZZ_MAX (64u << 10)

static struct isms_store *store;
static char dir[4096];

static void cleanup(void)
{
	char path[4200];

	store = isms_store_free(store);
	/* the store and any journal SQLite left beside it */
	for (const char *const *sfx = (const char *const[]){"", "-journal", "-wal", "-shm", NULL};
	     *sfx; sfx++) {
		snprintf(path, sizeof(path), "%s/store.db%s", dir, *sfx);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[4200], *err = NULL;

	(void)argc;
	(void)argv;
	fuzz_scratch_dir(dir, sizeof(dir), "import");
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/store.db", dir);
	if (isms_store_open(path, ISMS_STORE_CREATE, 1000, &store, &err) < 0 ||
	    isms_catalogue_load_controls(store, FUZZ_DATA_DIR "/annex-a-2022.json", &err) < 0 ||
	    isms_catalogue_load_threats(store, FUZZ_DATA_DIR "/bsi-elementary-threats.json", &err) < 0) {
		fprintf(stderr, "fuzz_import: cannot make the store: %s\n", err ? err : "?");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	int r;

	if (size > FUZZ_MAX)
		return 0;
	CHECK(isms_store_begin(store) == 0);
	r = isms_import_json(store, (const char *)data, size, &err);
	if (r < 0) {
		CHECK(r == -ENOMEM || err);
		CHECK(!err || err[0]);
	} else {
		CHECK(r == 0 && !err);
	}
	free(err);
	isms_store_rollback(store);
	return 0;
}
