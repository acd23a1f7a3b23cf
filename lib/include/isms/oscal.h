/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_OSCAL_H
#define ISMS_OSCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The OSCAL reader: a NIST OSCAL catalog, profile or mapping-collection
 * (JSON, OSCAL 1.x: the BSI's Grundschutz++ files are 1.1.3 and 1.2) into a
 * flat structure the caller owns.  Pure: data in, data out; no I/O, no
 * store, no logging.  Bounded in time and memory by the input length and
 * the caps below, whatever the input.
 *
 * Tolerant of what the standard allows and of what real files do: members
 * it does not read are ignored (the BSI mapping's 'provenance.qa-reviewed',
 * links, back-matter hashes, remarks), optional members may be absent,
 * empty arrays are taken as absent (but where the schema asks for one
 * element at least: a profile's imports, a mapping's maps, a map entry's
 * sources and targets).  Strict about what would corrupt a
 * store: a required id or title missing, a member read here of the wrong
 * type, an id that is empty, longer than ISMS_OSCAL_ID_MAX or holds white
 * space or a control character, two controls (or groups, or parameters)
 * with one id, text that is not printable (isms_text_ok()) or longer than
 * its cap, nesting deeper than ISMS_OSCAL_DEPTH_MAX, more than
 * ISMS_OSCAL_ITEMS_MAX controls, groups or map entries, an oscal-version
 * whose major is not 1, a document uuid that is not one.
 *
 * Every string below is NUL-terminated UTF-8 without U+0000; optional ones
 * are NULL when absent.  Indexes into the doc's arrays are -1 for "none".
 */

#define ISMS_OSCAL_BYTES_MAX (16u << 20) /* a document longer than this: -EFBIG */
#define ISMS_OSCAL_ID_MAX    128u        /* ids, names, tokens, in bytes */
#define ISMS_OSCAL_URI_MAX   2048u       /* hrefs, namespaces */
#define ISMS_OSCAL_TEXT_MAX  8192u       /* titles, labels, property values */
#define ISMS_OSCAL_PROSE_MAX (64u << 10) /* one control's statement or guidance, joined */
#define ISMS_OSCAL_DEPTH_MAX 32u         /* groups, controls and parts, nested in each other */
#define ISMS_OSCAL_ITEMS_MAX 100000u     /* controls, groups, map entries per document */

enum isms_oscal_model {
	ISMS_OSCAL_CATALOG = 1,
	ISMS_OSCAL_PROFILE,
	ISMS_OSCAL_MAPPING, /* a mapping-collection */
};

/* Where a control's property was given: the BSI puts some on each. */
enum isms_oscal_origin {
	ISMS_OSCAL_ON_CONTROL = 1, /* sec_level, effort_level, tags */
	ISMS_OSCAL_ON_STATEMENT,   /* modal_verb, action_word, result, documentation, ... */
};

struct isms_oscal_prop {
	char *name;
	char *value;
	char *ns; /* optional */
	enum isms_oscal_origin origin;
};

struct isms_oscal_param {
	char *id;
	char *label;    /* optional */
	char **values;  /* the 'values' given */
	size_t n_values;
	char **choices; /* a 'select''s choices */
	size_t n_choices;
	bool one_or_more; /* select 'how-many': one-or-more (else one) */
};

struct isms_oscal_group {
	char *id;    /* optional in OSCAL */
	char *title;
	char *class; /* optional */
	ssize_t parent; /* index in groups, or -1 at the top */
};

struct isms_oscal_control {
	char *id;
	char *title;
	char *class;     /* optional */
	ssize_t group;   /* index in groups of the nearest group, or -1 at the top */
	ssize_t parent;  /* index in controls of the control it is nested in, or -1 */
	/*
	 * The 'statement' part's prose, then each nested part's, one a line,
	 * after its 'label' property ("a. ..."), in document order.  Optional.
	 */
	char *statement;
	char *guidance;  /* the 'guidance' part, joined the same way; optional */
	struct isms_oscal_prop *props; /* the control's, then its statement's */
	size_t n_props;
	struct isms_oscal_param *params;
	size_t n_params;
};

/* A profile's selection of controls: one 'include-controls' or 'exclude-controls' entry. */
struct isms_oscal_selector {
	char **ids;      /* 'with-ids' */
	size_t n_ids;
	char **patterns; /* 'matching[].pattern' (globs) */
	size_t n_patterns;
	bool with_child_controls; /* 'with-child-controls': yes */
};

struct isms_oscal_import {
	char *href; /* often "#UUID" of a back-matter resource */
	bool include_all;
	struct isms_oscal_selector *include;
	size_t n_include;
	struct isms_oscal_selector *exclude;
	size_t n_exclude;
};

/* A profile's 'modify.set-parameters' entry. */
struct isms_oscal_set_param {
	char *param_id;
	char *label; /* optional */
	char **values;
	size_t n_values;
};

/* A back-matter resource, to resolve "#UUID" hrefs. */
struct isms_oscal_resource {
	char *uuid;
	char *title; /* optional */
	char **hrefs; /* its rlinks, in order */
	size_t n_hrefs;
};

/* One side of a map entry: 'type' is "control" or "statement" in OSCAL 1.2. */
struct isms_oscal_ref {
	char *type;
	char *id_ref;
};

struct isms_oscal_map {
	char *uuid; /* optional here */
	char *relationship; /* "equivalent-to", "subset-of", "intersects-with", ... */
	struct isms_oscal_ref *sources;
	size_t n_sources;
	struct isms_oscal_ref *targets;
	size_t n_targets;
};

struct isms_oscal_mapping {
	char *uuid; /* optional here */
	char *source_type; /* 'source-resource': "catalog" or "profile" */
	char *source_href;
	char *target_type;
	char *target_href;
	struct isms_oscal_map *maps;
	size_t n_maps;
};

struct isms_oscal_doc {
	enum isms_oscal_model model;
	char *uuid;
	char *title;         /* metadata.title */
	char *version;       /* metadata.version; optional */
	char *oscal_version; /* metadata.oscal-version; optional */

	/* catalog: groups before their subgroups and controls, in document order */
	struct isms_oscal_group *groups;
	size_t n_groups;
	struct isms_oscal_control *controls;
	size_t n_controls;

	/* profile */
	struct isms_oscal_import *imports;
	size_t n_imports;
	struct isms_oscal_set_param *set_params;
	size_t n_set_params;

	/* mapping-collection */
	struct isms_oscal_mapping *mappings;
	size_t n_mappings;

	/* any model */
	struct isms_oscal_resource *resources;
	size_t n_resources;
};

/*
 * Read the @len bytes at @json (need not be NUL-terminated) as one OSCAL
 * document, strict JSON (isms_json_parse()) whose top-level object holds
 * exactly one of 'catalog', 'profile', 'mapping-collection'.  Returns 0 and
 * sets *ret_doc (free it with isms_oscal_doc_free()).  Otherwise leaves
 * *ret_doc untouched, writes what was wrong into @err (@errlen bytes,
 * NUL-terminated, cut if it must be; may be NULL with @errlen 0) naming the
 * place ("catalog.groups[3].controls[7]: control without 'id'"), and
 * returns -EINVAL (malformed, or beyond a cap), -EFBIG (longer than
 * ISMS_OSCAL_BYTES_MAX) or -ENOMEM.
 */
int isms_oscal_parse(const char *json, size_t len, struct isms_oscal_doc **ret_doc, char *err,
		     size_t errlen) __attribute__((warn_unused_result, nonnull(1, 3)));

/* Accepts NULL. */
void isms_oscal_doc_free(struct isms_oscal_doc *doc);

#endif
