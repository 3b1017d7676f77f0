/* SPDX-License-Identifier: MIT */
/* crc32c.h — CRC-32C (Castagnoli, polynomial 0x1EDC6F41 reflected), the checksum of the sim
 * provider's journal and state records (docs/providers/sim.md). Any thread. */
#ifndef OT_CRC32C_H
#define OT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32C of len bytes at data, continuing crc (start with 0): ot_crc32c(ot_crc32c(0, a, n),
 * b, m) is the CRC of a then b. */
uint32_t ot_crc32c(uint32_t crc, const void *data, size_t len);

#endif
