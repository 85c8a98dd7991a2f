/* SPDX-License-Identifier: GPL-2.0 */
/* crmod compat: <asm/unaligned.h> became <linux/unaligned.h> in 6.12. */
#ifndef CRMOD_COMPAT_UNALIGNED_H
#define CRMOD_COMPAT_UNALIGNED_H

#ifdef CR_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif
