/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_APPOINTMENT_INTERNAL_H
#define ISMS_APPOINTMENT_INTERNAL_H

#include "isms/store.h"

/*
 * At the end of an import, with every record present: no two non-deputy
 * appointments to one role overlap (entity_appointment.c).  0, or -EPERM
 * with the store's message naming both and the rule.
 */
int appointment_check_all(struct isms_store *s);

#endif
