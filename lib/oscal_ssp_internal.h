/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_OSCAL_SSP_INTERNAL_H
#define ISMS_OSCAL_SSP_INTERNAL_H

#include "oscal_export_internal.h"

/*
 * The requirement checks of the store (Grundschutz++, the register
 * implementation) as implemented requirements appended to @reqs: one per
 * requirement, a by-component per check, on the component of its asset
 * (@components: asset name -> component UUID) or, for the information
 * domain and for assets that are no component, on @this_system.  0 or
 * -errno (oscal_ssp_requirements.c).
 */
int oscal_ssp_requirements(struct oscal_ctx *x, const char *this_system,
			   struct json_object *components, struct json_object *reqs);

#endif
