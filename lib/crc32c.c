/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC-32C (Castagnoli), for the snapshot, the compiled policy and the
 * journal: it catches torn writes and flipped bits, not an attacker (the
 * files' trust checks do that), and needs no libcrypto in the login path.
 * With SSE4.2 (every x86-64 CPU since 2008) the CPU's own crc32 instruction
 * does it, eight bytes at a time: the table walk was most of what decoding
 * the compiled policy cost a login.
 */
#include <string.h>

#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define HAVE_X86_FEATURES 1
#endif
#endif

#include "crc32c.h"

#define POLY 0x82f63b78u

static uint32_t table[256];
static int table_ready;

static void make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? POLY ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	__atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

uint32_t isms_crc32c_portable(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/* Two threads building it at once write the same values. */
	if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		make_table();
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#ifdef HAVE_X86_FEATURES
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const void *buf,
							       size_t len)
{
	const unsigned char *p = buf;
	uint64_t c = ~crc;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t v;

		memcpy(&v, p, 8); /* no alignment assumed */
		c = __builtin_ia32_crc32di(c, v);
	}
	for (; len; p++, len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p);
	return ~(uint32_t)c;
}

uint32_t isms_crc32c(uint32_t crc, const void *buf, size_t len)
{
	/* What glibc found at start-up: no cpuid here, which traps to the
	 * hypervisor in a VM and cost more than the whole table walk. */
	return CPU_FEATURE_ACTIVE(SSE4_2) ? crc32c_sse42(crc, buf, len) :
					    isms_crc32c_portable(crc, buf, len);
}
#else
uint32_t isms_crc32c(uint32_t crc, const void *buf, size_t len)
{
	return isms_crc32c_portable(crc, buf, len);
}
#endif
