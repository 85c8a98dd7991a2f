/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: CRC32C, built into the kernel: __crc32c_le() until the CRC
 * library rework of 6.14/6.15 made it crc32c(). (Before that, crc32c() was
 * libcrc32c's, through the crypto API: a module dependency we avoid.)
 */
#ifndef CRMOD_COMPAT_CRC32C_H
#define CRMOD_COMPAT_CRC32C_H

#include <linux/crc32.h>

static inline u32 cr_compat_crc32c(u32 crc, const void *buf, size_t len)
{
#ifdef CR_HAVE___CRC32C_LE
	return __crc32c_le(crc, buf, len);
#else
	return crc32c(crc, buf, len);
#endif
}

#endif
