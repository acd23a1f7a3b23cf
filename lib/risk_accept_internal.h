/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_RISK_ACCEPT_INTERNAL_H
#define ISMS_RISK_ACCEPT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/entity.h"

/* The risk record type's written() hook: who may accept a risk, and when (risk_accept.c). */
int risk_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		 const struct isms_kv *kv, size_t n, bool added);

#endif
