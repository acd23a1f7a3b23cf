/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_MODELLING_H
#define ISMS_MODELLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/package.h"
#include "isms/protection.h"
#include "isms/store.h"
#include "isms/target_object.h"

/*
 * Modelling the information domain (BSI 200-2, Grundschutz++ STM) in the
 * store: each asset's target object type from the BSI's list, what it
 * depends on, the protection requirements inherited along those
 * dependencies with the overrides a person justified, and the requirement
 * package each asset receives from the imported Grundschutz++ catalogues,
 * with its tailoring, its parameters and its check.  The pure parts are
 * lib/target_object.c, lib/protection.c and lib/package.c; this is the
 * store around them.
 */

/*
 * Load the BSI's target_object_categories.csv at @path into the store
 * (replacing what was loaded before, refused while an asset names a type
 * the new file lacks).  Returns the number of types, or -ENOENT, -EINVAL
 * (the problem in *ret_err, malloc'd, optional), -EROFS, -EIO.
 */
int isms_model_types_load(struct isms_store *s, const char *path, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * The types loaded, parsed: 0 and *ret (isms_toc_free() it), -ENOENT when
 * none were loaded (the store's message says how), or -errno.
 */
int isms_model_types(struct isms_store *s, struct isms_toc **ret)
	__attribute__((warn_unused_result, nonnull));

/* 0 normal, 1 high, 2 very high, or -1 for another text. */
int isms_model_level(const char *text);
/* "normal", "high", "very_high". */
const char *isms_model_level_name(int level);

/* The protection requirements of one asset: its own, inherited, effective. */
struct isms_model_protection {
	const char *asset, *type, *target_object;
	int own[ISMS_PROT_N];
	int inherited[ISMS_PROT_N]; /* by the maximum principle alone */
	int effective[ISMS_PROT_N]; /* after the overrides */
	/* where effective[o] comes from: NULL own, else the asset it is inherited from */
	const char *from[ISMS_PROT_N];
	const char *override[ISMS_PROT_N]; /* the override's key, or NULL */
	const char *effect[ISMS_PROT_N];   /* its effect: cumulative or distribution */
	int highest;                       /* the highest effective requirement */
};

/*
 * The effective protection requirement of asset @asset, or of every asset
 * (@asset NULL) in the order they were added, to @cb (a non-zero return
 * stops and is returned).  0, -ENOENT (no such asset), -ELOOP (the
 * dependencies form a cycle: the message names an asset on it), -errno.
 */
int isms_model_protection(struct isms_store *s, const char *asset,
			  int (*cb)(const struct isms_model_protection *p, void *userdata),
			  void *userdata) __attribute__((warn_unused_result, nonnull(1, 3)));

/* Names of assets, malloc'd. */
struct isms_model_names {
	char **v;
	size_t n;
};

/*
 * The assets modelled as target objects (with a target_object), in the
 * order they were added, into *ret (isms_model_names_release() it): 0 or
 * -errno (as isms_model_protection()).
 */
int isms_model_assets(struct isms_store *s, struct isms_model_names *ret)
	__attribute__((warn_unused_result, nonnull));
void isms_model_names_release(struct isms_model_names *nm);

/* One requirement of a package, with what was decided and observed about it. */
struct isms_package_entry {
	const char *asset;      /* NULL: the information domain as a whole */
	const char *catalogue, *id, *title, *sec_level, *effort_level, *modal_verb;
	const char *categories; /* its target object categories, or NULL */
	enum isms_package_why why;      /* ISMS_PKG_NO: only there because it was added */
	const char *tailoring;          /* "add", "exclude", or NULL */
	const char *tailoring_id, *justification, *risk;
	/* the parameters to fill: a JSON array of {"id","label","value"} (value null: open) */
	const char *params;
	size_t params_open;
	/* the check: status yes, partly, no, not_applicable, or NULL when not checked */
	const char *status, *check_id, *owner, *measure, *checked_at;
	/* what the control tests naming it observe: pass, fail, insufficient; NULL: none */
	const char *observed, *observed_by;
	const char *controls;   /* Annex A controls it serves (the BSI's mapping), or NULL */
};

struct isms_package_totals {
	size_t requirements, excluded, added, checked, yes, partly, no, not_applicable, open;
	size_t observed, observed_fail;
};

/*
 * The requirement package of asset @asset (or, @asset NULL, of the
 * information domain: the requirements that name no target object type)
 * from the catalogues named by the setting package.catalogues (default:
 * every imported catalogue whose controls carry a security level), to @cb
 * in the catalogue's order, with *ret_totals (optional).  An excluded
 * requirement is passed too, with tailoring "exclude".  0, -ENOENT (no such
 * asset, no catalogue, no target object types loaded), -EINVAL (the asset
 * has no target object type: the message says how to give one), -errno.
 */
int isms_package_list(struct isms_store *s, const char *asset,
		      int (*cb)(const struct isms_package_entry *e, void *userdata), void *userdata,
		      struct isms_package_totals *ret_totals)
	__attribute__((warn_unused_result, nonnull(1, 3)));

/*
 * The method requirements (Grundschutz++ Methodik) the store answers from
 * its own records (lib/method_check.c): the scope's approval for GC.6.1,
 * the security officer's appointment for GC.9.1.1.1, and so on.
 */
struct isms_method_result {
	const char *id;
	const char *title;    /* from the imported catalogue, or NULL */
	const char *what;     /* what is looked at */
	const char *observed; /* pass, fail, insufficient (nothing to judge by) */
	const char *by;       /* what was found */
	int64_t n, bad;       /* how many things judged, how many short */
};

/*
 * Each method requirement covered, in the catalogue's order, to @cb (a
 * non-zero return stops and is returned).  0 or -errno.
 */
int isms_method_list(struct isms_store *s,
		     int (*cb)(const struct isms_method_result *m, void *userdata), void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* The one rule: nothing to judge by (@n 0) insufficient, any @bad fail, else pass. */
const char *isms_method_judge(int64_t n, int64_t bad);

#endif
