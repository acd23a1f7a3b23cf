/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CSV reader and the target object types read through it, on any
 * bytes: a table read has every cell, a tree read has its parents in
 * range, no cycle, and each type found again by its name.
 */
#include <string.h>

#include "fuzz.h"
#include "isms/csv.h"
#include "isms/target_object.h"

#define FUZZ_MAX (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_csv *csv = NULL;
	struct isms_toc *toc = NULL;
	char err[256];

	if (size > FUZZ_MAX)
		return 0;
	if (isms_csv_parse((const char *)data, size, &csv, err, sizeof(err)) == 0) {
		CHECK(csv->ncols >= 1);
		for (size_t i = 0; i < csv->ncols; i++)
			CHECK(csv->header[i] && isms_csv_column(csv, csv->header[i]) == (int)i);
		for (size_t r = 0; r < csv->nrows; r++)
			for (size_t c = 0; c < csv->ncols; c++)
				CHECK(isms_csv_cell(csv, r, c) != NULL);
		isms_csv_free(csv);
	} else {
		CHECK(csv == NULL && err[0]);
	}
	if (isms_toc_parse((const char *)data, size, &toc, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < toc->n; i++) {
			int p = toc->types[i].parent;

			CHECK(p >= -1 && p < (int)toc->n && p != (int)i);
			CHECK(isms_toc_is_a(toc, (int)i, (int)i));
			CHECK(p < 0 || isms_toc_is_a(toc, (int)i, p));
			CHECK(p < 0 || !isms_toc_is_a(toc, p, (int)i));
			CHECK(strcmp(toc->types[isms_toc_find(toc, toc->types[i].name)].name,
				     toc->types[i].name) == 0);
		}
		isms_toc_free(toc);
	} else {
		CHECK(toc == NULL && err[0]);
	}
	return 0;
}
