/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deadlines of the GDPR and the WP248 screening: pure functions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpms.h"
#include "isms/strutil.h"

static int days_in_month(int64_t y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return d[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

int dpms_deadline(const char *received, int months, char out[11])
{
	int64_t y, days;
	int m, d, wday;

	if (!isms_date_valid(received) || months < 0 || months > 1200)
		return -EINVAL;
	y = strtoll(received, NULL, 10);
	m = (received[5] - '0') * 10 + (received[6] - '0');
	d = (received[8] - '0') * 10 + (received[9] - '0');
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	/* Regulation 1182/71 Art. 3(2)(c): the same date, else the month's last day. */
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	days = isms_days_from_civil(y, (unsigned)m, (unsigned)d);
	wday = (int)(((days % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	/* Art. 3(4): a period ending on a Saturday or Sunday ends on the Monday. */
	if (wday == 6)
		days += 2;
	else if (wday == 0)
		days += 1;
	{
		/* back to a civil date */
		int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
		unsigned doe = (unsigned)(z - era * 146097);
		unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		unsigned mp = (5 * doy + 2) / 153;

		d = (int)(doy - (153 * mp + 2) / 5 + 1);
		m = (int)(mp < 10 ? mp + 3 : mp - 9);
		y = (int64_t)yoe + era * 400 + (m <= 2);
	}
	if (y < 1 || y > 9999)
		return -ERANGE;
	{
		char buf[32];

		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", (int)y, m, d);
		memcpy(out, buf, 11);
	}
	return 0;
}

int64_t dpms_breach_deadline(int64_t aware)
{
	/* Hours, not calendar days: a DST change inside them changes nothing. */
	return aware + 72 * 3600;
}

const char *const dpms_wp248_names[DPMS_WP248_CRITERIA] = {
	"evaluation_scoring", "automated_decisions", "systematic_monitoring",
	"sensitive_data",     "large_scale",         "matching_datasets",
	"vulnerable_subjects", "innovative_technology", "prevents_rights",
};

const char *const dpms_wp248_titles[DPMS_WP248_CRITERIA] = {
	"Evaluation or scoring, including profiling and predicting",
	"Automated decision-making with legal or similarly significant effect",
	"Systematic monitoring",
	"Sensitive data or data of a highly personal nature",
	"Data processed on a large scale",
	"Matching or combining datasets",
	"Data concerning vulnerable data subjects",
	"Innovative use or applying new technological or organisational solutions",
	"Processing that prevents data subjects from exercising a right or using a service or contract",
};

bool dpms_dpia_likely(const bool criteria[DPMS_WP248_CRITERIA])
{
	int n = 0;

	for (int i = 0; i < DPMS_WP248_CRITERIA; i++)
		n += criteria[i];
	return n >= 2;
}
