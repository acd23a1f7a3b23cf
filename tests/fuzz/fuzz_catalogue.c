/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 'ismsctl catalogue import': isms_catalogue_import() on any bytes, into a
 * store made once per process that holds one catalogue already (so that
 * --replace and a second name both meet rows).  Each input is imported
 * twice inside an outer transaction rolled back afterwards: once as a new
 * name, once replacing the one there.  A refusal must say why; an import
 * that succeeds must be refused the second time without --replace; a
 * catalog imported must export as OSCAL that imports again with as many
 * groups and controls.  The profile's file list and the mapping links are
 * read on every input too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "isms/catalogue_import.h"
#include "isms/oscal_export.h"
#include "isms/store.h"

#define FUZZ_MAX (64u << 10)

static const char seed[] =
	"{\"catalog\":{\"uuid\":\"58d876a3-04d3-474e-a02f-be949c2a0a61\","
	"\"metadata\":{\"title\":\"T\",\"oscal-version\":\"1.1.3\"},"
	"\"controls\":[{\"id\":\"a\",\"title\":\"A\",\"controls\":[{\"id\":\"a.1\",\"title\":\"B\"}]}]}}";

static struct isms_store *store;
static char dir[4096];

static void cleanup(void)
{
	char path[4200];

	store = isms_store_free(store);
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
	fuzz_scratch_dir(dir, sizeof(dir), "catalogue");
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/store.db", dir);
	if (isms_store_open(path, ISMS_STORE_CREATE, 1000, &store, &err) < 0 ||
	    isms_catalogue_import(store, "old", "old.json", seed, strlen(seed), false, 0, NULL) < 0) {
		fprintf(stderr, "fuzz_catalogue: cannot make the store: %s\n", err ? err : "?");
		abort();
	}
	return 0;
}

static int counts(const struct isms_catalogue_info *c, void *ud)
{
	((int64_t *)ud)[0] = c->groups;
	((int64_t *)ud)[1] = c->controls;
	return 0;
}

static int no_link(const struct isms_catalogue_link *l, void *ud)
{
	(void)ud;
	CHECK(l->source_id && l->target_id && l->relationship);
	return 0;
}

/* A catalog imported as "new" exports, and the export imports as "again" with its counts. */
static void round_trip(void)
{
	int64_t a[2] = {-1, -1}, b[2] = {-2, -2};
	char *doc = NULL;
	int r = isms_oscal_catalog(store, "new", 0, &doc);

	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r < 0)
		return;
	r = isms_catalogue_import(store, "again", NULL, doc, strlen(doc), false, 0, NULL);
	CHECK(r == 0 || r == -ENOMEM);
	if (r == 0) {
		CHECK(isms_catalogue_get(store, "new", counts, a) == 0);
		CHECK(isms_catalogue_get(store, "again", counts, b) == 0);
		CHECK(a[0] == b[0] && a[1] == b[1]);
	}
	free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	char **files = NULL;
	size_t n_files = 0;
	int r;

	if (size > FUZZ_MAX)
		return 0;
	CHECK(isms_store_begin(store) == 0);
	r = isms_catalogue_import(store, "new", "x/new.json", buf, size, false, 0, NULL);
	CHECK(r == 0 || r == -EINVAL || r == -EFBIG || r == -ENOMEM);
	CHECK(r == 0 || r == -ENOMEM || isms_store_errmsg(store)[0]);
	if (r == 0) {
		CHECK(isms_catalogue_import(store, "new", NULL, buf, size, false, 0, NULL) == -EEXIST);
		round_trip();
		CHECK(isms_catalogue_links(store, NULL, NULL, NULL, no_link, NULL) == 0);
	}
	r = isms_catalogue_profile_files(buf, size, &files, &n_files);
	CHECK(r == 0 || r == -EINVAL || r == -EFBIG || r == -ENOMEM);
	for (size_t i = 0; r == 0 && i < n_files; i++)
		CHECK(files[i] && files[i][0]);
	isms_catalogue_files_free(files, n_files);
	r = isms_catalogue_import(store, "old", NULL, buf, size, true, 0, NULL);
	CHECK(r == 0 || r == -EINVAL || r == -EFBIG || r == -ENOMEM);
	isms_store_rollback(store);
	return 0;
}
