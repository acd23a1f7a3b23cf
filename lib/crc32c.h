/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CRC32C_H
#define ISMS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of @len bytes at @buf, continuing @crc (0 to start).  Pure. */
uint32_t isms_crc32c(uint32_t crc, const void *buf, size_t len);
/* The same by table, on any CPU: what isms_crc32c() falls back to, and is tested against. */
uint32_t isms_crc32c_portable(uint32_t crc, const void *buf, size_t len);

#endif
