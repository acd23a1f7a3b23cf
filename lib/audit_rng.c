/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The audit sample's generator: xoshiro256** seeded by splitmix64, the same on every machine. */
#include <errno.h>
#include <sys/random.h>

#include "isms/audit.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void isms_audit_rng_seed(struct isms_audit_rng *g, uint64_t seed)
{
	/* splitmix64 never gives four zeros, the one state xoshiro cannot leave */
	for (int i = 0; i < 4; i++)
		g->s[i] = splitmix64(&seed);
}

uint64_t isms_audit_rng_next(struct isms_audit_rng *g)
{
	uint64_t *s = g->s;
	const uint64_t out = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t isms_audit_rng_below(struct isms_audit_rng *g, uint64_t bound)
{
	/* Draws in the last partial copy of [0, bound) are thrown away: a plain
	 * modulo would favour the small numbers. */
	const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t x;

	do
		x = isms_audit_rng_next(g);
	while (x >= limit);
	return x % bound;
}

int isms_audit_seed_random(uint64_t *ret)
{
	uint64_t x;

	if (getrandom(&x, sizeof(x), 0) != (ssize_t)sizeof(x))
		return errno ? -errno : -EIO;
	*ret = x & ISMS_AUDIT_SEED_MAX;
	return 0;
}
