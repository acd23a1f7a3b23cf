/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isms's own processing of personal data: the evidence it keeps of logins,
 * source addresses and file accesses of the people on the hosts.  A ready
 * record of processing for it, with its WP248 screening, so that the tool
 * that watches others is in its own register.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpms.h"
#include "isms/entity.h"
#include "isms/sql.h"

#define ISMS_RECORD_NAME "isms: security evidence of logins and accesses"

int dpms_isms_record_add(struct isms_store *s, char **ret_id)
{
	const struct isms_entity *ae = isms_schema_entity(&dpms_schema, "activity");
	const struct isms_entity *se = isms_schema_entity(&dpms_schema, "screening");
	sqlite3_stmt *st = NULL;
	char *id = NULL;
	int r;
	const struct isms_kv act[] = {
		{"name", ISMS_RECORD_NAME},
		{"role", "controller"},
		{"purposes", "information security: evidence that access control and logging work"
			     " (ISO/IEC 27001 Annex A 5.15, 5.18, 8.2, 8.15, 8.16); detecting and"
			     " investigating security incidents and personal data breaches;"
			     " accountability (GDPR Art. 5(2), 24, 32)"},
		{"lawful_basis", "legitimate_interests"},
		{"data_subjects", "employees, administrators and contractors with accounts on the"
				  " hosts"},
		{"data_categories", "user names and ids, login and logout times and results, source"
				    " addresses (IP addresses, host names), privilege use (sudo),"
				    " files accessed and the programs used"},
		{"recipients", "the information security officer, the data protection officer,"
			       " auditors on request"},
		{"transfers", "none"},
		{"erasure", "evidence rows kept as set by 'ismsctl evidence retention' and"
			    " 'dpmsctl evidence retention', pseudonymised after the period set there,"
			    " archived rows with their archive"},
		{"toms", "hash-chained evidence (optionally keyed with an HMAC key), stores readable"
			 " only by root and the security officer's or DPO's group, accesses to"
			 " personal data kept in the DPMS store apart from the ISMS store,"
			 " pseudonymisation of old access records"},
		{"status", "active"},
	};
	/* WP248: systematic monitoring (3) of employees, vulnerable by their dependence (7). */
	struct isms_kv scr[] = {
		{"activity", NULL},
		{"systematic_monitoring", "yes"},
		{"vulnerable_subjects", "yes"},
		{"decision", "required"},
		{"reason", "WP248 rev.01: systematic monitoring of employees meets two criteria"
			   " (3 and 7): a DPIA is required before the processing"},
	};

	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_sql_prepare(s, "SELECT id FROM activity WHERE name = ?1", &st);
	if (r >= 0)
		r = isms_sql_bind_text(s, st, 1, ISMS_RECORD_NAME);
	if (r >= 0)
		r = isms_sql_step_row(s, st);
	if (r > 0)
		r = isms_sql_seterr(s, -EEXIST, "isms's own record of processing is there already: '%s'",
				    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (r < 0)
		goto fail;
	r = isms_record_add(s, ae, act, sizeof(act) / sizeof(act[0]), &id);
	if (r < 0)
		goto fail;
	scr[0].value = id;
	r = isms_record_add(s, se, scr, sizeof(scr) / sizeof(scr[0]), NULL);
	if (r < 0)
		goto fail;
	r = isms_store_commit(s);
	if (r < 0) {
		free(id);
		return r;
	}
	*ret_id = id;
	return 0;
fail:
	isms_store_rollback(s);
	free(id);
	return r;
}
