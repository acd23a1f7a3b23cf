/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_JSONDUP_H
#define ISMS_JSONDUP_H

#include <stddef.h>

/*
 * 1 and the JSON path of the second occurrence in @path when an object in
 * @json (already valid JSON) has a member name twice; 0 if none; -ENOMEM.
 */
int isms_json_duplicate(const char *json, size_t len, char *path, size_t pathlen);

#endif
